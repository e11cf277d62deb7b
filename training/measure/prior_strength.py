"""Choose and measure the usage prior's strength with the shipped model:

    python -m training.measure.prior_strength [--model models] [--dataset data-cache/dataset]

Scores the real drawings (not synthetic) of the built dataset's validation and test splits (contracts section 2:
writers / expressions the model never trained on) with the exported ONNX model, multiplies the softmax scores by
the prior at each strength of `PriorEvalConfig.strengths` (backend/usage_prior.py), and ranks glyph groups of the
current catalogue the way the server does (each group's best label). The chosen strength is the one with the best
validation top-1 whose validation top-5 is not below the no-prior top-5, overall and for every source; the test
split is reported for it, never used to choose.

A model exported with the prior already in its graph (model.json `usage_prior`, training/ship/export.py) has it
divided out first (scores times exp(-prior) of the card's strength and smoothing, renormalised: exactly the
scores without it, as long as models/usage.json is the one the export read), so every row means "this strength".
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from backend.catalogue import Catalogue, load_catalogue
from backend.usage_prior import PriorConfig, Usage, apply_prior, load_usage, log_prior

VALIDATION, TEST = 1, 2


@dataclass(frozen=True)
class PriorEvalConfig:
    """Inputs of the measurement."""

    # Exported model (model.json + model.onnx).
    model: Path = Path("models")
    # Built dataset (python -m training.data build): images, labels, split, source, synthetic, meta.json.
    dataset: Path = Path("data-cache/dataset")
    catalogue: Path = Path("models/symbols.json")
    usage: Path = Path("models/usage.json")
    # Strengths tried (0 = no prior).
    strengths: tuple[float, ...] = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)
    smoothing: float = PriorConfig().smoothing
    # onnxruntime threads (2 cores on this machine, shared).
    threads: int = 2


@dataclass
class Split:
    scores: npt.NDArray[np.float32]  # [N, C] model softmax
    truth: npt.NDArray[np.int64]  # [N] glyph index
    sources: list[str] = field(default_factory=list)


def glyph_ranks(
    scores: npt.NDArray[np.float32], glyph_of_label: npt.NDArray[np.int64], truth: npt.NDArray[np.int64], groups: int
) -> npt.NDArray[np.int64]:
    """0-based rank of the true glyph when each glyph scores as its best label (the server's ranking)."""
    best = np.full((len(scores), groups), -np.inf, dtype=np.float32)
    for label, glyph in enumerate(glyph_of_label):
        np.maximum(best[:, glyph], scores[:, label], out=best[:, glyph])
    true_score = best[np.arange(len(truth)), truth]
    return (best > true_score[:, None]).sum(axis=1)


def accuracy(ranks: npt.NDArray[np.int64]) -> dict[str, float]:
    return {"n": int(len(ranks)), "top1": float((ranks < 1).mean()), "top5": float((ranks < 5).mean())}


def load_split(config: PriorEvalConfig, catalogue: Catalogue, glyph_index: dict[str, int], split: int, scorer) -> Split:
    meta = json.loads((config.dataset / "meta.json").read_text(encoding="utf-8"))
    labels = np.load(config.dataset / "labels.npy")
    chosen = (np.load(config.dataset / "split.npy") == split) & ~np.load(config.dataset / "synthetic.npy")
    images = np.load(config.dataset / "images.npy", mmap_mode="r")
    index = np.flatnonzero(chosen)
    # The dataset's classes were the glyph representatives when it was built; today's groups may have merged them.
    truth = np.array([glyph_index[catalogue.by_id[meta["classes"][c]].glyph] for c in labels[index]], dtype=np.int64)
    sources = [meta["sources"][s] for s in np.load(config.dataset / "source.npy")[index]]
    return Split(scorer.scores(np.asarray(images[index])), truth, sources)


def measure(config: PriorEvalConfig) -> dict:
    from training.ship.onnx_scorer import OnnxScorer

    catalogue = load_catalogue(config.catalogue)
    usage: Usage = load_usage(config.usage)
    scorer = OnnxScorer(config.model, threads=config.threads)
    glyphs = sorted(catalogue.groups)
    glyph_index = {glyph: number for number, glyph in enumerate(glyphs)}
    glyph_of_label = np.array([glyph_index[catalogue.by_id[label].glyph] for label in scorer.labels], dtype=np.int64)
    splits = {
        name: load_split(config, catalogue, glyph_index, number, scorer)
        for name, number in (("validation", VALIDATION), ("test", TEST))
    }
    baked = scorer.card.get("usage_prior")
    if baked:
        undo = -log_prior(scorer.labels, catalogue, usage, PriorConfig(baked["smoothing"], baked["strength"]))
        for split in splits.values():
            split.scores = apply_prior(split.scores, undo)
    table = []
    for strength in config.strengths:
        prior = log_prior(scorer.labels, catalogue, usage, PriorConfig(config.smoothing, strength))
        row = {"strength": strength}
        for name, split in splits.items():
            ranks = glyph_ranks(apply_prior(split.scores, prior), glyph_of_label, split.truth, len(glyphs))
            row[name] = accuracy(ranks)
            sources = np.array(split.sources)
            row[name]["by_source"] = {s: accuracy(ranks[sources == s]) for s in sorted(set(split.sources))}
        table.append(row)
    base = table[0]["validation"]

    def keeps_top5(row: dict) -> bool:
        v = row["validation"]
        return v["top5"] >= base["top5"] and all(
            v["by_source"][s]["top5"] >= base["by_source"][s]["top5"] for s in base["by_source"]
        )

    chosen = max((row for row in table if keeps_top5(row)), key=lambda row: row["validation"]["top1"])
    return {"model": scorer.card.get("version"), "table": table, "chosen": chosen["strength"]}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m training.measure.prior_strength", description=__doc__)
    parser.add_argument("--model", type=Path, default=PriorEvalConfig.model)
    parser.add_argument("--dataset", type=Path, default=PriorEvalConfig.dataset)
    parser.add_argument("--json", action="store_true", help="end with the result as one JSON line")
    args = parser.parse_args(argv)
    result = measure(PriorEvalConfig(model=args.model, dataset=args.dataset))
    print(f"model {result['model']}; top-1 / top-5 of glyph groups on real drawings (n per split below)")
    for row in result["table"]:
        cells = []
        for name in ("validation", "test"):
            split = row[name]
            per_source = " ".join(f"{s} {a['top1']:.4f}/{a['top5']:.4f}" for s, a in split["by_source"].items())
            cells.append(f"{name} {split['top1']:.4f}/{split['top5']:.4f} [{per_source}]")
        mark = " <- chosen" if row["strength"] == result["chosen"] else ""
        print(f"strength {row['strength']:.2f}: " + "; ".join(cells) + mark)
    first = result["table"][0]
    print(f"n: validation {first['validation']['n']}, test {first['test']['n']}")
    if args.json:
        print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
