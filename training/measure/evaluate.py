"""Evaluate an exported model on drawings in the shared JSONL shape, the way the server would see them.

    python -m training.measure.evaluate --model models/ --data data-cache/dataset/heldout/crohme.jsonl.gz [--json]

The ONNX file is run with onnxruntime (the server's path, not PyTorch); each record is rendered with
`backend.render` and its label mapped to a class with `training.data.labels` (the same mapping the training set
was built with). Prints top-1, top-5 and n overall, per source and per class; with `--json` the last line
is one JSON object with at least {"n", "top1", "top5"}.

Records whose label maps to no catalogue symbol, or to a class the model does not have, are not scored
but counted under `skipped` with the reason, so a low n never hides.

Loading, rendering and ranking by glyph group are `training.ship.heldout`'s (the export gates use the same code);
this module adds the "not sure" measure on test-split junk and the printed report.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from training.ship.heldout import Scored, accuracy_report, glyph_columns, load_samples, ranks_by_glyph
from training.ship.onnx_scorer import OnnxScorer


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
    # "Not sure" check (model.json "uncertainty", training/ship/calibrate.py): junk drawings of each kind built from the
    # CROHME records among the files (test writers for the held-out split), on a seed calibration never used.
    junk_per_kind: int = 300
    junk_seed: int = 2027


def evaluate_uncertainty(
    scorer: OnnxScorer, scored: Scored, config: EvalConfig, catalogue: str
) -> dict[str, Any] | None:
    """Real drawings wrongly flagged "not sure" and junk caught, with model.json's rule; None without one."""
    from backend import confidence
    from training.ship.not_sure import calibration_error, feature_rows, flag_rates, junk_set

    block = scorer.card.get("uncertainty")
    if block is None or not scored.counts:
        return None
    rule = confidence.UncertaintyRule.from_json(block)
    counts = np.stack(scored.counts)
    scores = scorer.scores(counts, config.batch_size)
    real = feature_rows(scores, counts, rule.typical)
    if scored.crohme_records and config.junk_per_kind > 0:
        junk_counts, kinds = junk_set(scored.crohme_records, Path(catalogue), config.junk_per_kind, config.junk_seed)
        junk_rows = feature_rows(scorer.scores(junk_counts, config.batch_size), junk_counts, rule.typical)
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
    flagged = np.array([rule.junk_score(row) >= rule.threshold for row in real], dtype=bool)
    sources = np.array(scored.sources)
    result["real_flagged_by_source"] = {
        source: float(flagged[sources == source].mean()) for source in dict.fromkeys(scored.sources)
    }
    # Of the drawings flagged, how many had the right first answer: "not sure" should fall on wrong answers.
    result["right_among_flagged_by_source"] = {
        source: float(right[flagged & (sources == source)].mean()) if (flagged & (sources == source)).any() else None
        for source in dict.fromkeys(scored.sources)
    }
    result["calibrated_for"] = block.get("model_sha256")
    return result


def print_uncertainty(result: dict[str, Any] | None) -> None:
    if result is None:
        print("not sure: model.json has no 'uncertainty' block (run python -m training.ship.calibrate)")
        return
    print(
        f"not sure: real drawings wrongly flagged {_percent(result['real_flagged'])} of {result['real_n']} "
        f"(aim <= 2%); junk caught {_percent(result['junk_caught'])} of {result['junk_n']} (aim >= 90%)"
    )
    for source, rate in result["real_flagged_by_source"].items():
        right = result["right_among_flagged_by_source"][source]
        aim = "aim <= 2%" if source == "crohme" else "aim <= 8%, right among them <= 40%"
        print(f"  {source:<12} flagged {_percent(rate)}, right among flagged {_percent(right)} ({aim})")
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
    from training.data.labels import Catalogue, LabelMap

    config = _parse_args(argv)
    files = [Path(name) for name in config.data]
    for path in files:
        if not path.is_file():
            raise SystemExit(f"evaluate: no such file: {path}")
    scorer = OnnxScorer(config.model, config.threads)
    label_map = LabelMap(Catalogue.load(Path(config.catalogue)))
    scored = load_samples(files, label_map, scorer.labels, config.source, progress=not config.json)
    result = accuracy_report(scorer, scored, config.batch_size)
    result["files"] = [path.name for path in files]
    result["uncertainty"] = evaluate_uncertainty(scorer, scored, config, config.catalogue)
    print_report(result, config.classes_shown)
    print_uncertainty(result["uncertainty"])
    if config.json:
        print(json.dumps(result, separators=(",", ":")))
    return result


if __name__ == "__main__":
    main()
