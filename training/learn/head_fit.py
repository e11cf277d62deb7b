"""Grow a trained model to a larger catalogue by refitting only its classifier on its own, unchanged features:
`python -m training.learn.head_fit --data data-cache/dataset --init-from models/model.float.onnx --name NAME`.

Why: the 6 Dec full retrain for 4,807 answers (warm-started, 75 CPU minutes) learnt the new shapes but read real
hands worse (CROHME 91.7 -> 90.1, contributed rare symbols 84 -> 77 top-1 with the prior): the same CPU budget spread
over 4.6 times the classes. The shipped backbone already separates ink well; new symbols are mostly new arrangements
of strokes it knows. Here the backbone stays exactly as shipped and only the linear classifier is fitted, over every
class at once (old rows start from the source's, new rows from small random ones), on features computed once: an
epoch over 540k rows takes about 35 s instead of 11 minutes.

New classes learnt from font templates (and derived drawings) only: a template-trained row scores real drawings of
old classes too high (a hand-drawn `\\circledast` read as mathabx's `\\ocoasterisk`). Their logits get one offset,
fitted on the validation split's real drawings ranked with the usage prior as the served model ranks them: the offset
with the best mean over sources (CROHME, contributed rare symbols) of top-1 (`choose_offset`). It is folded into the
new rows' biases, so the exported file needs nothing new. The run folder has what `train.py` leaves (`best.pt`,
`config.json`, `data.json`, `history.json`, `summary.json`, plots, `warm_start.json`) and `head_fit.json` (the
offset, the figures behind it), so `python -m training.ship.export --run runs/NAME` ships it as any run.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from training.learn import checkpoint, run_folder, runtime, trainset, warm_start
from training.learn.config_flags import parse_config
from training.learn.report import finish

if TYPE_CHECKING:
    import torch


@dataclass
class HeadFitConfig:
    data: str = "data-cache/dataset"  # folder written by `python -m training.data build` (contracts.md section 2)
    init_from: str = "models/model.float.onnx"  # the model whose features are kept (float ONNX or a run's .pt)
    model: str = "resnet_small"  # the source's architecture (key of training.learn.models.MODELS)
    name: str = ""  # run folder under runs_dir; empty: head_fit-<UTC time>
    runs_dir: str = "runs"  # git-ignored; checkpoints are large and local
    resume: bool = False  # never resumed (a fit takes minutes); present because the run folder's rules read it
    epochs: int = 4  # passes of samples_per_epoch draws: on the 6 Dec set the validation settled after 3-4
    samples_per_epoch: int = 0  # draws per epoch (0: the training split's size)
    batch_size: int = 1024  # a linear layer on 192 features: large batches cost little and smooth the steps
    lr: float = 3e-3  # AdamW peak learning rate, cosine to zero: the rows start near a solution
    weight_decay: float = 0.0  # label smoothing and feature dropout already regularise a 0.9M-parameter linear map
    label_smoothing: float = 0.1  # as the training: look-alikes (x/\times) are ambiguous by nature
    feature_dropout: float = -1.0  # dropout on the features while fitting (-1: the model's own dropout before its
    # classifier, which the source was trained with)
    anchor: float = 1e-3  # pull of the known classes' rows toward the source's (sum of squared differences): on the
    # 6 Dec set (offset -1, usage prior) free rows gave CROHME 91.38 / rare 86.5 / fresh templates of new answers 59.4
    # top-1, frozen rows 91.61 / 84.4 / 54.5, this pull 91.77 / 85.4 / 55.7 (the source: 91.71 / 84.4)
    balance_power: float = 0.3  # class c drawn in proportion to count_c**(1-power), as the training's option
    offset_step: float = 0.25  # grid of the new classes' logit offset: 0, -step, -2 step, ... down to offset_floor
    offset_floor: float = -6.0  # below this a new class never reaches the top-5 of a real drawing: no use going on
    offset_tolerance: float = 0.0  # mean validation top-1 points given up for a milder offset (one closer to 0)
    usage_prior: bool = True  # choose the offset with the usage prior the export puts into the served graph
    catalogue: str = "models/symbols.json"  # for the usage prior (backend.usage_prior)
    usage: str = "models/usage.json"  # how often each command is used
    seed: int = 0  # sample order, dropout and the new rows' initialisation
    threads: int = 2  # intra-op CPU threads (this machine has 2 cores); 0 = torch's default
    eval_batch_size: int = 1024  # batches of the feature pass and of the final measurement
    channels_last: bool = True  # NHWC layout for the feature pass: measured faster for these convs on CPU
    hardest: int = 36  # hardest validation samples shown in hardest_samples.png
    warm_start_images: int = 4096  # training images that measure batch-norm statistics for an ONNX source


@dataclass
class OffsetChoice:
    """The new classes' logit offset and what decided it, per source of validation drawings."""

    offset: float
    source_top1: dict[str, float]  # the source model's validation top-1 (a class it does not know counts as wrong)
    top1: dict[str, float]  # the grown model's validation top-1 at this offset
    kept: bool  # every source's top-1 at least the source model's
    grid: list[dict[str, Any]]  # every offset tried with its validation top-1 per source


