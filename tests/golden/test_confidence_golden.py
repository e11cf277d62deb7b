"""tests/golden/confidence.json still describes backend/confidence.py (the JavaScript port is checked on it too)."""

import json
from pathlib import Path

import numpy as np
import pytest

from backend import confidence
from backend.render import render_counts

GOLDEN = json.loads(Path(__file__).with_name("confidence.json").read_text())


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda case: case["name"])
def test_confidence_golden_case(case):
    rule = confidence.UncertaintyRule.from_json(GOLDEN["rule"])
    values = rule.features(np.array(case["scores"], dtype=np.float32), render_counts(case["strokes"]))
    np.testing.assert_allclose(values, case["features"], rtol=1e-12, atol=1e-12)
    assert rule.junk_score(values) == pytest.approx(case["junk_score"], rel=1e-12, abs=1e-12)
    assert rule.confidence(values) == pytest.approx(case["confidence"], rel=1e-12)
    assert (rule.junk_score(values) >= rule.threshold) is case["not_sure"]


def test_confidence_golden_flags_both_ways():
    flags = [case["not_sure"] for case in GOLDEN["cases"]]
    assert any(flags) and not all(flags)


def test_confidence_golden_tie_reads_the_first_output():
    """numpy's argmax takes the first of equal scores; the JavaScript port must too (the tied case pins it)."""
    case = next(case for case in GOLDEN["cases"] if "tied" in case["name"])
    rule = confidence.UncertaintyRule.from_json(GOLDEN["rule"])
    scores = np.array(case["scores"], dtype=np.float32)
    first, second = np.flatnonzero(scores == scores.max())
    assert rule.typical.coverage[first] != rule.typical.coverage[second]
    coverage = case["features"][confidence.FEATURES.index("coverage")]
    vs_top = case["features"][confidence.FEATURES.index("coverage_vs_top")]
    assert vs_top == pytest.approx(coverage - rule.typical.coverage[first], abs=1e-12)
