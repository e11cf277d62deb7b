"""Evaluate an exported model on drawings in the shared JSONL shape, the way the server would see them.

    python -m training.evaluate --model models/ --data data-cache/dataset/heldout/crohme.jsonl.gz [--json]

The ONNX file is run with onnxruntime (the server's path, not PyTorch); each record is rendered with
`backend.render` and its label mapped to a class with `training.labels` (the same mapping the training set
was built with). Prints top-1, top-5 and n overall, per source and per class; with `--json` the last line
is one JSON object with at least {"n", "top1", "top5"}.

Records whose label maps to no catalogue symbol, or to a class the model does not have, are not scored
but counted under `skipped` with the reason, so a low n never hides.

A model trained before a look-alike merge has several outputs for what is now one glyph group; the server shows
that group once, at its best-scored output (`backend/recognizer.py`). The figures do the same: each group's score
is its best output, so a drawing of `\\ast` answered by the `\\textasteriskcentered` output counts as right
(`ranks_by_glyph`, equal scores broken by output index as the server breaks them).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from training import metrics

KNOWN_SOURCES = ("crohme", "detypify", "detexify", "hershey", "feedback")


@dataclass
class EvalConfig:
    model: str = "models"  # folder with model.json + model.onnx (contracts.md section 3)
    data: list[str] = field(default_factory=list)  # JSONL files (.jsonl or .jsonl.gz) in the shared shape
    catalogue: str = "models/symbols.json"  # the catalogue the label mapping resolves against
    source: str = "auto"  # how labels are named: auto = from the file name (heldout/<source>.jsonl.gz, crohme...)
    batch_size: int = 512  # images per onnxruntime call: large batches amortise the call overhead
    threads: int = 2  # onnxruntime intra-op threads (this machine has 2 cores)
    classes_shown: int = 15  # worst classes printed (all are in the JSON)
    json: bool = False  # end with one JSON line, for scripts
    # "Not sure" check (model.json "uncertainty", training/calibrate.py): junk drawings of each kind built from the
    # CROHME records among the files (test writers for the held-out split), on a seed calibration never used.
    junk_per_kind: int = 300
    junk_seed: int = 2027


class OnnxScorer:
    """An exported model loaded with onnxruntime, its labels checked against its output width."""

    def __init__(self, model_dir: str | Path, threads: int = 1) -> None:
        import onnxruntime as ort

        model_dir = Path(model_dir)
        card_path = model_dir / "model.json"
        if not card_path.is_file():
            raise FileNotFoundError(f"{card_path} not found: export a model first (python -m training.export)")
        self.card: dict[str, Any] = json.loads(card_path.read_text())
        self.labels: list[str] = list(self.card["labels"])
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(model_dir / self.card.get("onnx", "model.onnx")),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        self.input_name = self.card.get("input", "image")
        self.output_name = self.card.get("output", "scores")
        width = self.scores(np.zeros((1, 32, 32), dtype=np.uint8)).shape[1]
        if width != len(self.labels):
            raise ValueError(f"{model_dir}: model.json lists {len(self.labels)} labels, the model outputs {width}")

    def scores(self, counts: npt.NDArray[np.uint8], batch_size: int = 512) -> npt.NDArray[np.float32]:
        """Softmax scores [N, C] for ink counts [N, 32, 32] (the renderer's output)."""
        from backend.render import counts_to_input

        outputs = []
        for start in range(0, len(counts), batch_size):
            x = counts_to_input(counts[start : start + batch_size])[:, None, :, :]
            outputs.append(self.session.run([self.output_name], {self.input_name: x})[0])
        return np.concatenate(outputs) if outputs else np.zeros((0, len(self.labels)), dtype=np.float32)


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
    crohme_records: list[dict[str, Any]] = field(default_factory=list)  # pieces for junk (training/junk.py)
    labels: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # Per model output, the catalogue's glyph group of its label today (the label itself when the catalogue lacks it).
    label_glyphs: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def _records(path: Path, source: str, scored: Scored, progress: bool) -> Iterator[Any]:
    from training.readers.jsonl import read_jsonl
    from training.readers.records import SourceReport

    report = SourceReport(source)
    yield from read_jsonl(path, source, report, progress=progress)
    for reason, count in report.rejected.items():
        scored.skipped[f"rejected: {reason}"] += count


def load_samples(
    files: list[Path], label_map: Any, labels: list[str], source: str = "auto", progress: bool = True
) -> Scored:
    """Render every record of `files` and map its label to an output index of the model."""
    from backend.render import render_point_arrays
    from training.labels import hint_for

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


def evaluate(scorer: OnnxScorer, scored: Scored, batch_size: int = 512) -> dict[str, Any]:
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


def evaluate_uncertainty(
    scorer: OnnxScorer, scored: Scored, config: EvalConfig, catalogue: str
) -> dict[str, Any] | None:
    """Real drawings wrongly flagged "not sure" and junk caught, with model.json's rule; None without one."""
    from backend import confidence
    from training.calibrate import calibration_error, feature_rows, flag_rates, junk_set

    block = scorer.card.get("uncertainty")
    if block is None or not scored.counts:
        return None
    rule = confidence.UncertaintyRule.from_json(block)
    counts = np.stack(scored.counts)
    scores = scorer.scores(counts, config.batch_size)
    real = feature_rows(scores, counts)
    if scored.crohme_records and config.junk_per_kind > 0:
        junk_counts, kinds = junk_set(scored.crohme_records, Path(catalogue), config.junk_per_kind, config.junk_seed)
        junk_rows = feature_rows(scorer.scores(junk_counts, config.batch_size), junk_counts)
    else:
        junk_rows, kinds = np.zeros((0, len(confidence.FEATURES))), []
    result = flag_rates(rule, real, junk_rows, kinds)
    _, column_of = glyph_columns(scored.label_glyphs or list(scorer.labels))
    truth = column_of[np.array(scored.labels, dtype=np.int64)]
    right = ranks_by_glyph(scores, column_of, truth, k=1)[0] == 0
    stated = np.array([rule.confidence(row) for row in real])
    result["confidence_ece"] = calibration_error(stated, right)
    result["confidence_mean"] = float(stated.mean())
    result["top1"] = float(right.mean())
    flagged = np.array([rule.junk_score(row) >= rule.threshold for row in real])
    result["real_flagged_by_source"] = {
        source: float(flagged[np.array(scored.sources) == source].mean()) for source in dict.fromkeys(scored.sources)
    }
    result["calibrated_for"] = block.get("model_sha256")
    return result


def print_uncertainty(result: dict[str, Any] | None) -> None:
    if result is None:
        print("not sure: model.json has no 'uncertainty' block (run python -m training.calibrate)")
        return
    print(
        f"not sure: real drawings wrongly flagged {_percent(result['real_flagged'])} of {result['real_n']} "
        f"(aim <= 2%); junk caught {_percent(result['junk_caught'])} of {result['junk_n']} (aim >= 90%)"
    )
    for kind, rate in result["junk_caught_by_kind"].items():
        print(f"  junk {kind:<12} caught {_percent(rate)}")
    print(
        f"  confidence: mean {_percent(result['confidence_mean'])} vs top-1 {_percent(result['top1'])}, "
        f"calibration error (ECE) {100 * result['confidence_ece']:.2f} points"
    )


def _percent(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:6.2f}%"


def print_report(result: dict[str, Any], classes_shown: int) -> None:
    print(f"overall: top-1 {_percent(result['top1'])}  top-5 {_percent(result['top5'])}  n={result['n']}")
    for reason, count in sorted(result["skipped"].items()):
        print(f"  not scored: {count} ({reason})")
    print("per source:")
    for source, row in result["by_source"].items():
        print(f"  {source:<12} top-1 {_percent(row['top1'])}  top-5 {_percent(row['top5'])}  n={row['n']}")
    for kind, row in result.get("by_training_data", {}).items():
        print(f"  classes {kind:<16} top-1 {_percent(row['top1'])}  top-5 {_percent(row['top5'])}  n={row['n']}")
    print("per family (digit, letter, greek, arrow, relation, operator, other):")
    for family, row in result["by_family"].items():
        print(f"  {family:<12} top-1 {_percent(row['top1'])}  top-5 {_percent(row['top5'])}  n={row['n']}")
    worst = sorted(result["by_class"].items(), key=lambda item: (item[1]["top1"], -item[1]["n"]))[:classes_shown]
    print(f"per class ({len(result['by_class'])} classes; the {len(worst)} with the lowest top-1):")
    for label, row in worst:
        print(f"  {label:<36} top-1 {_percent(row['top1'])}  top-5 {_percent(row['top5'])}  n={row['n']}")
    if result["confused_pairs"]:
        print("most confused (true -> predicted):")
        for pair in result["confused_pairs"][:10]:
            print(f"  {pair['true']} -> {pair['predicted']}: {pair['count']}")


def _parse_args(argv: list[str] | None) -> EvalConfig:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = EvalConfig()
    parser.add_argument("--model", default=defaults.model, help="folder with model.json and model.onnx")
    parser.add_argument("--data", nargs="+", required=True, help="JSONL files (.jsonl or .jsonl.gz)")
    parser.add_argument("--catalogue", default=defaults.catalogue, help="symbols.json for the label mapping")
    parser.add_argument("--source", default=defaults.source, help="label naming of the files (default: from name)")
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--classes-shown", type=int, default=defaults.classes_shown)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--junk-per-kind", type=int, default=defaults.junk_per_kind, help="0: no junk check")
    parser.add_argument("--junk-seed", type=int, default=defaults.junk_seed)
    return EvalConfig(**vars(parser.parse_args(argv)))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from training.labels import Catalogue, LabelMap

    config = _parse_args(argv)
    files = [Path(name) for name in config.data]
    for path in files:
        if not path.is_file():
            raise SystemExit(f"evaluate: no such file: {path}")
    scorer = OnnxScorer(config.model, config.threads)
    label_map = LabelMap(Catalogue.load(Path(config.catalogue)))
    scored = load_samples(files, label_map, scorer.labels, config.source, progress=not config.json)
    result = evaluate(scorer, scored, config.batch_size)
    result["files"] = [path.name for path in files]
    result["uncertainty"] = evaluate_uncertainty(scorer, scored, config, config.catalogue)
    print_report(result, config.classes_shown)
    print_uncertainty(result["uncertainty"])
    if config.json:
        print(json.dumps(result, separators=(",", ":")))
    return result


if __name__ == "__main__":
    main()