def choose_offset(
    logits: np.ndarray,
    labels: np.ndarray,
    sources: np.ndarray,
    new: np.ndarray,
    source_right: np.ndarray,
    step: float = 0.25,
    floor: float = -6.0,
    tolerance: float = 0.0,
) -> OffsetChoice:
    """The offset added to the new classes' logits (`new`: bool per class), on the grid 0, -step, ..., floor, with
    the best mean over sources (`sources`: a name per row: CROHME writers, contributed rare symbols) of validation
    top-1 on real drawings; the mildest offset within `tolerance` points of that best. The mean over sources, not
    over drawings: the sources differ a hundredfold in size, and the small one (rare symbols, the ones people look
    up) is the one new classes both take drawings from and give right answers to. `source_right` (bool per row):
    the source model's answers, to report whether each source kept its top-1."""
    if step <= 0 or floor > 0:
        raise ValueError(f"offset grid needs step > 0 and floor <= 0 (got {step}, {floor})")
    names = sorted(set(sources.tolist()))
    before = {name: float(source_right[sources == name].mean()) for name in names}
    grid: list[dict[str, Any]] = []
    for offset in np.arange(0.0, floor - 1e-9, -step):
        right = (logits + np.where(new, offset, 0.0)).argmax(axis=1) == labels
        after = {name: float(right[sources == name].mean()) for name in names}
        grid.append({"offset": round(float(offset), 4), "top1": after, "mean": float(np.mean(list(after.values())))})
    best = max(row["mean"] for row in grid)
    chosen = next(row for row in grid if row["mean"] >= best - tolerance / 100 - 1e-12)  # the grid runs mildest first
    kept = all(chosen["top1"][name] >= before[name] for name in names)
    return OffsetChoice(chosen["offset"], before, chosen["top1"], kept, grid)


def features(body: torch.nn.Module, images: np.ndarray, batch_size: int, channels_last: bool) -> np.ndarray:
    """The classifier's input [N, D] float32 for ink counts [N, 32, 32], in eval mode (the served model's)."""
    import torch
    from tqdm import tqdm

    from training.learn.validate import as_input

    body.eval()
    chunks = []
    with torch.no_grad():
        for start in tqdm(range(0, len(images), batch_size), "features", dynamic_ncols=True, mininterval=2):
            x = as_input(torch.from_numpy(np.ascontiguousarray(images[start : start + batch_size])))
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            chunks.append(body(x).float().numpy())
    return np.concatenate(chunks) if chunks else np.zeros((0, 0), np.float32)


def _log_prior(classes: list[str], config: HeadFitConfig) -> np.ndarray:
    if not config.usage_prior:
        return np.zeros(len(classes), np.float32)
    from backend.catalogue import load_catalogue
    from backend.usage_prior import PriorConfig, load_usage, log_prior

    prior = log_prior(classes, load_catalogue(config.catalogue), load_usage(config.usage), PriorConfig())
    return np.asarray(prior, dtype=np.float32)


