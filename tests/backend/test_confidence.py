"""The "not sure" rule (backend/confidence.py): features measured right, the rule read strictly, answers sane."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backend import confidence
from backend.render import render_counts
from tests.backend.live_server import SHIPPED_MODEL_DIR, shipped_model_present


def _typical(outputs: int) -> confidence.TypicalInk:
    return confidence.TypicalInk(
        coverage=np.full(outputs, 0.1),
        heaviness=np.full(outputs, 0.7),
        aspect=np.full(outputs, 0.5),
        components=np.full(outputs, 1.0),
    )


def _rule_block(hidden: int = 2, outputs: int = 2) -> dict:
    n = len(confidence.FEATURES)
    return {
        "features": list(confidence.FEATURES),
        "typical_ink": {"coverage": [0.1] * outputs, "heaviness": [0.7] * outputs, "aspect": [0.5] * outputs}
        | {"components": [1.0] * outputs},
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
    values = dict(zip(confidence.FEATURES, confidence.features(scores, counts, _typical(6)), strict=True))
    assert values["log_top1"] == pytest.approx(np.log(0.7), rel=1e-6)
    assert values["log_ratio"] == pytest.approx(np.log(3.5), rel=1e-6)
    p = scores.astype(np.float64)
    assert values["entropy"] == pytest.approx(float(-(p * np.log(p)).sum()), rel=1e-9)
    assert values["top5_mass"] == pytest.approx(0.99, rel=1e-6)
    assert values["components"] == 1
    assert values["aspect"] == pytest.approx(1.0)
    assert 0 < values["coverage"] < 0.3 and 0 < values["heaviness"] <= 1
    assert values["coverage_vs_top"] == pytest.approx(values["coverage"] - 0.1)
    assert values["heaviness_vs_top"] == pytest.approx(values["heaviness"] - 0.7)
    assert values["aspect_vs_top"] == pytest.approx(values["aspect"] - 0.5)
    assert values["components_vs_top"] == 0.0


def test_features_vs_top_read_the_first_candidates_typical_ink() -> None:
    """Dense ink is compared with the ink of the symbol the model names: the same drawing is far above a thin
    symbol's typical ink and near a filled one's, and of two tied outputs the first counts (numpy's argmax)."""
    filled = np.zeros((32, 32), dtype=np.uint8)
    filled[4:28, 4:28] = 16
    typical = confidence.TypicalInk(
        coverage=np.array([0.05, 0.55, 0.3]),
        heaviness=np.array([0.6, 0.95, 0.8]),
        aspect=np.array([0.2, 1.0, 0.5]),
        components=np.array([3.0, 1.0, 2.0]),
    )
    at = confidence.FEATURES.index("coverage_vs_top")
    thin_first = confidence.features(np.array([0.7, 0.2, 0.1], dtype=np.float32), filled, typical)
    filled_first = confidence.features(np.array([0.2, 0.7, 0.1], dtype=np.float32), filled, typical)
    tied = confidence.features(np.array([0.1, 0.45, 0.45], dtype=np.float32), filled, typical)
    coverage = 24 * 24 / 1024
    assert thin_first[at] == pytest.approx(coverage - 0.05)
    assert filled_first[at] == pytest.approx(coverage - 0.55)
    assert tied[at] == pytest.approx(coverage - 0.55)
    regions = confidence.FEATURES.index("components_vs_top")
    assert thin_first[regions] == -2.0 and filled_first[regions] == 0.0  # one square: 1 region against 3 and 1


def test_features_refuse_scores_of_another_model() -> None:
    with pytest.raises(confidence.UncertaintyError, match="typical_ink has 3 outputs, the model 2"):
        confidence.features(np.array([0.5, 0.5], dtype=np.float32), np.zeros((32, 32), np.uint8), _typical(3))


def test_features_count_separate_marks_up_to_the_cap() -> None:
    scores = np.full(10, 0.1, dtype=np.float32)
    three_bars = render_counts([[[x, 0], [x, 30]] for x in (0, 15, 30)])
    assert confidence.features(scores, three_bars, _typical(10))[confidence.FEATURES.index("components")] == 3
    many_taps = np.zeros((32, 32), dtype=np.uint8)
    many_taps[::4, ::4] = 5
    components = confidence.features(scores, many_taps, _typical(10))[confidence.FEATURES.index("components")]
    assert components == confidence.MAX_COMPONENTS


def test_features_diagonal_neighbours_are_one_component() -> None:
    counts = np.zeros((32, 32), dtype=np.uint8)
    for i in range(10):
        counts[i, i] = 16
    values = confidence.features(np.array([0.5, 0.5], dtype=np.float32), counts, _typical(2))
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
        (lambda b: b.pop("typical_ink"), "malformed"),
        (lambda b: b["typical_ink"].update(heaviness=[0.7]), "shape"),
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
