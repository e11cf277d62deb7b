"""The end of a run: the best checkpoint measured on the validation and test splits, `summary.json` and the plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from training.learn import trainset
from training.learn.validate import split_metrics

if TYPE_CHECKING:
    import torch


def finish(
    run_dir: Path,
    data: trainset.TrainSet,
    config: Any,
    device: torch.device,
    autocast: Any,
    images_seen: int,
    train_seconds: float,
) -> None:
    """Reload the best checkpoint, measure validation and test splits, write summary.json and the plots."""
    import torch

    from training.learn import metrics, models, plots
    from training.learn.checkpoint import load_best
    from training.learn.runtime import hardware

    model, best = load_best(run_dir, device)
    if config.channels_last:
        model = model.to(memory_format=torch.channels_last)

    def measure(split: int) -> tuple[dict[str, Any], Any, Any]:
        # In fp32: the exported model runs in fp32, so these are the numbers it will reproduce.
        args = (config.eval_batch_size, device, None, config.channels_last, config.label_smoothing)
        return split_metrics(data, split, model, *args)

    validation, val_probabilities, val_indices = measure(trainset.VALIDATION)
    test, _, _ = measure(trainset.TEST)
    summary = {
        "run": run_dir.name,
        "model": config.model,
        "parameters": models.count_parameters(model),
        "flops": models.count_flops(model.to(memory_format=torch.contiguous_format).cpu()),
        "classes": len(best["classes"]),
        "best_epoch": best["epoch"] + 1,
        "epochs_run": len(json.loads((run_dir / "history.json").read_text())),
        "validation": validation,
        "test": test,
        "train_seconds": round(train_seconds, 1),
        "images_per_s": round(images_seen / max(1e-9, train_seconds), 1),
        "batch_size": config.batch_size,
        "precision": str(autocast or "fp32").replace("torch.", ""),
        "hardware": hardware(),
        "data": data.describe(),
    }
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    full_history = json.loads((run_dir / "history.json").read_text())
    plots.training_curves(full_history, run_dir / "training_curves.png")
    if len(val_indices):
        val_labels = data.labels[val_indices]
        predicted = val_probabilities.argmax(axis=1)
        pairs = metrics.confused_pairs(predicted, val_labels, limit=20)
        images = data.images[val_indices]
        plots.confused_pairs(pairs, images, val_labels, predicted, data.classes, run_dir / "confused_pairs.png")
        plots.hardest_samples(
            images, val_labels, val_probabilities, data.classes, run_dir / "hardest_samples.png", count=config.hardest
        )

    def percent(value: float | None) -> str:
        return "n/a" if value is None else f"{100 * value:.2f}%"

    print(
        f"best epoch {summary['best_epoch']}: validation top-1 {percent(validation['top1'])} top-5 "
        f"{percent(validation['top5'])} (n={validation['n']}); test top-1 {percent(test['top1'])} top-5 "
        f"{percent(test['top5'])} (n={test['n']}); {summary['images_per_s']:.0f} images/s; run folder {run_dir}",
        flush=True,
    )
