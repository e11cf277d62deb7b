"""The benchmark and load tools live in `bench/`, outside the server package, and `make bench`'s commands run:
each tool end to end on a few generated drawings and the small fixture model (numbers are not checked here;
`make bench` reports them)."""

from __future__ import annotations

import gzip
import json
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

import backend
from backend.app import create_app
from backend.settings import Settings
from tests.backend.live_server import REPO_ROOT, free_port
from tests.backend.model_fixtures import write_model_dir


def write_drawings(path: Path, count: int) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for n in range(count):
            strokes = [[[0, 5, 0], [10 + n, 5, 16]], [[5, 0, 40], [5, 10 + n % 7, 60]]]
            out.write(json.dumps({"label": "+", "strokes": strokes}) + "\n")
    return path


def run_tool(*arguments: str, timeout: int = 300) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", *arguments], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_bench_tools_are_not_in_the_server_package(tmp_path: Path) -> None:
    modules = {module.name for module in pkgutil.walk_packages(backend.__path__, "backend.")}
    assert not {name for name in modules if "bench" in name or "load_client" in name}, modules
    settings = Settings(model_dir=write_model_dir(tmp_path / "models"), database_url="off")
    with TestClient(create_app(settings)) as client:
        assert client.post("/bench/noop", json={"strokes": [[[0, 0]]]}).status_code == 404


def test_bench_render_runs_on_drawings(tmp_path: Path) -> None:
    drawings = write_drawings(tmp_path / "samples.jsonl.gz", 30)
    report = run_tool("bench.render", "--crohme", str(drawings), "--samples", "30")
    assert report["drawings"] == 30 and report["p50_us"] > 0


@pytest.mark.slow
def test_bench_server_measures_in_process_and_over_http(tmp_path: Path) -> None:
    drawings = write_drawings(tmp_path / "samples.jsonl.gz", 40)
    model_dir = write_model_dir(tmp_path / "models")
    report = run_tool(
        "bench.server", "--crohme", str(drawings), "--model-dir", str(model_dir), "--seconds", "1", "--concurrency", "2"
    )
    assert report["in_process"]["drawings"] == 40
    runs = {(run["endpoint"], run["concurrency"]): run for run in report["http"]}
    assert set(runs) == {("/bench/noop", 2), ("/predict", 2)}
    assert all(run["errors"] == 0 and run["requests_per_s"] > 0 for run in runs.values()), runs


@pytest.mark.slow
def test_bench_noop_app_serves_the_baseline_beside_the_real_routes(tmp_path: Path) -> None:
    port = free_port()
    model_dir = write_model_dir(tmp_path / "models")
    command = [sys.executable, "-m", "bench.noop", "--port", str(port), "--model-dir", str(model_dir)]
    server = subprocess.Popen(command, cwd=REPO_ROOT, env={**os.environ, "TEXSKETCH_DATABASE_URL": "off"})
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/health/ready", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"bench.noop did not come up (exit status {server.poll()})")
                time.sleep(0.1)
        body = {"strokes": [[[0, 5], [10, 5]]]}
        noop = httpx.post(f"{url}/bench/noop", json=body, timeout=10)
        assert (noop.status_code, noop.json()["predictions"]) == (200, [])
        assert httpx.post(f"{url}/predict", json=body, timeout=10).json()["predictions"]
    finally:
        server.terminate()
        server.wait(timeout=20)
