"""Held-out drawings scored the way the server sees them: load and render JSONL files, rank by glyph group, report.

Shared by the export and int8 gates (`heldout_metrics` into model.json), the "not sure" calibration and
`training.measure.evaluate`, so every figure comes from one piece of code.

A model trained before a look-alike merge has several outputs for what is now one glyph group; the server shows
that group once, at its best-scored output (`backend/recognizer.py`). The figures do the same: each group's score
is its best output, so a drawing of `\\ast` answered by the `\\textasteriskcentered` output counts as right
(`ranks_by_glyph`, equal scores broken by output index as the server breaks them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from training.learn import metrics
from training.ship.onnx_scorer import OnnxScorer

KNOWN_SOURCES = ("crohme", "detypify", "detexify", "hershey", "feedback")


def source_of(path: Path, override: str = "auto") -> str:
    """The label naming of a file: given, or read from its name (`crohme.jsonl.gz`, `crohme2014-isolated/...`)."""
    if override != "auto":
        return override
    stem = path.name.split(".")[0]
    for candidate in (stem, path.parent.name):
        for source in KNOWN_SOURCES:
            if candidate == source or candidate.startswith(source):
                return source
    raise ValueError(f"cannot tell the source of {path} from its name; pass --source ({', '.join(KNOWN_SOURCES)})")


@dataclass
class Scored:
    """Rendered, labelled samples of one or more files, plus what could not be scored and why."""

    counts: list[npt.NDArray[np.uint8]] = field(default_factory=list)
    crohme_records: list[dict[str, Any]] = field(default_factory=list)  # pieces for junk (training/ship/junk.py)
    labels: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # Per model output, the catalogue's glyph group of its label today (the label itself when the catalogue lacks it).
    label_glyphs: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def _records(path: Path, source: str, scored: Scored, progress: bool) -> Iterator[Any]:
    from training.data.readers.jsonl import read_jsonl
    from training.data.readers.records import SourceReport

    report = SourceReport(source)
    yield from read_jsonl(path, source, report, progress=progress)
    for reason, count in report.rejected.items():
        scored.skipped[f"rejected: {reason}"] += count


def load_samples(
    files: list[Path], label_map: Any, labels: list[str], source: str = "auto", progress: bool = True
) -> Scored:
    """Render every record of `files` and map its label to an output index of the model."""
    from backend.render import render_point_arrays
    from training.data.labels import hint_for

    index_of = {label: index for index, label in enumerate(labels)}
    scored = Scored(label_glyphs=[label_map.catalogue.glyph_of(label) for label in labels])
    for path in files:
        file_source = source_of(path, source)
        for record in _records(path, file_source, scored, progress):
            if file_source == "crohme":
                scored.crohme_records.append(record.original)
            glyph = label_map.glyph_for(file_source, record.label, hint_for(file_source, record.original))
            if glyph is None:
                scored.skipped["label maps to no catalogue symbol"] += 1
                continue
            if glyph not in index_of:
                scored.skipped["symbol is not a class of this model"] += 1
                continue
            scored.counts.append(render_point_arrays(record.strokes))
            scored.labels.append(index_of[glyph])
            scored.sources.append(file_source)
    return scored


def glyph_columns(label_glyphs: list[str]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """(the glyph groups in order of their first output, the group of each output)."""
    groups = list(dict.fromkeys(label_glyphs))
    position = {glyph: index for index, glyph in enumerate(groups)}
    return groups, np.array([position[glyph] for glyph in label_glyphs], dtype=np.int64)


def ranks_by_glyph(
    probabilities: npt.NDArray[np.float32], group_of: npt.NDArray[np.int64], truth: npt.NDArray[np.int64], k: int = 5
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(rank of the true group among the first k distinct groups, or k; the first group) per row, ranked by the
    server's own `backend.recognizer.top_distinct`: outputs by score, equal scores by output index, each group at its
    best output."""
    from backend.recognizer import top_distinct

    if len(truth) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    surplus = len(group_of) - (int(group_of.max()) + 1)
    if surplus == 0:  # one output per group: the plain (vectorised) ranking is the server's
        return metrics.hits(probabilities, truth, k), group_of[metrics.top_k(probabilities, 1)[:, 0]]
    ranks = np.full(len(truth), k, dtype=np.int64)
    first = np.zeros(len(truth), dtype=np.int64)
    for row, scores in enumerate(probabilities):
        shown = group_of[top_distinct(scores, group_of, k, surplus)].tolist()
        first[row] = shown[0]
        if truth[row] in shown:
            ranks[row] = shown.index(int(truth[row]))
    return ranks, first


def accuracy_report(scorer: OnnxScorer, scored: Scored, batch_size: int = 512) -> dict[str, Any]:
    """Top-1/top-5 overall, per source and per class (fractions), plus the skip counts."""
    counts = np.stack(scored.counts) if scored.counts else np.zeros((0, 32, 32), dtype=np.uint8)
    probabilities = scorer.scores(counts, batch_size)
    classes, column_of = glyph_columns(scored.label_glyphs or list(scorer.labels))
    labels = column_of[np.array(scored.labels, dtype=np.int64)]
    ranks, predicted = ranks_by_glyph(probabilities, column_of, labels)
    result = metrics.accuracy(ranks)
    result["skipped"] = dict(scored.skipped)
    result["by_source"] = metrics.accuracy_by(ranks, scored.sources)
    result["by_family"] = metrics.accuracy_by(ranks, [metrics.family_of(classes[i]) for i in labels])
    result["by_class"] = metrics.accuracy_by(ranks, [classes[i] for i in labels])
    real_counts = (scorer.card.get("data") or {}).get("real_train_per_class")
    if real_counts and len(real_counts) == len(scorer.labels):
        real_in_group = np.zeros(len(classes), dtype=np.int64)
        np.maximum.at(real_in_group, column_of, np.array(real_counts, dtype=np.int64))
        kinds = ["with real data" if real_in_group[i] else "synthetic only" for i in labels]
        result["by_training_data"] = metrics.accuracy_by(ranks, kinds)
    result["confused_pairs"] = [
        {"true": classes[t], "predicted": classes[p], "count": c}
        for t, p, c in metrics.confused_pairs(predicted, labels, limit=15)
    ]
    result["model"] = {"version": scorer.card.get("version"), "sha256": scorer.card.get("sha256")}
    return result


def heldout_metrics(model_dir: Path, heldout: Path, catalogue: Path) -> dict[str, Any]:
    """Evaluate the exported file on every held-out JSONL file, through the same code as `make eval`."""
    from training.data.labels import Catalogue, LabelMap

    files = sorted(heldout.glob("*.jsonl*"))
    if not files or not catalogue.is_file():
        return {}
    scorer = OnnxScorer(model_dir)
    label_map = LabelMap(Catalogue.load(catalogue))
    result = {}
    for path in files:
        scored = load_samples([path], label_map, scorer.labels)
        report = accuracy_report(scorer, scored)
        keys = ("n", "top1", "top5", "skipped", "by_family", "by_training_data")
        result[source_of(path)] = {key: report[key] for key in keys if key in report}
    return result