def fit(config: HeadFitConfig) -> Path:
    """Fit the classifier, fold in the offset, write the run folder; returns it."""
    import torch
    import torch.nn.functional as F
    from tqdm import tqdm

    from training.learn import metrics, models
    from training.learn.schedule import lr_factor
    from training.learn.validate import cross_entropy, softmax

    run = runtime.start("cpu", "fp32", config.threads, config.seed)
    if not config.name:
        config.name = f"head_fit-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
    run_dir = run_folder.create(config, run.process)
    data = trainset.load(config.data)
    train_rows, val_rows = data.indices(trainset.TRAIN), data.indices(trainset.VALIDATION)
    if len(train_rows) == 0:
        raise ValueError(f"{config.data} has no training samples (split 0)")
    run_folder.record_data(run_dir, data)

    model = models.build(config.model, len(data.classes))
    chosen = np.random.default_rng(config.seed).choice(
        train_rows, min(len(train_rows), config.warm_start_images), replace=False
    )
    warm = warm_start.apply(model, data.classes, Path(config.init_from), data.images[np.sort(chosen)])
    warm.save(run_dir)
    print(warm.describe(), flush=True)
    layers = list(model.children())
    classifier = layers[-1]
    dropout = next((layer.p for layer in layers if isinstance(layer, torch.nn.Dropout)), 0.0)
    body = torch.nn.Sequential(*[layer for layer in layers[:-1] if not isinstance(layer, torch.nn.Dropout)])
    if config.channels_last:
        body = body.to(memory_format=torch.channels_last)

    known = set(warm_start.source_classes(Path(config.init_from)))
    new = np.array([name not in known for name in data.classes])
    known_rows = torch.from_numpy(~new)
    started = time.perf_counter()
    table = torch.from_numpy(features(body, data.images, config.eval_batch_size, config.channels_last))
    feature_seconds = time.perf_counter() - started
    labels = torch.from_numpy(data.labels.astype(np.int64))
    val_labels = data.labels[val_rows]
    prior = _log_prior(data.classes, config)

    weight = torch.nn.Parameter(classifier.weight.detach().clone())
    bias = torch.nn.Parameter(classifier.bias.detach().clone())
    source_weight, source_bias = weight.detach().clone(), bias.detach().clone()
    optimizer = torch.optim.AdamW([weight, bias], lr=config.lr, weight_decay=config.weight_decay)
    drop = dropout if config.feature_dropout < 0 else config.feature_dropout
    draws = trainset.balanced_weights(data.labels[train_rows], len(data.classes), config.balance_power)
    epoch_length = config.samples_per_epoch or len(train_rows)
    steps_per_epoch = max(1, epoch_length // config.batch_size)
    total, step, history = steps_per_epoch * config.epochs, 0, []

    def validation_logits(w: torch.Tensor, b: torch.Tensor) -> np.ndarray:
        with torch.no_grad():
            return (table[val_rows] @ w.T + b).numpy()

    fit_seconds = 0.0
    for epoch in range(config.epochs):
        order = trainset.epoch_order(train_rows, draws, epoch_length, config.seed, epoch)
        batches = torch.from_numpy(order).split(config.batch_size)[:steps_per_epoch]
        loss_sum, epoch_start = 0.0, time.perf_counter()
        for chosen_rows in tqdm(batches, f"epoch {epoch + 1}/{config.epochs}", dynamic_ncols=True, mininterval=2):
            lr = config.lr * lr_factor(step / max(1, total), 0.0, 0.0)  # cosine to zero, no warm-up
            for group in optimizer.param_groups:
                group["lr"] = lr
            x = F.dropout(table[chosen_rows], drop, training=True)  # the global generator, seeded by runtime.start
            loss = F.cross_entropy(x @ weight.T + bias, labels[chosen_rows], label_smoothing=config.label_smoothing)
            drift = (weight - source_weight)[known_rows].square().sum()
            drift = drift + (bias - source_bias)[known_rows].square().sum()
            objective = loss + config.anchor * drift if config.anchor else loss
            optimizer.zero_grad(set_to_none=True)
            objective.backward()
            optimizer.step()
            loss_sum, step = loss_sum + float(loss.detach()), step + 1
        seconds = time.perf_counter() - epoch_start
        fit_seconds += seconds
        probabilities = softmax(validation_logits(weight.detach(), bias.detach()))
        validation = metrics.accuracy(metrics.hits(probabilities, val_labels))
        history.append(
            {
                "epoch": epoch + 1,
                "step": step,
                "train_loss": loss_sum / len(batches),
                "val_loss": cross_entropy(probabilities, val_labels, config.label_smoothing) if len(val_rows) else None,
                "val_top1": validation["top1"],
                "val_top5": validation["top5"],
                "lr": lr,
                "images_per_s": len(batches) * config.batch_size / max(1e-9, seconds),
                "elapsed_s": feature_seconds + fit_seconds,
            }
        )
        print(
            f"epoch {epoch + 1}: loss {history[-1]['train_loss']:.3f}, validation top-1 "
            f"{100 * (history[-1]['val_top1'] or 0):.2f} (no prior, no offset)",
            flush=True,
        )

    # The source's own rows on the same validation rows: a class it does not know can never be its answer.
    source_logits = validation_logits(source_weight, source_bias) + prior
    source_logits[:, new] = -np.inf
    val_sources = np.array(data.sources)[data.source[val_rows]]
    choice = choose_offset(
        validation_logits(weight.detach(), bias.detach()) + prior,
        val_labels,
        val_sources,
        new,
        source_logits.argmax(axis=1) == val_labels,
        config.offset_step,
        config.offset_floor,
        config.offset_tolerance,
    )
    with torch.no_grad():
        classifier.weight.copy_(weight)
        classifier.bias.copy_(bias + torch.from_numpy(np.where(new, choice.offset, 0.0)).float())
    verdict = "every source kept" if choice.kept else "NOT every source kept"
    figures = ", ".join(
        f"{name} {100 * choice.top1[name]:.2f} (source {100 * choice.source_top1[name]:.2f})" for name in choice.top1
    )
    print(
        f"new classes' offset {choice.offset:+.2f}: validation top-1 with the prior: {figures}, {verdict}", flush=True
    )
    (run_dir / "head_fit.json").write_text(
        json.dumps({"new_classes": int(new.sum()), **dataclasses.asdict(choice)}, indent=1) + "\n"
    )
    state = checkpoint.described_model(
        config.model, data.classes, dataclasses.asdict(config), model, history, len(history) - 1
    )
    checkpoint.save(run_dir / "best.pt", state)
    (run_dir / "history.json").write_text(json.dumps(history, indent=1) + "\n")
    finish(run_dir, data, config, torch.device("cpu"), None, step * config.batch_size, fit_seconds)
    return run_dir


def _parse_args(argv: list[str] | None) -> HeadFitConfig:
    return parse_config(HeadFitConfig, argv, __doc__)


def main(argv: list[str] | None = None) -> None:
    fit(_parse_args(argv))


if __name__ == "__main__":
    main()
