"""The learning-rate schedule and the time budget: how far through its schedule a run is, by steps or by clock."""

from __future__ import annotations

import math
import time


def lr_factor(progress: float, warmup_fraction: float, min_lr_fraction: float) -> float:
    """Linear warm-up, then cosine decay to `min_lr_fraction`, as a function of schedule progress in [0, 1]."""
    progress = min(max(progress, 0.0), 1.0)
    if progress < warmup_fraction:
        return max(progress / warmup_fraction, 1e-3)
    span = (progress - warmup_fraction) / max(1e-9, 1 - warmup_fraction)
    return min_lr_fraction + (1 - min_lr_fraction) * 0.5 * (1 + math.cos(math.pi * span))


class Schedule:
    """Progress through a run: steps over `total_steps`, or the share of the time budget spent if that is further
    (with a budget the LR anneals by wall clock and training stops on time). A resumed run counts its time so far."""

    def __init__(self, total_steps: int, budget_minutes: float, elapsed_before_s: float = 0.0) -> None:
        self.total_steps = total_steps
        self.budget_s = budget_minutes * 60
        self.started = time.perf_counter() - elapsed_before_s
        self.out_of_time = False

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.started

    def progress(self, step: int) -> float:
        """Schedule progress before `step`; sets `out_of_time` once the budget is spent."""
        progress = step / self.total_steps
        if self.budget_s > 0:
            progress = max(progress, self.elapsed_s() / self.budget_s)
            self.out_of_time = progress >= 1.0
        return progress
