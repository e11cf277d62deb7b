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
    values = confidence.features(np.array(case["scores"], dtype=np.float32), render_counts(case["strokes"]))
    np.testing.assert_allclose(values, case["features"], rtol=1e-12, atol=1e-12)
    assert rule.junk_score(values) == pytest.approx(case["junk_score"], rel=1e-12, abs=1e-12)
    assert rule.confidence(values) == pytest.approx(case["confidence"], rel=1e-12)
    assert (rule.junk_score(values) >= rule.threshold) is case["not_sure"]


def test_confidence_golden_flags_both_ways():
    flags = [case["not_sure"] for case in GOLDEN["cases"]]
    assert any(flags) and not all(flags)
