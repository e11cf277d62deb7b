"""`python -m training.ship.calibrate` on the tiny set, with a copy of the shipped model (no training needed): it
writes a rule the server accepts, leaves model.json's other fields alone, hits its real-flagged target on its own
data, and `training.measure.evaluate` then reports the rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from backend import confidence
from training.data.build.splits import VALIDATION, SplitRule
from training.measure import evaluate
from training.ship import calibrate

SHIPPED = Path(__file__).resolve().parents[3] / "models"


def _crohme_file(folder: Path) -> Path:
    """CROHME-shaped records of two writers the split rule puts in validation, with expressions and letters."""
    rule = SplitRule()
    writers = [f"w{i}" for i in range(200) if rule.split_of("crohme", f"writer:w{i}") == VALIDATION][:2]
    lines = []
    for writer in writers:
        for index, label in enumerate("abxn2+"):
            x = 30.0 * index
            strokes = [[[x, 0.0], [x + 8, 20.0], [x + 16, 0.0]], [[x + 2, 10.0], [x + 14, 10.0]]]
            record = {"label": label, "strokes": strokes, "writer": writer, "source_expr": f"{writer}-1"}
            lines.append(json.dumps({**record, "group": f"writer:{writer}"}))
    path = folder / "crohme.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (SHIPPED / "model.onnx").is_file():
        pytest.skip("no shipped model")
    out = tmp_path_factory.mktemp("calibrate-models")
    shutil.copy(SHIPPED / "model.onnx", out / "model.onnx")
    card = json.loads((SHIPPED / "model.json").read_text())
    card.pop("uncertainty", None)
    (out / "model.json").write_text(json.dumps(card))
    return out


@pytest.mark.slow
def test_calibrate_writes_a_rule_the_server_accepts(model_dir: Path, dataset: Path, tmp_path: Path) -> None:
    before = json.loads((model_dir / "model.json").read_text())
    block = calibrate.main(
        [
            "--model",
            str(model_dir),
            "--data",
            str(dataset),
            "--crohme",
            str(_crohme_file(tmp_path)),
            "--catalogue",
            str(SHIPPED / "symbols.json"),
            "--junk-per-kind",
            "40",
            "--steps",
            "300",
            "--real-flagged-target",
            "0.05",
        ]
    )
    after = json.loads((model_dir / "model.json").read_text())
    assert {k: v for k, v in after.items() if k != "uncertainty"} == before
    rule = confidence.UncertaintyRule.from_json(after["uncertainty"])
    result = block["fitted_on"]["result"]
    assert result["real_flagged"] <= 0.05
    assert set(result["junk_caught_by_kind"]) == {"scribble", "hatch", "coil", "expression", "word", "taps"}
    assert result["junk_caught"] > 0.5  # clean shapes against scribbles: easy to tell apart
    assert rule.threshold == after["uncertainty"]["threshold"]
    assert after["uncertainty"]["model_sha256"] == before["sha256"]

    report = evaluate.main(
        [
            "--model",
            str(model_dir),
            "--data",
            str(dataset / "heldout" / "crohme.jsonl"),
            "--catalogue",
            str(SHIPPED / "symbols.json"),
        ]
    )
    uncertainty = report["uncertainty"]
    assert uncertainty["real_n"] == report["n"]
    assert 0 <= uncertainty["real_flagged"] <= 1
    # The tiny held-out file has no writers or expressions: only the generated kinds are checked.
    assert set(uncertainty["junk_caught_by_kind"]) == {"scribble", "hatch", "coil", "taps"}


@pytest.mark.slow
def test_calibrate_no_write_leaves_model_json_alone(model_dir: Path, dataset: Path, tmp_path: Path) -> None:
    before = (model_dir / "model.json").read_text()
    calibrate.main(
        ["--model", str(model_dir), "--data", str(dataset), "--crohme", str(_crohme_file(tmp_path))]
        + ["--catalogue", str(SHIPPED / "symbols.json"), "--junk-per-kind", "10", "--steps", "50", "--no-write"]
    )
    assert (model_dir / "model.json").read_text() == before


def test_threshold_for_flags_at_most_the_share() -> None:
    scores = np.arange(100, dtype=np.float64)
    assert calibrate.threshold_for(scores, 0.05) == 95.0  # flags 95..99: five
    assert calibrate.threshold_for(scores, 0.049) == 96.0  # four
    assert calibrate.threshold_for(scores, 0.0) > 99.0  # none
