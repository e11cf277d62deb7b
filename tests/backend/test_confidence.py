"""The "not sure" rule (backend/confidence.py): features measured right, the rule read strictly, answers sane."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backend import confidence
from backend.render import render_counts
from tests.backend.live_server import SHIPPED_MODEL_DIR, shipped_model_present


def _rule_block(hidden: int = 2) -> dict:
    n = len(confidence.FEATURES)
    return {
        "features": list(confidence.FEATURES),
        "mean": [0.0] * n,
        "scale": [1.0] * n,
        "hidden": {"weights": [[0.0] * n for _ in range(hidden)], "bias": [0.0] * hidden},
        "output": {"weights": [0.0] * hidden, "bias": 0.0},
        "threshold": 0.5,
        "confidence": {"features": ["log_top1", "log_ratio"], "weights": [1.0, 0.0], "bias": 0.0},
    }


def test_features_of_a_plus_and_a_clear_winner() -> None:
    counts = render_counts([[[0, 10], [20, 10]], [[10, 0], [10, 20]]])
    scores = np.array([0.7, 0.2, 0.05, 0.03, 0.01, 0.01], dtype=np.float32)
    values = dict(zip(confidence.FEATURES, confidence.features(scores, counts), strict=True))
    assert values["log_top1"] == pytest.approx(np.log(0.7), rel=1e-6)
    assert values["log_ratio"] == pytest.approx(np.log(3.5), rel=1e-6)
    p = scores.astype(np.float64)
    assert values["entropy"] == pytest.approx(float(-(p * np.log(p)).sum()), rel=1e-9)
    assert values["top5_mass"] == pytest.approx(0.99, rel=1e-6)
    assert values["components"] == 1
    assert values["aspect"] == pytest.approx(1.0)
    assert 0 < values["coverage"] < 0.3 and 0 < values["heaviness"] <= 1


def test_features_count_separate_marks_up_to_the_cap() -> None:
    scores = np.full(10, 0.1, dtype=np.float32)
    three_bars = render_counts([[[x, 0], [x, 30]] for x in (0, 15, 30)])
    assert confidence.features(scores, three_bars)[confidence.FEATURES.index("components")] == 3
    many_taps = np.zeros((32, 32), dtype=np.uint8)
    many_taps[::4, ::4] = 5
    assert confidence.features(scores, many_taps)[confidence.FEATURES.index("components")] == confidence.MAX_COMPONENTS


def test_features_diagonal_neighbours_are_one_component() -> None:
    counts = np.zeros((32, 32), dtype=np.uint8)
    for i in range(10):
        counts[i, i] = 16
    values = confidence.features(np.array([0.5, 0.5], dtype=np.float32), counts)
    assert values[confidence.FEATURES.index("components")] == 1
    assert values[confidence.FEATURES.index("log_ratio")] == 0.0


def test_rule_flags_at_the_threshold() -> None:
    block = _rule_block()
    block["output"]["bias"] = 0.5
    rule = confidence.UncertaintyRule.from_json(block)
    counts = render_counts([[[0, 0], [10, 10]]])
    answer = rule.assess(np.array([0.6, 0.4], dtype=np.float32), counts)
    assert answer["not_sure"] is True
    assert answer["confidence"] == pytest.approx(0.6 / 1.6, rel=1e-6)  # sigmoid(ln p) = p / (1 + p)
    block["output"]["bias"] = 0.4999
    assert confidence.UncertaintyRule.from_json(block).assess(np.array([0.6, 0.4]), counts)["not_sure"] is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.update(features=["log_top1"]), "features"),
        (lambda b: b.pop("threshold"), "malformed"),
        (lambda b: b.update(scale=[0.0] * len(confidence.FEATURES)), "shape or a zero scale"),
        (lambda b: b["hidden"].update(bias=[0.0]), "shape"),
    ],
)
def test_rule_from_json_refuses_a_malformed_block(change, message) -> None:
    block = _rule_block()
    change(block)
    with pytest.raises(confidence.UncertaintyError, match=message):
        confidence.UncertaintyRule.from_json(block)


def test_uncalibrated_claims_nothing() -> None:
    assert confidence.uncalibrated(np.array([0.2, 0.8], dtype=np.float32)) == {
        "confidence": pytest.approx(0.8),
        "not_sure": False,
    }


@pytest.mark.skipif(not shipped_model_present(), reason="no shipped model")
def test_shipped_model_json_carries_a_valid_rule() -> None:
    block = json.loads((SHIPPED_MODEL_DIR / "model.json").read_text())["uncertainty"]
    rule = confidence.UncertaintyRule.from_json(block)
    assert 0 < block["fitted_on"]["result"]["real_flagged"] <= 0.02
    assert rule.threshold == block["threshold"]
