"""Early stopping: the best validation (top-5, then top-1) so far, and the epochs since it last improved."""

from __future__ import annotations

from typing import Any


class EarlyStop:
    def __init__(self, patience: int, best_key: tuple[float, float] = (-1.0, -1.0), stale: int = 0) -> None:
        self.patience = patience  # epochs without a better validation before the run stops
        self.best_key = best_key
        self.stale = stale

    def update(self, validation: dict[str, Any]) -> bool:
        """Record an epoch's validation figures; True when they are the best so far."""
        key = (validation["top5"] or 0.0, validation["top1"] or 0.0)
        if key > self.best_key:
            self.best_key, self.stale = key, 0
            return True
        self.stale += 1
        return False

    @property
    def should_stop(self) -> bool:
        return self.stale >= self.patience

    def state(self) -> dict[str, Any]:
        return {"best_key": list(self.best_key), "stale": self.stale}
