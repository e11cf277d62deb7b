"""A bounded load run over real HTTP: 20,000 predictions, zero errors, no memory growth in the server.

Not a speed measurement (that is `make bench`); it proves the server stays correct and bounded under
sustained concurrent load, with micro-batching active.
"""

import asyncio

import httpx
import orjson
import pytest

from bench.load_client import run_load
from tests.backend.live_server import SHIPPED_MODEL_DIR, live_server, shipped_model_present
from tests.backend.model_fixtures import write_model_dir
from tests.backend.prometheus_text import sample_value

WARM_UP = 3_000
MEASURED = 20_000
CONCURRENCY = 16
# Allocator arenas and caches settle during warm-up; a leak of even 1 KB per request would add 20 MB.
MAX_RSS_GROWTH = 8 * 1024 * 1024


def drawings() -> list[bytes]:
    shapes = [
        [[[0, 50], [100, 50]], [[50, 0], [50, 100]]],
        [[[x, (x - 50) ** 2 / 25, x * 10] for x in range(0, 101, 5)]],
        [[[50 + 40 * (i % 7), 50 + 30 * (i % 5)] for i in range(40)], [[0, 0]]],
    ]
    return [orjson.dumps({"strokes": shape, "k": k}) for shape in shapes for k in (1, 5, 20)]


@pytest.mark.slow
def test_load_run_has_no_errors_and_no_memory_growth(tmp_path):
    model_dir = SHIPPED_MODEL_DIR if shipped_model_present() else write_model_dir(tmp_path / "models")
    with live_server(model_dir) as server:
        host, port = server.url.removeprefix("http://").split(":")
        warm = asyncio.run(run_load(host, int(port), "/predict", drawings(), CONCURRENCY, WARM_UP))
        rss_before = server.rss_bytes()
        result = asyncio.run(run_load(host, int(port), "/predict", drawings(), CONCURRENCY, MEASURED))
        rss_after = server.rss_bytes()
        metrics = httpx.get(f"{server.url}/metrics").text
    assert warm.statuses == {200: WARM_UP}
    assert result.transport_errors == 0
    assert result.statuses == {200: MEASURED}, result.statuses
    assert rss_after - rss_before < MAX_RSS_GROWTH, (rss_before, rss_after)
    served = sample_value(metrics, "texsketch_requests_total", route="/predict", method="POST", status="200")
    assert served == WARM_UP + MEASURED
    rss = f"RSS {rss_before / 2**20:.1f} -> {rss_after / 2**20:.1f} MiB"
    p50, p99 = result.percentile_ms(50), result.percentile_ms(99)
    speed = f"{result.per_second:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms"
    print(f"{rss}; {speed}")
