"""Write tests/golden/render.json: input strokes -> expected ink counts of the one renderer.

Run `make golden` after a deliberate renderer change (and bump RENDER_VERSION); the Python and the
JavaScript renderers are both tested against the file this writes. The real CROHME samples are
copied into the file, so the tests never need ../shared/data.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
from pathlib import Path

from backend.render import RENDER_VERSION, SIZE, render_counts

DIGITS = "0123456789abcdefg"  # one character per count 0..16


def _synthetic_cases() -> list[dict]:
    circle = [[100 + 40 * math.cos(k / 20 * 2 * math.pi), 50 + 40 * math.sin(k / 20 * 2 * math.pi)] for k in range(21)]
    many = [[[i * 10, 0], [i * 10 + 5, 30]] for i in range(40)]
    return [
        {"name": "dot", "strokes": [[[5, 5]]]},
        {"name": "two coincident points", "strokes": [[[7.5, -3], [7.5, -3]]]},
        {"name": "straight diagonal line", "strokes": [[[0, 0], [100, 100]]]},
        {"name": "horizontal line (zero height)", "strokes": [[[0, 10], [200, 10]]]},
        {"name": "vertical line (zero width)", "strokes": [[[3, -50], [3, 50]]]},
        {"name": "extreme aspect ratio", "strokes": [[[0, 0], [10000, 7]], [[0, 7], [10000, 0]]]},
        {
            "name": "negative coordinates",
            "strokes": [[[-300, -20], [-250, -90], [-200, -20]], [[-280, -50], [-220, -50]]],
        },
        {"name": "huge coordinates", "strokes": [[[9.5e6, -9.9e6], [-9.75e6, 9.25e6], [9.9e6, 9.9e6]]]},
        {"name": "duplicate points", "strokes": [[[1, 1], [1, 1], [1, 1], [4, 9], [4, 9], [8, 1], [8, 1]]]},
        {"name": "many strokes", "strokes": many},
        {
            "name": "points with timestamps",
            "strokes": [[[10, 10, 0], [20, 40, 16], [30, 10, 33]], [[12, 25, 100], [28, 25, 120]]],
        },
        {"name": "fractional circle", "strokes": [circle]},
        {"name": "sub-resolution drawing (denormal extent) is a dot", "strokes": [[[0, 0], [1e-320, 5e-321]]]},
        {"name": "tiny but resolvable drawing", "strokes": [[[0, 0], [2e-6, 3e-6]]]},
        {"name": "dot beside a line", "strokes": [[[0, 0], [0, 60]], [[20, 30]]]},
    ]


def _crohme_cases(crohme: Path, labels: list[str]) -> list[dict]:
    wanted = set(labels)
    cases: dict[str, dict] = {}
    with gzip.open(crohme, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["label"] in wanted and record["label"] not in cases:
                cases[record["label"]] = {
                    "name": f"real CROHME sample {record['label']} ({record['ui']})",
                    "strokes": record["strokes"],
                }
            if len(cases) == len(wanted):
                break
    return [cases[label] for label in labels if label in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crohme", type=Path, default=Path("../shared/data/crohme2014-isolated/samples.jsonl.gz"))
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("render.json"))
    args = parser.parse_args()
    cases = _synthetic_cases() + _crohme_cases(args.crohme, ["\\alpha", "\\sqrt", "x", "\\sum"])
    for case in cases:
        counts = render_counts(case["strokes"])
        case["expected"] = ["".join(DIGITS[v] for v in row) for row in counts.tolist()]
    document = {
        "about": "Golden vectors of the TeXSketch renderer (backend/render.py, extension/src/render.js). "
        "expected: 32 rows of 32 ink counts, one character each, 0-9 then a-g for 10-16.",
        "render_version": RENDER_VERSION,
        "size": SIZE,
        "digits": DIGITS,
        "cases": cases,
    }
    args.out.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
