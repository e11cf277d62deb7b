"""`/metrics` through prometheus_client: one sum over every worker process, the model version, the feedback
store's state and the per-route latency histograms."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.settings import Settings
from tests.backend.live_server import live_server
from tests.backend.model_fixtures import write_model_dir
from tests.backend.prometheus_text import sample_value

PLUS = [[[0, 5], [10, 5]], [[5, 0], [5, 10]]]
UNREACHABLE_POSTGRES = "postgresql://texsketch@/feedback?host=/nonexistent-texsketch-socket&port=5432"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model_dir(tmp_path_factory.mktemp("metrics") / "models")


def predict_on_new_connection(url: str) -> int:
    # A connection per request, so the kernel hands requests to whichever worker accepts next.
    return httpx.post(f"{url}/predict", json={"strokes": PLUS}, headers={"Connection": "close"}, timeout=30).status_code


@pytest.mark.slow
def test_metrics_with_two_workers_count_every_request_once(model_dir: Path, tmp_path: Path) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    requests = 160
    with live_server(model_dir, "--workers", "2", env={"PROMETHEUS_MULTIPROC_DIR": str(shared)}) as server:
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(predict_on_new_connection, [server.url] * requests))
        assert statuses == [200] * requests
        scrapes = [
            httpx.get(f"{server.url}/metrics", headers={"Connection": "close"}, timeout=30).text for _ in range(8)
        ]
        worker_pids = {
            int(name.rsplit("_", 1)[1].removesuffix(".db"))
            for name in os.listdir(shared)
            if name.startswith("histogram_")
        }
    assert len(worker_pids - {server.process.pid}) == 2, "both workers should have served requests"
    for text in scrapes:  # whichever worker answered, it reports the whole server
        assert sample_value(text, "texsketch_requests_total", route="/predict", method="POST", status="200") == requests
        assert sample_value(text, "texsketch_request_seconds_count", route="/predict") == requests
        assert sample_value(text, "texsketch_inference_images_total") == requests
        assert sample_value(text, "texsketch_model_info", version="fixture-1", sha256=model_sha256(model_dir)) == 1


def model_sha256(model_dir: Path) -> str:
    from backend.model_card import load_model_card

    return load_model_card(model_dir).sha256


def test_metrics_report_the_feedback_store_state(model_dir: Path) -> None:
    with TestClient(create_app(Settings(model_dir=model_dir, database_url=UNREACHABLE_POSTGRES))) as client:
        text = client.get("/metrics").text
    assert sample_value(text, "texsketch_feedback_store_state", state="down") == 1
    assert sample_value(text, "texsketch_feedback_store_state", state="ok") == 0
    with TestClient(create_app(Settings(model_dir=model_dir, database_url="off"))) as client:
        text = client.get("/metrics").text
    assert sample_value(text, "texsketch_feedback_store_state", state="disabled") == 1


def test_metrics_latency_histogram_per_route_template(model_dir: Path) -> None:
    with TestClient(create_app(Settings(model_dir=model_dir, database_url="off"))) as client:
        client.post("/predict", json={"strokes": PLUS})
        client.get("/symbols/latex2e-OT1-_alpha")
        client.get("/no/such/page")
        text = client.get("/metrics").text
    assert sample_value(text, "texsketch_request_seconds_count", route="/predict") == 1
    assert sample_value(text, "texsketch_request_seconds_count", route="/symbols/{id}") == 1
    assert sample_value(text, "texsketch_request_seconds_count", route="unmatched") == 1
    assert sample_value(text, "texsketch_request_seconds_bucket", route="/predict", le="+Inf") == 1
