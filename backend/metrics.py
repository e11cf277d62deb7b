"""Request metrics in Prometheus' text format, kept small: counters and one latency histogram per route.

Routes are labelled by their template (`/symbols/{id:path}`), never by the raw path, so a scan of random
URLs cannot grow the label set; unmatched paths share one label. Each worker process counts its own
requests (Prometheus sums over instances).
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

# Seconds; from a fast prediction (about 1 ms) to a client far over any budget.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
UNMATCHED = "unmatched"


class Metrics:
    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency_buckets: dict[str, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.latency_count: dict[str, int] = defaultdict(int)
        self.started = time.time()

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests[(route, method, status)] += 1
        buckets = self.latency_buckets[route]
        for index, bound in enumerate(BUCKETS):
            if seconds <= bound:
                buckets[index] += 1
                break
        self.latency_sum[route] += seconds
        self.latency_count[route] += 1

    def render(self, model_version: str, model_sha256: str, extra: dict[str, float]) -> str:
        lines = [
            "# HELP texsketch_requests_total HTTP requests by route template, method and status.",
            "# TYPE texsketch_requests_total counter",
        ]
        for (route, method, status), count in sorted(self.requests.items()):
            lines.append(f'texsketch_requests_total{{route="{route}",method="{method}",status="{status}"}} {count}')
        lines += [
            "# HELP texsketch_request_seconds Time from request start to the end of the response body.",
            "# TYPE texsketch_request_seconds histogram",
        ]
        for route in sorted(self.latency_count):
            cumulative = 0
            for bound, count in zip(BUCKETS, self.latency_buckets[route], strict=True):
                cumulative += count
                lines.append(f'texsketch_request_seconds_bucket{{route="{route}",le="{bound}"}} {cumulative}')
            total = self.latency_count[route]
            lines.append(f'texsketch_request_seconds_bucket{{route="{route}",le="+Inf"}} {total}')
            lines.append(f'texsketch_request_seconds_sum{{route="{route}"}} {self.latency_sum[route]:.6f}')
            lines.append(f'texsketch_request_seconds_count{{route="{route}"}} {total}')
        lines += [
            "# HELP texsketch_model_info The model being served (value is always 1).",
            "# TYPE texsketch_model_info gauge",
            f'texsketch_model_info{{version="{_escape(model_version)}",sha256="{model_sha256}"}} 1',
            "# HELP texsketch_uptime_seconds Seconds since this process started serving.",
            "# TYPE texsketch_uptime_seconds gauge",
            f"texsketch_uptime_seconds {time.time() - self.started:.3f}",
        ]
        for name, value in extra.items():
            lines += [f"# TYPE {name} counter", f"{name} {value}"]
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


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
