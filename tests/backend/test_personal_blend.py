"""The personal blend (backend/personal_blend.py) on its golden vectors, which the JavaScript port must also
reproduce to the bit (extension/test/personal-blend.test.mjs), and its documented properties."""

import json
from pathlib import Path

import numpy as np
import pytest

from backend.personal_blend import (
    CANDIDATE_POOL,
    DEFAULT_PARAMETERS,
    QUANT_SCALE,
    BlendParameters,
    PersonalSet,
    blend,
    quantise,
    similarities,
)
from tests.golden.generate_personal_blend import cases as generated_cases

GOLDEN = json.loads((Path(__file__).parents[1] / "golden" / "personal_blend.json").read_text())


def run_case(case):
    dim = len(case["embedding"])
    query = np.array(case["embedding"], dtype=np.float32)  # double -> float32, as Math.fround does
    examples = np.array([e["embedding"] for e in case["examples"]], dtype=np.float32).reshape(-1, dim)
    sims = similarities(quantise(query), quantise(examples))
    ranked = blend(
        [(c["id"], c["score"]) for c in case["candidates"]],
        sims,
        [e["symbol"] for e in case["examples"]],
        BlendParameters(**case["params"]),
    )
    return sims, ranked


def test_personal_blend_golden_file_matches_the_module_constants():
    assert GOLDEN["quant_scale"] == QUANT_SCALE
    assert GOLDEN["candidate_pool"] == CANDIDATE_POOL
    assert GOLDEN["default_params"] == {"neighbours": 5, "threshold": 0.6, "power": 2, "weight": 2.0}
    assert BlendParameters(**GOLDEN["default_params"]) == DEFAULT_PARAMETERS


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda c: c["name"])
def test_personal_blend_golden_case(case):
    sims, ranked = run_case(case)
    assert sims.tolist() == case["expected_similarities"]
    got = [{"id": c.id, "score": c.score, "model_score": c.model_score, "bonus": c.bonus} for c in ranked]
    assert got == case["expected"]  # exact doubles, not approximately


def test_personal_blend_golden_file_is_what_the_generator_writes():
    assert json.loads(json.dumps(generated_cases())) == GOLDEN["cases"]


def test_personal_blend_golden_cases_exercise_every_rule():
    names = " ".join(c["name"] for c in GOLDEN["cases"])
    for rule in ("no personal examples", "place 3 to first", "does not know", "tie", "only the nearest", "192"):
        assert rule in names
    moved = GOLDEN["cases"][2]
    assert moved["candidates"][2]["id"] == moved["expected"][0]["id"]  # the correction now answers first


def test_personal_blend_without_near_examples_returns_the_model_scores_unchanged():
    rng = np.random.default_rng(1)
    candidates = [(f"s{i}", float(p)) for i, p in enumerate(np.sort(rng.random(20).astype(np.float32))[::-1])]
    ranked = blend(candidates, np.array([0.1, -0.5, 0.6]), ["s3", "s4", "x"])  # none above the threshold 0.6
    assert [(c.id, c.score) for c in ranked] == candidates


def test_personal_blend_scores_still_sum_to_at_most_one():
    candidates = [("a", 0.5), ("b", 0.3), ("c", 0.2)]
    ranked = blend(candidates, np.array([0.99, 0.95, 0.9]), ["c", "new", "c"])
    assert sum(c.score for c in ranked) == pytest.approx(1.0)
    assert [c.id for c in ranked][0] == "c"
    assert "new" in [c.id for c in ranked]


def test_personal_set_reranks_like_blend_on_quantised_embeddings():
    rng = np.random.default_rng(2)
    examples = rng.normal(size=(50, 8)).astype(np.float32)
    examples /= np.linalg.norm(examples, axis=1, keepdims=True)
    ids = [f"s{i % 7}" for i in range(50)]
    query = examples[3] + np.float32(0.01)
    personal = PersonalSet(examples, ids, DEFAULT_PARAMETERS)
    candidates = [("s0", 0.6), ("s1", 0.4)]
    expected = blend(candidates, similarities(quantise(query), quantise(examples)), ids)
    assert personal.rerank(candidates, query) == expected
    assert PersonalSet(np.zeros((0, 8)), [], DEFAULT_PARAMETERS).rerank(candidates, query)[0].id == "s0"


@pytest.mark.parametrize(
    "bad",
    [{"neighbours": 0}, {"threshold": 1.0}, {"threshold": -0.1}, {"power": 2.5}, {"power": 0}, {"weight": -1}],
)
def test_personal_blend_parameters_refuse_values_outside_their_range(bad):
    with pytest.raises(ValueError):
        BlendParameters(**bad)


def test_personal_blend_quantise_refuses_nan():
    with pytest.raises(ValueError, match="NaN"):
        quantise([0.5, float("nan")])
