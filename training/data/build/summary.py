"""What a build reports: a table per source, per-class counts (real vs synthetic), and one JSON line last."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from training.data.build.splits import SPLIT_NAMES, TEST, TRAIN, VALIDATION
from training.data.build.synthetic import SynthesisResult
from training.data.labels import Catalogue
from training.data.readers import SourceReport

CLASS_COUNT_HEADER = ("class", "command", "real_train", "real_validation", "real_test", "synthetic", "templates")


def derived_rows(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Which rows are derived drawings (training.data.derive): those with a donor class."""
    if "donor" not in arrays:
        return np.zeros(len(arrays["labels"]), dtype=bool)
    return arrays["donor"][:, 0] >= 0


def summary_line(
    arrays: dict[str, np.ndarray],
    classes: list[str],
    reports: dict[str, SourceReport],
    unmapped: dict[str, dict[str, str]],
    results: list[SynthesisResult],
    output: Path,
    digest: str,
) -> dict[str, Any]:
    synthetic = arrays["synthetic"]
    labels = arrays["labels"]
    derived = derived_rows(arrays)
    return {
        "samples": int(len(labels)),
        "classes": len(classes),
        "real": int((~synthetic).sum()),
        "synthetic": int((synthetic & ~derived).sum()),
        "derived": int(derived.sum()),
        "unmapped": sum(len(labels_) for labels_ in unmapped.values()),
        "unmapped_records": sum(sum(r.unmapped.values()) for r in reports.values()),
        "rejected": sum(sum(r.rejected.values()) for r in reports.values()),
        "classes_with_real": int(len(np.unique(labels[~synthetic]))),
        "classes_without_synthetic": sum(1 for r in results if len(r.images) == 0),
        "splits": {SPLIT_NAMES[s]: int((arrays["split"] == s).sum()) for s in (TRAIN, VALIDATION, TEST)},
        "output": str(output),
        "content_hash": digest,
        "cached": False,
    }


def class_count_rows(
    arrays: dict[str, np.ndarray], classes: list[str], catalogue: Catalogue, results: list[SynthesisResult]
) -> list[tuple[Any, ...]]:
    n = len(classes)
    real = ~arrays["synthetic"]
    counts = {
        split: np.bincount(arrays["labels"][real & (arrays["split"] == split)], minlength=n)
        for split in (TRAIN, VALIDATION, TEST)
    }
    synthetic = np.bincount(arrays["labels"][arrays["synthetic"] & ~derived_rows(arrays)], minlength=n)
    origins = {r.class_index: r.origins for r in results}
    rows: list[tuple[Any, ...]] = [CLASS_COUNT_HEADER]
    for index, glyph in enumerate(classes):
        rows.append(
            (
                glyph,
                catalogue.entries[glyph].command,
                int(counts[TRAIN][index]),
                int(counts[VALIDATION][index]),
                int(counts[TEST][index]),
                int(synthetic[index]),
                " ".join(origins.get(index, ())) or "-",
            )
        )
    return rows


def print_summary(
    reports: dict[str, SourceReport], unmapped: dict[str, dict[str, str]], rows: list[tuple[Any, ...]], output: Path
) -> None:
    print(f"{'source':<10} {'read':>8} {'valid':>8} {'used':>8} {'unmapped':>9}  rejected by reason")
    for name, report in reports.items():
        used = report.kept - sum(report.unmapped.values())
        reasons = ", ".join(f"{reason}: {count}" for reason, count in sorted(report.rejected.items())) or "-"
        print(f"{name:<10} {report.read:>8} {report.kept:>8} {used:>8} {sum(report.unmapped.values()):>9}  {reasons}")
    for source, labels in sorted(unmapped.items()):
        print(f"unmapped {source} labels ({len(labels)}):")
        for label, why in sorted(labels.items()):
            print(f"  {label!r}: {why} ({reports[source].unmapped[label]} records)")
    body = rows[1:]
    with_real = [row for row in body if row[2] + row[3] + row[4] > 0]
    no_synthetic = [row[0] for row in body if row[5] == 0]
    real_train = sorted(row[2] for row in with_real) or [0]
    low, middle, high = real_train[0], real_train[len(real_train) // 2], real_train[-1]
    print(
        f"classes: {len(body)}; with real data: {len(with_real)} "
        f"(train samples per class: min {low}, median {middle}, max {high}); "
        f"synthetic per class: {sorted({row[5] for row in body})}"
    )
    if no_synthetic:
        print(
            f"classes with no synthetic samples (no template found), {len(no_synthetic)}: {' '.join(no_synthetic[:40])}"
        )
    print(f"per-class counts, real vs synthetic: {output / 'class_counts.tsv'}")
