"""What a run tells while it trains: the console, TensorBoard (`tensorboard/`) and `history.json`, main process only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

EPOCH_SCALARS = ("val_loss", "val_top1", "val_top5", "train_loss", "images_per_s")


class Logbook:
    def __init__(self, run_dir: Path, log_every: int, is_main: bool) -> None:
        self.run_dir = run_dir
        self.log_every = log_every  # steps between TensorBoard loss points
        self.writer: Any = None
        if is_main:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(log_dir=str(run_dir / "tensorboard"))

    def say(self, line: str) -> None:
        if self.writer is not None:
            print(line, flush=True)

    def step(self, step: int, loss: float, lr: float) -> None:
        if self.writer is not None and step % self.log_every == 0:
            self.writer.add_scalar("train/loss", loss, step)
            self.writer.add_scalar("train/lr", lr, step)

    def epoch(self, history: list[dict[str, Any]], model: torch.nn.Module, improved: bool) -> None:
        """The epoch's row (the last of `history`): scalars, weight histograms, one console line, history.json."""
        if self.writer is None:
            return
        row = history[-1]
        for name in EPOCH_SCALARS:
            if row[name] is not None:
                self.writer.add_scalar(f"epoch/{name}", row[name], row["epoch"])
        for name, parameter in model.named_parameters():
            self.writer.add_histogram(f"weights/{name}", parameter.detach().float().cpu(), row["epoch"])
        self.writer.flush()
        self.say(
            f"epoch {row['epoch']}: train loss {row['train_loss']:.3f}, val loss {row['val_loss'] or 0:.3f}, "
            f"val top-1 {100 * (row['val_top1'] or 0):.2f}%, top-5 {100 * (row['val_top5'] or 0):.2f}%, "
            f"{row['images_per_s']:.0f} images/s{' (best)' if improved else ''}"
        )

    def save_history(self, history: list[dict[str, Any]]) -> None:
        if self.writer is not None:
            (self.run_dir / "history.json").write_text(json.dumps(history, indent=1) + "\n")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
