import asyncio
import threading

import numpy as np
import pytest

from backend.batcher import InferenceBatcher


def slow_softmax(images):
    """A stand-in model that takes a little time, so requests queue up behind it as under load."""
    threading.Event().wait(0.005)
    flat = images.reshape(len(images), -1)[:, :4].astype(np.float64)
    return flat / flat.sum(axis=1, keepdims=True)


def images(count):
    rng = np.random.default_rng(0)
    return [rng.uniform(0.1, 1, (1, 32, 32)).astype(np.float32) for _ in range(count)]


def test_batcher_returns_each_request_its_own_row():
    async def run():
        batcher = InferenceBatcher(slow_softmax, max_batch=8)
        inputs = images(40)
        rows = await asyncio.gather(*(batcher.scores(image) for image in inputs))
        batcher.close()
        return inputs, rows, batcher

    inputs, rows, batcher = asyncio.run(run())
    for image, row in zip(inputs, rows, strict=True):
        np.testing.assert_allclose(row, slow_softmax(image[None])[0])
    assert batcher.images == 40
    # Concurrent requests shared calls, never more than max_batch per call.
    assert 5 <= batcher.batches < 40


def test_batcher_single_request_runs_at_once_alone():
    async def run():
        batcher = InferenceBatcher(slow_softmax, max_batch=8)
        row = await batcher.scores(images(1)[0])
        batcher.close()
        return row, batcher

    row, batcher = asyncio.run(run())
    assert row.shape == (4,)
    assert (batcher.batches, batcher.images) == (1, 1)


def test_batcher_hands_a_model_failure_to_every_waiting_request_and_recovers():
    calls = []

    def failing_once(batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise RuntimeError("model failed")
        return slow_softmax(batch)

    async def run():
        batcher = InferenceBatcher(failing_once, max_batch=64)
        first = await asyncio.gather(*(batcher.scores(image) for image in images(3)), return_exceptions=True)
        second = await batcher.scores(images(1)[0])
        batcher.close()
        return first, second

    first, second = asyncio.run(run())
    assert all(isinstance(result, RuntimeError) for result in first)
    assert second.shape == (4,)


def test_batcher_survives_a_cancelled_request():
    async def run():
        batcher = InferenceBatcher(slow_softmax, max_batch=4)
        tasks = [asyncio.ensure_future(batcher.scores(image)) for image in images(6)]
        await asyncio.sleep(0)
        tasks[2].cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        batcher.close()
        return results

    results = asyncio.run(run())
    assert isinstance(results[2], asyncio.CancelledError)
    assert all(isinstance(r, np.ndarray) for i, r in enumerate(results) if i != 2)


@pytest.mark.parametrize("max_batch", [1, 3])
def test_batcher_respects_max_batch(max_batch):
    sizes = []

    def recording(batch):
        sizes.append(len(batch))
        return slow_softmax(batch)

    async def run():
        batcher = InferenceBatcher(recording, max_batch=max_batch)
        await asyncio.gather(*(batcher.scores(image) for image in images(10)))
        batcher.close()

    asyncio.run(run())
    assert sum(sizes) == 10
    assert max(sizes) <= max_batch
