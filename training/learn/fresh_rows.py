"""Fresh synthetic rows during training: each epoch after the first, the set's synthetic rows are replaced by new
drawings from its templates, drawn by a background worker (`training.data.synth.fresh`) one epoch ahead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from training.learn import trainset


class FreshRows:
    def __init__(self, data: trainset.TrainSet, data_folder: str, seed: int, wanted: bool) -> None:
        from training.data.synth import HandVariation
        from training.data.synth.fresh import FreshSynthesis
        from training.data.synth.template_store import FILE_NAME, load_templates

        self.data = data
        self.rows = np.flatnonzero(data.synthetic)
        self.refreshed = 0  # epochs trained on fresh rows
        path = Path(data_folder) / FILE_NAME
        self.worker: Any = None
        if wanted and len(self.rows) and path.is_file():
            # Derived rows (training.data.derive) are redrawn from their own strokes, not from templates.
            derived = data.strokes[self.rows] if data.strokes is not None else None
            self.worker = FreshSynthesis(load_templates(path), data.labels[self.rows], seed, HandVariation(), derived)

    def before_epoch(self, epoch: int, start_epoch: int, epochs: int) -> bool:
        """Put epoch `epoch`'s drawings in place (epoch 0 learns from the built set's own) and ask for the next
        epoch's; True when this epoch's rows were drawn afresh."""
        if self.worker is None:
            return False
        drawn_afresh = epoch > 0
        if drawn_afresh:
            if epoch == start_epoch:
                self.worker.request(epoch)  # a resumed run sees what the uninterrupted run saw
            self.data.images[self.rows] = self.worker.take(epoch)  # the trainer's image tensor shares this memory
            self.refreshed += 1
        if epoch + 1 < epochs:
            self.worker.request(epoch + 1)  # drawn by the worker while this epoch trains
        return drawn_afresh

    def close(self, is_main: bool) -> None:
        if self.worker is None:
            return
        self.worker.close()
        if is_main:
            print(
                f"synthetic samples drawn afresh for {self.refreshed} epochs "
                f"(waited {self.worker.waited_s:.0f} s for them)",
                flush=True,
            )
