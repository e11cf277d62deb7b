"""Per symbol package: how many answers it has, what they learn from, and whether the model answers them.

    python -m training.measure.packages [--model models] [--dataset data-cache/dataset] [--before PATH/model.json]

For each package of the catalogue (`latex2e` for the kernel), over the answers (glyph groups) holding one of its
symbols: how many there are, how many the model has an output for, how many are new since the `--before` model,
how many have font templates, derived real drawings (`training.data.derive`) and real drawings in the training
split, and the rows of each kind.

Then a check that the model answers the shapes it learnt from templates alone: for every answer with templates,
`per_class` drawings freshly synthesised with a seed the training never used (`training.data.synth.fresh`), scored
the server's way (onnxruntime, the shipped file), top-1 / top-5 per package for old and new answers. These are
font-traced drawings, not handwriting: they show a class was learnt, not how well real hands are read (that is
the transfer measure and the held-out real drawings).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class PackagesConfig:
    model: Path = Path("models")  # the exported model scored (model.json + model.onnx)
    dataset: Path = Path("data-cache/dataset")  # the built training set the model learnt from
    catalogue: Path = Path("models/symbols.json")
    before: Path | None = None  # an older model.json: its labels are the answers that are not new
    per_class: int = 4  # fresh drawings per answer with templates (4,807 answers: about 19k drawings)
    seed: int = 20261206  # differs from every training seed: these drawings were never trained on
    output: Path | None = None  # where the table goes as JSON (markdown is printed)


def package_answers(catalogue_path: Path) -> dict[str, set[str]]:
    """Package name -> the glyph groups (answers) holding one of its symbols."""
    symbols = json.loads(catalogue_path.read_text())["symbols"]
    answers: dict[str, set[str]] = defaultdict(set)
    for symbol in symbols:
        answers[symbol["package"] or "latex2e"].add(symbol["glyph"])
    return dict(answers)


def fresh_drawings(templates: list[list[Any]], per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`per_class` new drawings of every class with templates: (ink counts [N, 32, 32], class index [N])."""
    from training.data.synth.fresh import draw_epoch

    labels = np.repeat([index for index, own in enumerate(templates) if own], per_class)
    return draw_epoch(templates, labels, seed=seed, epoch=0), labels


def measure(config: PackagesConfig) -> dict[str, Any]:
    from training.data.build.sources import SOURCE_ORDER
    from training.data.synth.template_store import load_templates
    from training.learn import trainset
    from training.ship.onnx_scorer import OnnxScorer

    data = trainset.load(config.dataset)
    scorer = OnnxScorer(config.model, threads=2)
    if scorer.labels != data.classes:
        raise ValueError(f"{config.model} answers other classes than {config.dataset} holds")
    before = set(json.loads(config.before.read_text())["labels"]) if config.before else set()
    index_of = {name: index for index, name in enumerate(data.classes)}
    train = data.split == trainset.TRAIN
    synthetic, derived = SOURCE_ORDER.index("synthetic"), SOURCE_ORDER.index("derived")
    rows_of = {
        kind: np.bincount(data.labels[mask], minlength=len(data.classes))
        for kind, mask in (
            ("real", train & (data.source != synthetic) & (data.source != derived)),
            ("template", train & (data.source == synthetic)),
            ("derived", train & (data.source == derived)),
        )
    }
    templates = load_templates(config.dataset / "templates.npz")
    images, labels = fresh_drawings(templates, config.per_class, config.seed)
    scores = scorer.scores(images)
    top5 = np.argsort(-scores, axis=1)[:, :5]
    hit1 = top5[:, 0] == labels
    hit5 = (top5 == labels[:, None]).any(axis=1)

    table = []
    for package, answers in sorted(package_answers(config.catalogue).items(), key=lambda item: -len(item[1])):
        classes = [index_of[name] for name in answers if name in index_of]
        old = [index for index in classes if data.classes[index] in before]
        new = [index for index in classes if data.classes[index] not in before]
        row: dict[str, Any] = {
            "package": package,
            "answers": len(answers),
            "model_outputs": len(classes),
            "new": len(new) if before else None,
        }
        row["with_templates"] = sum(1 for index in classes if templates[index])
        row["templates"] = sum(len(templates[index]) for index in classes)
        for kind, counts in rows_of.items():
            row[f"with_{kind}"] = int(sum(1 for index in classes if counts[index] > 0))
            row[f"{kind}_rows"] = int(sum(counts[index] for index in classes))
        for part, chosen in (("old", old), ("new", new)):
            mask = np.isin(labels, chosen)
            row[f"fresh_{part}"] = {
                "n": int(mask.sum()),
                "top1": float(hit1[mask].mean()) if mask.any() else None,
                "top5": float(hit5[mask].mean()) if mask.any() else None,
            }
        table.append(row)
    return {"config": {key: str(value) for key, value in vars(config).items()}, "packages": table}


def _percent(part: dict[str, Any]) -> str:
    return "" if part["top1"] is None else f"{100 * part['top1']:.1f} / {100 * part['top5']:.1f} (n {part['n']:,})"


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| package | answers | model outputs | new | with templates (templates) | with derived (rows) | with real "
        "| fresh template drawings, old answers | fresh, new answers |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["packages"]:
        lines.append(
            f"| {row['package']} | {row['answers']:,} | {row['model_outputs']:,} | "
            f"{'' if row['new'] is None else format(row['new'], ',')} | "
            f"{row['with_templates']:,} ({row['templates']:,}) | "
            f"{row['with_derived']:,} ({row['derived_rows']:,}) | {row['with_real']:,} | "
            f"{_percent(row['fresh_old'])} | {_percent(row['fresh_new'])} |"
        )
    return "\n".join(lines)


def _parse_args(argv: list[str] | None) -> PackagesConfig:
    defaults = PackagesConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=defaults.model)
    parser.add_argument("--dataset", type=Path, default=defaults.dataset)
    parser.add_argument("--catalogue", type=Path, default=defaults.catalogue)
    parser.add_argument("--before", type=Path, default=None, help="an older model.json (its labels are not new)")
    parser.add_argument("--per-class", type=int, default=defaults.per_class)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--output", type=Path, default=None, help="write the table as JSON here too")
    return PackagesConfig(**vars(parser.parse_args(argv)))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    config = _parse_args(argv)
    result = measure(config)
    print(markdown(result))
    if config.output:
        config.output.write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    main()
