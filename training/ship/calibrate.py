"""Fit the "not sure" rule and the calibrated confidence of an exported model; write them into its model.json.

    python -m training.ship.calibrate --model models --data data-cache/dataset \\
        --crohme ../shared/data/crohme2014-isolated/samples.jsonl.gz

Run after every export (`make train-export` does): the rule reads the model's scores, so a new model needs it
re-fitted. What it fits (the rule itself is `backend/confidence.py`):

- Real drawings: the validation split of the training set (`<data>/images.npy` rows with split 1, real by
  construction), never the test split that `make eval` reports on.
- Junk drawings: `training/ship/junk.py`, `junk_per_kind` of each kind; expressions and words are built from the CROHME
  records of the validation split (same split rule as the data build), so no test writer is seen.
- `confidence`: Platt scaling, a logistic regression of "the first candidate is the drawn symbol" on
  [ln top score, ln(top / second)] over the real drawings.
- `not_sure`: a one-hidden-layer network (`hidden_units` tanh units) on the eight standardised features, real vs
  junk with both sides weighted equally, then the threshold at the `real_flagged_target` quantile of the real
  drawings' junk scores (the aim is at most 2 % of real drawings flagged on held-out data; fitting aims lower).

Prints what the fit reaches on its own data, per junk kind; writes `uncertainty` into `<model>/model.json`
(other fields untouched). `make eval` measures it on the test split and test-split junk.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backend import confidence
from training.ship.not_sure import calibration_error, crohme_records, feature_rows, flag_rates, junk_set


@dataclass
class CalibrateConfig:
    model: str = "models"  # folder with model.json + model.onnx; model.json gets the "uncertainty" block
    data: str = "data-cache/dataset"  # training set folder (contracts section 2): its validation split is the real side
    crohme: str = "../shared/data/crohme2014-isolated/samples.jsonl.gz"  # CROHME records to build expressions/words
    catalogue: str = "models/symbols.json"  # word commands (\\sin, \\log, ...) a generated word must not spell
    junk_per_kind: int = 500  # junk drawings of each kind: 3,000 in all, about half the real validation drawings
    seed: int = 13  # junk generation and network initialisation; make eval uses other seeds
    hidden_units: int = 8  # enough to combine "smeared scores" with "wide band" and "dense ink" (a linear rule
    # on the same features catches about half the junk at 2 % real flagged, 8 units over 90 %)
    steps: int = 2000  # full-batch Adam steps: the loss is flat well before
    learning_rate: float = 0.02
    weight_decay: float = 1e-4  # a little, so the eight-feature network stays smooth between the data points
    real_flagged_target: float = 0.012  # share of real validation drawings flagged; held-out data runs higher
    threads: int = 2  # onnxruntime threads (this machine has 2 cores)
    write: bool = True  # False: print the fit, leave model.json alone


def fit_platt(x: npt.NDArray[np.float64], right: npt.NDArray[np.bool_], l2: float = 1e-6) -> tuple[list[float], float]:
    """Logistic regression by Newton's method: weights and bias of P(right | x)."""
    design = np.column_stack([x, np.ones(len(x))])
    target = right.astype(np.float64)
    w = np.zeros(design.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = design.T @ (p - target) / len(x) + l2 * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design / len(x) + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w[:-1].tolist(), float(w[-1])


def fit_junk_network(
    real: npt.NDArray[np.float64], junk_rows: npt.NDArray[np.float64], config: CalibrateConfig
) -> dict[str, Any]:
    """The network of backend.confidence (standardise, tanh layer, linear output), real = 0, junk = 1."""
    import torch

    x = np.vstack([real, junk_rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    inputs = torch.tensor((x - mean) / scale, dtype=torch.float64)
    target = torch.tensor(np.r_[np.zeros(len(real)), np.ones(len(junk_rows))], dtype=torch.float64)
    weight = torch.tensor(np.r_[np.full(len(real), 0.5 / len(real)), np.full(len(junk_rows), 0.5 / len(junk_rows))])
    torch.manual_seed(config.seed)
    network = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], config.hidden_units), torch.nn.Tanh(), torch.nn.Linear(config.hidden_units, 1)
    ).double()
    optimiser = torch.optim.Adam(network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    for _ in range(config.steps):
        optimiser.zero_grad()
        logits = network(inputs).squeeze(1)
        loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none") * weight).sum()
        loss.backward()
        optimiser.step()
    hidden, output = network[0], network[2]
    return {
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "hidden": {"weights": hidden.weight.detach().tolist(), "bias": hidden.bias.detach().tolist()},
        "output": {"weights": output.weight.detach()[0].tolist(), "bias": float(output.bias.detach()[0])},
    }


def threshold_for(real_scores: npt.NDArray[np.float64], share: float) -> float:
    """The lowest threshold that flags (score >= threshold) at most `share` of the real drawings."""
    ordered = np.sort(real_scores)
    allowed = int(np.floor(share * len(ordered)))
    if allowed == 0:
        return float(np.nextafter(ordered[-1], np.inf))
    return float(ordered[len(ordered) - allowed])


def calibrate(config: CalibrateConfig) -> dict[str, Any]:
    from training.data.build.splits import VALIDATION
    from training.ship.onnx_scorer import OnnxScorer

    scorer = OnnxScorer(config.model, config.threads)
    data = Path(config.data)
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    split = np.load(data / "split.npy")
    rows = np.flatnonzero((split == VALIDATION) & ~np.load(data / "synthetic.npy"))
    counts = np.asarray(np.load(data / "images.npy", mmap_mode="r")[rows])
    class_ids = [meta["classes"][i] for i in np.load(data / "labels.npy")[rows]]
    index_of = {label: i for i, label in enumerate(scorer.labels)}
    known = np.array([label in index_of for label in class_ids])
    counts = counts[known]
    truth = np.array([index_of[label] for label, k in zip(class_ids, known, strict=True) if k], dtype=np.int64)
    scores = scorer.scores(counts)
    real = feature_rows(scores, counts)
    right = scores.argmax(axis=1) == truth

    junk_counts, kinds = junk_set(
        crohme_records(Path(config.crohme), VALIDATION), Path(config.catalogue), config.junk_per_kind, config.seed
    )
    junk_rows = feature_rows(scorer.scores(junk_counts), junk_counts)

    weights, bias = fit_platt(real[:, : len(confidence.CONFIDENCE_FEATURES)], right)
    block: dict[str, Any] = {
        "features": list(confidence.FEATURES),
        **fit_junk_network(real, junk_rows, config),
        "confidence": {"features": list(confidence.CONFIDENCE_FEATURES), "weights": weights, "bias": bias},
        "threshold": 0.0,
    }
    provisional = confidence.UncertaintyRule.from_json(block)
    real_scores = np.array([provisional.junk_score(row) for row in real])
    block["threshold"] = threshold_for(real_scores, config.real_flagged_target)
    rule = confidence.UncertaintyRule.from_json(block)
    fitted = flag_rates(rule, real, junk_rows, kinds)
    stated = np.array([rule.confidence(row) for row in real])
    fitted["confidence_ece"] = calibration_error(stated, right)
    fitted["top1"] = float(right.mean())
    block["fitted_on"] = {
        "real": f"{data.name} validation split ({len(real)} real drawings, content_hash {meta.get('content_hash')})",
        "junk": f"training/ship/junk.py, {config.junk_per_kind} per kind, seed {config.seed}, "
        "CROHME validation writers",
        "config": {k: v for k, v in asdict(config).items() if k not in ("write", "threads")},
        "result": fitted,
    }
    block["model_sha256"] = scorer.card.get("sha256")
    if config.write:
        card_path = Path(config.model) / "model.json"
        card = json.loads(card_path.read_text(encoding="utf-8"))
        card["uncertainty"] = block
        card_path.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return block


def print_fit(block: dict[str, Any]) -> None:
    result = block["fitted_on"]["result"]
    print(
        f"fitted on validation: real flagged {100 * result['real_flagged']:.2f}% of {result['real_n']}, "
        f"junk caught {100 * result['junk_caught']:.2f}% of {result['junk_n']}, threshold {block['threshold']:.4f}, "
        f"confidence ECE {result['confidence_ece']:.4f}"
    )
    for kind, rate in result["junk_caught_by_kind"].items():
        print(f"  junk {kind:<11} caught {100 * rate:6.2f}%")


def _parse_args(argv: list[str] | None) -> CalibrateConfig:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = CalibrateConfig()
    for name, value in asdict(defaults).items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=value)
        else:
            parser.add_argument(flag, type=type(value), default=value)
    return CalibrateConfig(**vars(parser.parse_args(argv)))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    config = _parse_args(argv)
    block = calibrate(config)
    print_fit(block)
    if config.write:
        print(f"wrote the 'uncertainty' block into {Path(config.model) / 'model.json'}")
    return block


if __name__ == "__main__":
    main()
