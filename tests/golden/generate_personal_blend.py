"""Write tests/golden/personal_blend.json: model candidates + embeddings + examples -> the blended ranking.

Run `make golden` after a deliberate change of the blend rule (backend/personal_blend.py); the Python module
and its JavaScript port (extension/src/shared/personal-blend.js) are both tested against this file, scores
compared to the bit. Embeddings are float32 values written as exact decimals.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from backend.personal_blend import (
    CANDIDATE_POOL,
    DEFAULT_PARAMETERS,
    QUANT_SCALE,
    BlendParameters,
    blend,
    quantise,
    similarities,
)

OUT = Path(__file__).with_name("personal_blend.json")


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.atleast_2d(vectors).astype(np.float64)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _candidates(rng: np.random.Generator, count: int) -> list[tuple[str, float]]:
    scores = np.sort(rng.dirichlet(np.full(count, 0.3)).astype(np.float32))[::-1]
    return [(f"latex2e-OT1-_sym{i}", float(s)) for i, s in enumerate(scores)]


def _f32(values) -> list[float]:
    """float32 values as their shortest decimals; read back as a double then rounded to float32 (what both tests
    do: Python's np.float32(float), JavaScript's Math.fround) they are the same float32 again (checked)."""
    out = []
    for v in np.asarray(values, dtype=np.float32).ravel():
        text = np.format_float_positional(v, unique=True, trim="-")
        if np.float32(float(text)) != v:
            raise AssertionError(f"{text} does not read back as the float32 {v!r}")
        out.append(float(text))
    return out


def _case(name, candidates, query, examples, ids, params=DEFAULT_PARAMETERS) -> dict:
    query = np.asarray(query, dtype=np.float32)
    examples = np.asarray(examples, dtype=np.float32).reshape(len(ids), query.shape[0])
    sims = similarities(quantise(query), quantise(examples)) if len(ids) else np.zeros(0)
    ranked = blend(candidates, sims, ids, params)
    return {
        "name": name,
        "params": asdict(params),
        "candidates": [{"id": i, "score": s} for i, s in candidates],
        "embedding": _f32(query),
        "examples": [{"symbol": s, "embedding": _f32(e)} for s, e in zip(ids, examples, strict=True)],
        "expected_similarities": [float(s) for s in sims],
        "expected": [{"id": c.id, "score": c.score, "model_score": c.model_score, "bonus": c.bonus} for c in ranked],
    }


def cases() -> list[dict]:
    rng = np.random.default_rng(12)
    dim = 16
    out = []
    base = _unit(rng.normal(size=(6, dim)))
    near = lambda v, noise: _unit(v + rng.normal(scale=noise, size=v.shape))  # noqa: E731
    cands = _candidates(rng, CANDIDATE_POOL)
    query = near(base[0], 0.05)[0]

    out.append(_case("no personal examples: the model's order and scores", cands, query, [], []))
    far = [near(-base[0], 0.1)[0] for _ in range(4)]
    out.append(_case("only distant examples: unchanged", cands, query, far, [cands[2][0]] * 4))
    out.append(
        _case(
            "a correction near the drawing lifts place 3 to first",
            cands,
            query,
            [near(base[0], 0.05)[0]],
            [cands[2][0]],
        )
    )
    out.append(
        _case(
            "a personal symbol the model does not know joins the candidates",
            cands,
            query,
            [near(base[0], 0.08)[0] for _ in range(3)],
            ["personal:00c0ffee12345678"] * 3,
        )
    )
    duplicate = near(base[0], 0.05)[0]
    out.append(
        _case(
            "identical examples of two symbols tie: the earlier example wins the neighbour order",
            cands,
            query,
            [duplicate, duplicate, duplicate],
            [cands[4][0], cands[1][0], "personal:0000000000000001"],
            BlendParameters(neighbours=2),
        )
    )
    many = [near(base[0], 0.2)[0] for _ in range(12)]
    many_ids = [cands[i % 4 + 1][0] for i in range(12)]
    out.append(_case("more near examples than neighbours: only the nearest vote", cands, query, many, many_ids))
    tied = [("a", 0.25), ("b", 0.25), ("c", 0.25), ("d", 0.25)]
    out.append(_case("equal model scores and no bonus keep model order", tied, query, far, ["a"] * 4))
    for params in (
        BlendParameters(power=1),
        BlendParameters(power=3, threshold=0.3),
        BlendParameters(threshold=0.0, neighbours=20, weight=0.5),
        BlendParameters(weight=0.0),
        BlendParameters(weight=4.0, neighbours=1),
    ):
        mixed = [near(base[i % 3], 0.3)[0] for i in range(10)]
        ids = [cands[i % 7][0] if i % 3 else f"personal:{i:016x}" for i in range(10)]
        out.append(_case(f"parameters {asdict(params)}", cands, query, mixed, ids, params))
    extreme = np.zeros(dim, dtype=np.float32)
    extreme[0] = 1.0
    half = np.zeros(dim, dtype=np.float32)
    half[:4] = 0.5
    out.append(
        _case(
            "unit axes and exact halves (rounding at .5 and the clip at 32767)",
            cands[:5],
            extreme,
            [extreme, half, -extreme, np.full(dim, np.float32(1 / 3))],
            [cands[4][0], cands[3][0], cands[2][0], cands[1][0]],
            BlendParameters(threshold=0.1),
        )
    )
    # A realistic size: 192 dimensions (resnet_small's penultimate width), 120 examples in 20 clusters.
    big_dim = 192
    centres = _unit(rng.normal(size=(20, big_dim)))
    members = np.concatenate([near(np.repeat(centres[c : c + 1], 6, axis=0), 0.02) for c in range(20)])
    big_ids = [f"latex2e-OT1-_sym{c}" if c % 5 else f"personal:{c:016x}" for c in range(20) for _ in range(6)]
    big_cands = _candidates(rng, CANDIDATE_POOL)
    query = near(np.mean(centres[[6, 10]], axis=0, keepdims=True), 0.02)[0]
    out.append(_case("192 dimensions, 120 examples in 20 clusters, between two", big_cands, query, members, big_ids))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = {"about": __doc__.splitlines()[0], "quant_scale": QUANT_SCALE, "candidate_pool": CANDIDATE_POOL}
    data["default_params"] = asdict(DEFAULT_PARAMETERS)
    data["cases"] = cases()
    args.out.write_text(json.dumps(data, indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data['cases'])} cases")


if __name__ == "__main__":
    main()
