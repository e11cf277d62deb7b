"""Write tests/golden/confidence.json: drawings, score vectors and what backend/confidence.py makes of them.

    python tests/golden/generate_confidence.py

The JavaScript port (extension/src/background/confidence.js) must give the same features, junk scores,
confidences and flags (extension/test/confidence.test.mjs); pytest checks this file against the Python code.
The rule is random but fixed (seeded): the vectors test the code, not a fitted model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from backend import confidence
from backend.render import render_counts

GOLDEN = Path(__file__).with_name("confidence.json")
LABELS = 40


def rule_block(rng: np.random.Generator) -> dict:
    n, hidden = len(confidence.FEATURES), 4
    return {
        "features": list(confidence.FEATURES),
        # Typical ink of each of the LABELS outputs: the four *_vs_top features read the first candidate's.
        "typical_ink": {
            "coverage": rng.uniform(0.02, 0.4, LABELS).round(6).tolist(),
            "heaviness": rng.uniform(0.5, 0.9, LABELS).round(6).tolist(),
            "aspect": rng.uniform(0.1, 1.0, LABELS).round(6).tolist(),
            "components": rng.uniform(1.0, 3.0, LABELS).round(6).tolist(),
        },
        "mean": rng.normal(0, 1, n).round(6).tolist(),
        "scale": rng.uniform(0.5, 2, n).round(6).tolist(),
        "hidden": {
            "weights": rng.normal(0, 1, (hidden, n)).round(6).tolist(),
            "bias": rng.normal(0, 1, hidden).round(6).tolist(),
        },
        "output": {"weights": rng.normal(0, 1, hidden).round(6).tolist(), "bias": 0.1},
        "threshold": 0.0,
        "confidence": {"features": list(confidence.CONFIDENCE_FEATURES), "weights": [1.3, 0.4], "bias": 0.7},
    }


def drawings(rng: np.random.Generator) -> list[tuple[str, list]]:
    cases = [
        ("plus", [[[0, 10], [20, 10]], [[10, 0], [10, 20]]]),
        ("tap", [[[5, 5]]]),
        ("three taps", [[[0, 0]], [[30, 5]], [[12, 40]]]),
        ("wide word-like band", [[[x, 0], [x + 3, 8], [x + 6, 0]] for x in range(0, 60, 9)]),
        ("diagonal", [[[0, 0], [50, 50]]]),
    ]
    for index in range(5):
        points = rng.uniform(0, 100, (12, 2)).round(2)
        cases.append((f"scribble {index}", [points.tolist()]))
    return cases


def main() -> None:
    rng = np.random.default_rng(2026)
    block = rule_block(rng)
    rule = confidence.UncertaintyRule.from_json(block)
    cases = []
    for name, strokes in drawings(rng):
        for spread in (0.3, 3.0):
            scores = rng.dirichlet(np.full(LABELS, spread)).astype(np.float32)
            counts = render_counts(strokes)
            values = rule.features(scores, counts)
            cases.append(
                {
                    "name": f"{name}, scores spread {spread}",
                    "strokes": strokes,
                    "scores": [float(s) for s in scores],  # float32 values, exact in JSON as doubles
                    "features": values.tolist(),
                    "junk_score": rule.junk_score(values),
                    "confidence": rule.confidence(values),
                }
            )
    # Two outputs tied for first: both languages must read the typical ink of the first of them.
    tied = np.full(LABELS, 0.5 / (LABELS - 2), dtype=np.float32)
    tied[[7, 23]] = 0.25
    strokes = [[[0, 0], [40, 0], [40, 40], [0, 40], [0, 0]]]
    values = rule.features(tied, render_counts(strokes))
    cases.append(
        {
            "name": "square, two outputs tied for first",
            "strokes": strokes,
            "scores": [float(s) for s in tied],
            "features": values.tolist(),
            "junk_score": rule.junk_score(values),
            "confidence": rule.confidence(values),
        }
    )
    # The threshold between the junk scores, far from every case, so both languages agree on every flag.
    ordered = sorted(case["junk_score"] for case in cases)
    gaps = [
        (b - a, (a + b) / 2)
        for a, b in zip(ordered[len(ordered) // 4 :], ordered[len(ordered) // 4 + 1 :], strict=False)
    ]
    block["threshold"] = max(gaps[: len(ordered) // 2])[1]
    for case in cases:
        case["not_sure"] = case["junk_score"] >= block["threshold"]
    GOLDEN.write_text(json.dumps({"about": __doc__.splitlines()[0], "rule": block, "cases": cases}, indent=1) + "\n")
    print(f"wrote {GOLDEN}: {len(cases)} cases, {sum(c['not_sure'] for c in cases)} not sure")


if __name__ == "__main__":
    main()
