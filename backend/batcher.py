"""Micro-batching: requests that arrive while the model is busy share its next call.

There is no waiting window: an idle server runs a request at once, and only under load do requests queue
up behind the running call, to be run together next. Inference runs on one dedicated thread (onnxruntime
releases the GIL), so the event loop keeps parsing and rendering the next requests meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

ScoreFunction = Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]]


class InferenceBatcher:
    """Queue single images; one worker thread scores whatever has queued, up to `max_batch` at a time."""

    def __init__(self, score: ScoreFunction, max_batch: int) -> None:
        self._score = score
        self._max_batch = max_batch
        self._pending: list[tuple[npt.NDArray[np.float32], asyncio.Future]] = []
        self._draining = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inference")
        self.batches = 0  # calls made, for the metrics
        self.images = 0

    async def scores(self, image: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Scores [C] of one model input [1, 32, 32]."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self._pending.append((image, future))
        if not self._draining:
            self._draining = True
            loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                images = np.stack([image for image, _ in batch])
                try:
                    rows = await loop.run_in_executor(self._executor, self._score, images)
                except Exception as error:  # hand the failure to every waiting request
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                self.batches += 1
                self.images += len(batch)
                for (_, future), row in zip(batch, rows, strict=True):
                    if not future.done():  # a client that went away has cancelled its future
                        future.set_result(row)
        finally:
            self._draining = False

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
