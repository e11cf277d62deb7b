"""`python -m backend` start-up: a model that cannot be served stops it with one line and exit status 2."""

import hashlib
import json
import subprocess

import httpx
import pytest

from tests.backend.live_server import REPO_ROOT, free_port, live_server, server_command
from tests.backend.model_fixtures import SYMBOLS, glyph_labels, symbol, write_catalogue, write_model, write_model_dir


def start_and_fail(model_dir):
    result = subprocess.run(
        server_command(model_dir, free_port()), cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    return result


def assert_one_clear_line(result, *fragments):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("texsketch: cannot start: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_startup_fails_clearly_without_model_file(tmp_path):
    model_dir = write_model_dir(tmp_path / "models")
    (model_dir / "model.onnx").unlink()
    assert_one_clear_line(start_and_fail(model_dir), "model.onnx does not exist")


def test_startup_fails_clearly_on_corrupt_model_file(tmp_path):
    model_dir = write_model_dir(tmp_path / "models")
    (model_dir / "model.onnx").write_bytes((model_dir / "model.onnx").read_bytes()[:100])
    assert_one_clear_line(start_and_fail(model_dir), "corrupt")


def test_startup_fails_clearly_on_unloadable_model_with_matching_checksum(tmp_path):
    model_dir = write_model_dir(tmp_path / "models")
    garbage = b"\x08\x07garbage" * 20
    (model_dir / "model.onnx").write_bytes(garbage)
    card = json.loads((model_dir / "model.json").read_text())
    (model_dir / "model.json").write_text(json.dumps({**card, "sha256": hashlib.sha256(garbage).hexdigest()}))
    assert_one_clear_line(start_and_fail(model_dir), "not a loadable ONNX model")


def test_startup_fails_clearly_when_labels_do_not_match_model_width(tmp_path):
    model_dir = tmp_path / "models"
    write_catalogue(model_dir)
    labels = glyph_labels(SYMBOLS)
    write_model(model_dir, labels[:-2], classes=len(labels))
    assert_one_clear_line(start_and_fail(model_dir), f"outputs {len(labels)} scores", f"lists {len(labels) - 2} labels")


def test_startup_fails_clearly_without_catalogue(tmp_path):
    model_dir = write_model_dir(tmp_path / "models")
    (model_dir / "symbols.json").unlink()
    assert_one_clear_line(start_and_fail(model_dir), "symbols.json does not exist")


def test_startup_rejects_invalid_setting(tmp_path):
    result = subprocess.run(
        [*server_command(tmp_path, 8000), "--workers", "0"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "workers" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_startup_with_two_workers_serves_the_same_answers(tmp_path):
    model_dir = write_model_dir(tmp_path / "models")
    drawing = {"strokes": [[[0, 0], [5, 9], [10, 0]]], "k": 4}
    with live_server(model_dir, "--workers", "2") as server:
        answers = {httpx.post(f"{server.url}/predict", json=drawing).text for _ in range(20)}
    assert len(answers) == 1


def test_startup_warns_about_labels_the_catalogue_no_longer_has_and_serves(tmp_path):
    model_dir = tmp_path / "models"
    extra = [symbol(f"latex2e-OT1-_g{i}", f"\\g{i}", [f"g {i}"]) for i in range(60)]
    write_catalogue(model_dir, [*SYMBOLS, *extra])
    write_model(model_dir, [*glyph_labels(SYMBOLS), "latex2e-OT1-_gone", *(s["id"] for s in extra)])
    with live_server(model_dir) as server:
        health = httpx.get(f"{server.url}/health").json()
        answer = httpx.post(f"{server.url}/predict", json={"strokes": [[[0, 0], [9, 9]]], "k": 20}).json()
        server.process.terminate()
        output = server.process.stdout.read()
    assert health["unlisted_labels"] == 1
    assert "latex2e-OT1-_gone" not in [p["id"] for p in answer["predictions"]]
    assert "1 model labels are not in" in output and "latex2e-OT1-_gone" in output
