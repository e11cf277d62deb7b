"""`python -m training.ship.calibrate` on the tiny set, with a copy of the shipped model (no training needed): it
writes a rule the server accepts, leaves model.json's other fields alone, hits its flagged targets on its own
data, and `training.measure.evaluate` then reports the rule. The pieces of the fit (typical ink per output, the
weights of the symbols side) are checked on their own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from backend import confidence
from training.data.build.splits import VALIDATION, SplitRule
from training.measure import evaluate
from training.ship import calibrate, not_sure

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
    # The tiny set's classes have under rare_below real training drawings: all its drawings are "rare", and with
    # the template drawings of its classes they are flagged at most at the rare target.
    groups = result["by_group"]
    assert groups["common"]["n"] == 0 and groups["rare"]["n"] == result["real_n"] > 0
    assert groups["templates"]["n"] == 6 * len(json.loads((dataset / "meta.json").read_text())["classes"])
    pooled = groups["rare"]["flagged"] * groups["rare"]["n"] + groups["templates"]["flagged"] * groups["templates"]["n"]
    assert pooled <= 0.05 * (groups["rare"]["n"] + groups["templates"]["n"])
    assert len(after["uncertainty"]["typical_ink"]["coverage"]) == len(before["labels"])
    assert set(result["junk_caught_by_kind"]) == {"scribble", "hatch", "coil", "expression", "word", "taps", "zigzag"}
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
    assert set(uncertainty["junk_caught_by_kind"]) == {"scribble", "hatch", "coil", "taps", "zigzag"}


@pytest.mark.slow
def test_calibrate_no_write_leaves_model_json_alone(model_dir: Path, dataset: Path, tmp_path: Path) -> None:
    before = (model_dir / "model.json").read_text()
    calibrate.main(
        ["--model", str(model_dir), "--data", str(dataset), "--crohme", str(_crohme_file(tmp_path))]
        + ["--catalogue", str(SHIPPED / "symbols.json"), "--junk-per-kind", "10", "--steps", "50", "--no-write"]
    )
    assert (model_dir / "model.json").read_text() == before


def test_typical_ink_is_the_mean_of_each_outputs_group() -> None:
    """Outputs of one glyph group share its drawings' mean ink; a group without drawings gets the overall mean."""
    thin = np.zeros((32, 32), dtype=np.uint8)
    thin[16, 4:28] = 8  # 24 pixels at half weight
    filled = np.zeros((32, 32), dtype=np.uint8)
    filled[4:28, 4:28] = 16  # 576 pixels at full weight
    counts = np.stack([thin, thin, filled])
    typical = not_sure.typical_ink(counts, np.array([0, 0, 1]), group_of_output=np.array([0, 1, 1, 2]))
    # Rounded to four significant digits (model.json carries them per output): within 5e-4 relative, and no more.
    close = {"rtol": 5e-4, "atol": 0}
    np.testing.assert_allclose(
        typical.coverage, [24 / 1024, 576 / 1024, 576 / 1024, (2 * 24 + 576) / 3 / 1024], **close
    )
    np.testing.assert_allclose(typical.heaviness, [0.5, 1.0, 1.0, (0.5 + 0.5 + 1.0) / 3], **close)
    np.testing.assert_allclose(typical.aspect, [1 / 24, 1.0, 1.0, (2 / 24 + 1.0) / 3], **close)
    np.testing.assert_allclose(typical.components, [1.0, 1.0, 1.0, 1.0])
    assert typical.coverage[0] == 0.02344 and typical.heaviness[3] == 0.6667


def test_template_drawings_vary_each_class_and_skip_classes_without_templates() -> None:
    square = [np.array([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], dtype=np.float64)]
    counts, classes = not_sure.template_drawings([[square], [], [square]], per_class=3, seed=1)
    assert classes.tolist() == [0, 0, 0, 2, 2, 2]
    assert counts.shape == (6, 32, 32) and (counts.reshape(6, -1).sum(axis=1) > 0).all()
    assert len({c.tobytes() for c in counts}) == 6  # the hand variation draws each one anew


def test_symbol_weights_take_right_answers_at_each_groups_share() -> None:
    rows = np.arange(12, dtype=np.float64).reshape(6, 2)
    common = calibrate.Group("common", rows[:4], np.array([True, True, True, False]), np.ones(4))
    rare = calibrate.Group("rare", rows[4:], np.array([True, True]), np.array([1.0, 3.0]))
    empty = calibrate.Group("templates", rows[:0], np.zeros(0, dtype=bool), np.ones(0))
    x, w = calibrate.symbol_weights([common, rare, empty], {"common": 1.0, "rare": 1.0, "templates": 1.0})
    np.testing.assert_array_equal(x, np.vstack([rows[:3], rows[4:]]))  # the wrong answer teaches nothing
    np.testing.assert_allclose(w, [1 / 6, 1 / 6, 1 / 6, 1 / 8, 3 / 8])  # halves: 3 common drawings, 2 rare ones


def test_threshold_for_flags_at_most_the_share() -> None:
    scores = np.arange(100, dtype=np.float64)
    assert calibrate.threshold_for(scores, 0.05) == 95.0  # flags 95..99: five
    assert calibrate.threshold_for(scores, 0.049) == 96.0  # four
    assert calibrate.threshold_for(scores, 0.0) > 99.0  # none
