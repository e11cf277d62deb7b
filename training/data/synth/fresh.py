"""New synthetic samples every epoch: a background process draws the next epoch's variants from the traced
templates (`templates.npz`) while the trainer learns from the current ones.

A fixed set of 80 samples per class is seen again and again over a long run, and the net learns those very
drawings; drawing them anew each epoch shows it the augmentation's whole variety instead. The rows keep their
class (the same number of synthetic samples per class as the built set, in the same order), so sampling
weights, splits and everything else about the training set stay as built.

Epoch e's images depend on (seed, e) only, and the trainer takes them at the start of epoch e, waiting if the
worker is behind (a bounded wait: `WAIT_LIMIT_S`), so a run stays repeatable; the seconds waited are reported.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from backend.render import SIZE, render_point_arrays
from training.data.synth.hand_variation import HandVariation, vary_hand
from training.data.synth.template_store import Strokes

# Drawing 90k samples takes one core about a minute; far longer means the worker is stuck, not slow.
WAIT_LIMIT_S = 900.0
# What the worker process holds (draw_epoch's arguments but the epoch): set once by its initializer, so each
# request only sends an epoch number.
_installed: dict[str, Any] = {}


def draw_epoch(
    templates: Sequence[Sequence[Strokes]],
    labels: npt.NDArray[np.int64],
    seed: int,
    epoch: int,
    config: HandVariation | None = None,
    derived: npt.NDArray[np.uint8] | None = None,
) -> npt.NDArray[np.uint8]:
    """One new image for every synthetic row (`labels[i]` is its class): the class's templates in turn, each
    augmented afresh. The same (seed, epoch) gives the same images; a class without templates gets blank ones.
    Rows whose `derived` row (the set's `strokes.npy`, row-aligned with `labels`) holds a drawing are derived rows
    (`training.data.derive`): redrawn from it on their own random stream, so template rows draw the same images
    with or without them."""
    from training.data.derive.fresh import draw_rows
    from training.data.derive.packed import holds_drawing

    config = config or HandVariation()
    rng = np.random.default_rng([seed, 0x5EED, epoch])
    images = np.zeros((len(labels), SIZE, SIZE), dtype=np.uint8)
    is_derived = holds_drawing(derived) if derived is not None else np.zeros(len(labels), dtype=bool)
    if is_derived.any():
        images[is_derived] = draw_rows(derived[is_derived], seed, epoch, render_point_arrays)
    seen: dict[int, int] = {}
    for row, label in enumerate(labels.tolist()):
        if is_derived[row]:
            continue
        own = templates[label]
        if not own:
            continue
        occurrence = seen.get(label, 0)
        seen[label] = occurrence + 1
        images[row] = render_point_arrays(vary_hand(own[occurrence % len(own)], rng, config))
    return images


def _install(
    templates: Sequence[Sequence[Strokes]],
    labels: np.ndarray,
    seed: int,
    config: HandVariation,
    derived: np.ndarray | None = None,
) -> None:
    _installed.update(templates=templates, labels=labels, seed=seed, config=config, derived=derived)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int, every_s: float = 2.0) -> None:
    """A trainer killed by a signal runs no clean-up, and its pool worker would go on drawing for nobody (seen:
    an orphan using a core for the next run): the worker leaves once its parent is gone (it is re-parented)."""
    while os.getppid() == parent:
        time.sleep(every_s)
    os._exit(0)


def _draw_installed(epoch: int) -> npt.NDArray[np.uint8]:
    return draw_epoch(epoch=epoch, **_installed)


class FreshSynthesis:
    """One worker process drawing epochs ahead of the trainer; use as a context manager."""

    def __init__(
        self,
        templates: Sequence[Sequence[Strokes]],
        labels: npt.NDArray[np.int64],
        seed: int,
        config: HandVariation | None = None,
        derived: npt.NDArray[np.uint8] | None = None,
    ) -> None:
        # spawn, not fork: the trainer process has torch's and tqdm's threads, which a fork would copy mid-flight.
        context = multiprocessing.get_context("spawn")
        arguments = (templates, labels, seed, config or HandVariation(), derived)
        self._pool = context.Pool(1, initializer=_install, initargs=arguments)
        self._pending: tuple[int, Any] | None = None
        self.waited_s = 0.0  # time the trainer spent waiting for the worker

    def request(self, epoch: int) -> None:
        """Start drawing the images of `epoch` (replacing a request not yet taken)."""
        self._pending = (epoch, self._pool.apply_async(_draw_installed, (epoch,)))

    def take(self, epoch: int, timeout_s: float = WAIT_LIMIT_S) -> npt.NDArray[np.uint8]:
        """The images requested for `epoch`, waiting for them at most `timeout_s`."""
        if self._pending is None or self._pending[0] != epoch:
            raise RuntimeError(f"no fresh synthetic samples were requested for epoch {epoch}")
        _, result = self._pending
        self._pending = None
        started = time.perf_counter()
        try:
            images = result.get(timeout=timeout_s)
        except multiprocessing.TimeoutError:
            message = f"fresh synthetic samples for epoch {epoch} not drawn within {timeout_s:.0f} s"
            raise RuntimeError(message) from None
        self.waited_s += time.perf_counter() - started
        return images

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> FreshSynthesis:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
