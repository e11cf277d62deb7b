"""Benchmark the one renderer: time per drawing over real CROHME samples (`make bench`, part one).

Prints median and p99 of validation + rendering per drawing, the path every request takes, and the
last line is one JSON object so scripts can read it. Runs on one core (the measuring process is
single-threaded; numpy does not thread these small arrays).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backend.drawing import DrawingLimits, strokes_to_arrays
from backend.render import render_point_arrays


@dataclass(frozen=True)
class RenderBenchConfig:
    # Real handwriting, the load the server sees; a fixed prefix so runs compare.
    crohme: Path = Path("../shared/data/crohme2014-isolated/samples.jsonl.gz")
    # Enough for a stable p99 (50 samples above it) without a long run.
    samples: int = 5000
    # Each drawing is timed this many times and the best taken, to drop scheduler noise.
    repeats: int = 3


def load_drawings(path: Path, count: int) -> list[list]:
    if not path.is_file():
        raise SystemExit(f"CROHME samples not found at {path} (set --crohme)")
    drawings = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            drawings.append(json.loads(line)["strokes"])
            if len(drawings) == count:
                break
    return drawings


def time_renders(drawings: list[list], repeats: int) -> np.ndarray:
    limits = DrawingLimits(max_strokes=1000, max_points_per_stroke=100_000, max_points=1_000_000)
    times = np.empty(len(drawings))
    for index, strokes in enumerate(drawings):
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            render_point_arrays(strokes_to_arrays(strokes, limits))
            best = min(best, time.perf_counter() - start)
        times[index] = best
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--crohme", type=Path, default=RenderBenchConfig.crohme)
    parser.add_argument("--samples", type=int, default=RenderBenchConfig.samples)
    args = parser.parse_args()
    config = RenderBenchConfig(crohme=args.crohme, samples=args.samples)
    drawings = load_drawings(config.crohme, config.samples)
    times_us = time_renders(drawings, config.repeats) * 1e6
    points = [sum(len(s) for s in d) for d in drawings]
    result = {
        "bench": "render-python",
        "drawings": len(drawings),
        "points_median": float(np.median(points)),
        "p50_us": round(float(np.percentile(times_us, 50)), 1),
        "p99_us": round(float(np.percentile(times_us, 99)), 1),
    }
    print(
        f"Python render (validate + render) over {len(drawings)} CROHME drawings: "
        f"p50 {result['p50_us']} us, p99 {result['p99_us']} us"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
