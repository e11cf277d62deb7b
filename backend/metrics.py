"""Request metrics through `prometheus_client`: counters and a latency histogram per route, the model being
served, the feedback store's state and the inference batches.

Routes are labelled by their template (`/symbols/{id}`), never by the raw path, so a scan of random
URLs cannot grow the label set; unmatched paths share one label.

Several worker processes (`--workers N`) answer `/metrics` for the whole server, not for themselves:
`python -m backend` then points `PROMETHEUS_MULTIPROC_DIR` at a fresh folder before any worker starts
(`prepare_multiprocess_dir`); every process writes its values there and each scrape adds them all up
(`prometheus_client`'s multiprocess mode). With one process the values stay in memory.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from typing import Any

# Seconds; from a fast prediction (about 1 ms) to a client far over any budget.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
UNMATCHED = "unmatched"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
FEEDBACK_STATES = ("ok", "down", "disabled")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROCESS_ENV) or None


def prepare_multiprocess_dir(workers: int) -> str | None:
    """Before the first import of prometheus_client: with several workers, a shared folder for their values.

    An operator's own `PROMETHEUS_MULTIPROC_DIR` is used as given (they clear it between runs, as
    prometheus_client requires); otherwise a fresh temporary folder, removed at exit.
    """
    if multiprocess_dir() is not None:
        return multiprocess_dir()
    if workers <= 1:
        return None
    folder = tempfile.mkdtemp(prefix="texsketch-metrics-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ[MULTIPROCESS_ENV] = folder
    return folder


class Metrics:
    """One per app. In multiprocess mode the values live in the shared folder, so every instance of every
    process contributes to one sum; otherwise in this instance's own registry."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

        # No `_created` series: a per-label creation time is noise next to texsketch_start_time_seconds.
        disable_created_metrics()
        self.registry = CollectorRegistry()
        shared = multiprocess_dir() is not None
        # Multiprocess: metrics are not registered anywhere; the collector below reads every process's files.
        own = None if shared else self.registry
        if shared:
            from prometheus_client import multiprocess

            multiprocess.MultiProcessCollector(self.registry)
        self.requests = Counter(
            "texsketch_requests",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=own,
        )
        self.latency = Histogram(
            "texsketch_request_seconds",
            "Time from request start to the end of the response body.",
            ["route"],
            buckets=BUCKETS,
            registry=own,
        )
        self.model_info = Gauge(
            "texsketch_model_info",
            "The model being served (value is always 1).",
            ["version", "sha256"],
            registry=own,
            multiprocess_mode="max",
        )
        self.feedback_store = Gauge(
            "texsketch_feedback_store_state",
            "The feedback store's state as /health reports it: 1 for the current state, 0 for the others.",
            ["state"],
            registry=own,
            multiprocess_mode="mostrecent",
        )
        self.started = Gauge(
            "texsketch_start_time_seconds",
            "Unix time at which the server (its first process) started.",
            registry=own,
            multiprocess_mode="min",
        )
        self.started.set(time.time())
        self.batches = Counter("texsketch_inference_batches", "Calls of the model (one per micro-batch).", registry=own)
        self.images = Counter("texsketch_inference_images", "Drawings scored by the model.", registry=own)
        self._batcher: Any = None
        self._reported = (0, 0)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        self._sync_batcher()

    def serving_model(self, version: str, sha256: str) -> None:
        self.model_info.labels(version, sha256).set(1)

    def watch_batcher(self, batcher: Any) -> None:
        """Count the batcher's calls and images (it keeps plain integers; they are added up after each request)."""
        self._batcher = batcher

    def feedback_store_state(self, state: str) -> None:
        for name in FEEDBACK_STATES:
            self.feedback_store.labels(name).set(1 if name == state else 0)

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)

    def _sync_batcher(self) -> None:
        if self._batcher is None:
            return
        batches, images = self._batcher.batches, self._batcher.images
        if (batches, images) != self._reported:
            self.batches.inc(batches - self._reported[0])
            self.images.inc(images - self._reported[1])
            self._reported = (batches, images)


class MetricsMiddleware:
    """Times every HTTP request and records it under its route template."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def recording_send(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path_format", None) or getattr(route, "path", None) or UNMATCHED
            self.metrics.observe(template, scope["method"], status, time.perf_counter() - start)
