"""Benchmark the server (`make bench`, server part): render+inference per drawing, then HTTP load.

1. In-process, pinned to one core, one onnxruntime thread: for each CROHME drawing, render + one session
   call (+ ranking), and separately the whole request path without HTTP (parse, check, render, infer,
   rank, serialise). Reported as p50/p99 per drawing.
2. Over loopback HTTP against the served app (`python -m bench.noop`: the server's app plus the no-op
   route, uvloop + httptools) with the shipped model: latency p50/p99 and throughput of POST /predict at
   each concurrency, and of POST /bench/noop (the same bodies, parsed and answered with a constant) in the
   same run; real/no-op is what recognition costs on top of
   HTTP. The load generator is Debian's `wrk` (a Lua script cycles through the bodies) when installed,
   else `bench.load_client`; it shares the machine's cores with the server, as any client here would.

The last line printed is one JSON object with every number.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import orjson

from backend.settings import REPO_ROOT


@dataclass(frozen=True)
class ServerBenchConfig:
    # Real handwriting, the load the server sees; a fixed prefix so runs compare.
    crohme: Path = REPO_ROOT.parent / "shared/data/crohme2014-isolated/samples.jsonl.gz"
    # The shipped model, as `make run` serves it.
    model_dir: Path = REPO_ROOT / "models"
    # Drawings timed in process: enough for a stable p99 (20 above it).
    drawings: int = 2000
    # Distinct request bodies the load generator cycles through.
    bodies: int = 500
    concurrency: tuple[int, ...] = (1, 16, 64)
    # Seconds per (endpoint, concurrency) run; long enough for a stable p99, short enough for make bench.
    seconds: int = 10
    workers: int = 1
    batching: bool = True
    port: int = 8799


@dataclass
class HttpRun:
    endpoint: str
    concurrency: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    generator: str
    # CPU the server processes spent per request: independent of what else runs on the shared machine.
    server_cpu_us: float = float("nan")


def process_tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its children (uvicorn workers), from /proc (Linux)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


@dataclass
class Report:
    machine: dict = field(default_factory=dict)
    in_process: dict = field(default_factory=dict)
    http: list[HttpRun] = field(default_factory=list)


def load_bodies(path: Path, count: int) -> list[bytes]:
    if not path.is_file():
        raise SystemExit(f"CROHME samples not found at {path} (set --crohme)")
    bodies = []
    with gzip.open(path, "rb") as lines:
        for line in lines:
            bodies.append(orjson.dumps({"strokes": orjson.loads(line)["strokes"], "k": 5}))
            if len(bodies) == count:
                break
    return bodies


def percentiles_ms(seconds: list[float]) -> dict[str, float]:
    values = np.array(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(values, 50)), 4), "p99_ms": round(float(np.percentile(values, 99)), 4)}


def bench_in_process(config: ServerBenchConfig, bodies: list[bytes]) -> dict:
    """Per-drawing time on one core: render + inference (+ ranking), and the whole path without HTTP."""
    from backend.app import load_state
    from backend.metrics import Metrics
    from backend.predict_request import parse_predict_body
    from backend.render import counts_to_input, render_point_arrays
    from backend.settings import Settings

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    state = load_state(Settings(model_dir=config.model_dir, threads=1, batching=False), Metrics())
    recognizer = state.recognizer
    parsed = [parse_predict_body(body, state.limits) for body in bodies]
    for arrays, k in parsed[:200]:  # warm caches and onnxruntime's allocator
        recognizer.rank(recognizer.scores(counts_to_input(render_point_arrays(arrays))[None, None])[0], k)
    render_infer, render_infer_cpu, render_only, full = [], [], [], []
    for body, (arrays, k) in zip(bodies, parsed, strict=True):
        start, start_cpu = time.perf_counter(), time.thread_time()
        image = counts_to_input(render_point_arrays(arrays))[None, None]
        rendered = time.perf_counter()
        recognizer.rank(recognizer.scores(image)[0], k)
        render_infer.append(time.perf_counter() - start)
        render_infer_cpu.append(time.thread_time() - start_cpu)
        render_only.append(rendered - start)
        start = time.perf_counter()
        arrays, k = parse_predict_body(body, state.limits)
        scores = recognizer.scores(counts_to_input(render_point_arrays(arrays))[None, None])[0]
        orjson.dumps({"predictions": recognizer.rank(scores, k), "model": recognizer.model_info})
        full.append(time.perf_counter() - start)
    return {
        "drawings": len(bodies),
        "model_version": recognizer.model_info["version"],
        "render_and_infer": percentiles_ms(render_infer),
        # CPU time of this thread (onnxruntime runs on it with one thread): what the drawing costs, whatever
        # else the shared machine is doing; wall time above includes waiting for the core.
        "render_and_infer_cpu": percentiles_ms(render_infer_cpu),
        "render_only": percentiles_ms(render_only),
        "whole_request_without_http": percentiles_ms(full),
    }


def wrk_script(bodies: list[bytes], path: str) -> str:
    quoted = ",\n".join(f"[==[{body.decode()}]==]" for body in bodies)
    return f"""local bodies = {{
{quoted}
}}
local headers = {{["Content-Type"] = "application/json"}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "{path}", headers, bodies[(i % #bodies) + 1])
end
"""


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
    return float(match.group(1)) * _UNIT_MS[match.group(2)] if match else float("nan")


def run_wrk(url: str, path: str, bodies: list[bytes], concurrency: int, seconds: int) -> HttpRun:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(bodies, path))
    try:
        command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", "-s", script.name, url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return HttpRun(
        path,
        concurrency,
        float(rate.group(1)) if rate else 0.0,
        _wrk_ms(output, "50%"),
        _wrk_ms(output, "99%"),
        errors,
        "wrk",
    )


def run_python_client(host: str, port: int, path: str, bodies: list[bytes], concurrency: int, seconds: int) -> HttpRun:
    from bench.load_client import run_load

    probe = asyncio.run(run_load(host, port, path, bodies, concurrency, 200 * concurrency))
    total = max(1000, int(probe.per_second * seconds))
    result = asyncio.run(run_load(host, port, path, bodies, concurrency, total))
    errors = result.transport_errors + sum(n for status, n in result.statuses.items() if status != 200)
    return HttpRun(
        path,
        concurrency,
        round(result.per_second, 1),
        result.percentile_ms(50),
        result.percentile_ms(99),
        errors,
        "python-asyncio",
    )


def bench_http(config: ServerBenchConfig, bodies: list[bytes]) -> list[HttpRun]:
    host, port = "127.0.0.1", config.port
    command = [
        sys.executable,
        "-m",
        "bench.noop",
        "--host",
        host,
        "--port",
        str(port),
        "--model-dir",
        str(config.model_dir),
    ]
    command += ["--workers", str(config.workers), "--batching" if config.batching else "--no-batching"]
    environment = {**os.environ, "TEXSKETCH_LOG_LEVEL": "warning"}
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=environment)
    runs = []
    try:
        _wait_for(f"http://{host}:{port}/health", server)
        use_wrk = shutil.which("wrk") is not None
        for concurrency in config.concurrency:
            for path in ("/bench/noop", "/predict"):
                if use_wrk:
                    run_wrk(f"http://{host}:{port}", path, bodies, concurrency, 2)  # warm-up
                cpu_before = process_tree_cpu_s(server.pid)
                if use_wrk:
                    run = run_wrk(f"http://{host}:{port}", path, bodies, concurrency, config.seconds)
                else:
                    run = run_python_client(host, port, path, bodies, concurrency, config.seconds)
                served = run.requests_per_s * config.seconds
                if served:
                    run.server_cpu_us = round((process_tree_cpu_s(server.pid) - cpu_before) / served * 1e6, 1)
                print(
                    f"  {path:12s} c={concurrency:<3d} {run.requests_per_s:8.0f} req/s  p50 {run.p50_ms:7.2f} ms  "
                    f"p99 {run.p99_ms:7.2f} ms  errors {run.errors}  server CPU {run.server_cpu_us:6.0f} us/request  "
                    f"({run.generator})",
                    flush=True,
                )
                runs.append(run)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return runs


def _wait_for(url: str, server: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up within 60 s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = ServerBenchConfig()
    parser.add_argument("--crohme", type=Path, default=defaults.crohme)
    parser.add_argument("--model-dir", type=Path, default=defaults.model_dir)
    parser.add_argument("--seconds", type=int, default=defaults.seconds)
    parser.add_argument("--workers", type=int, default=defaults.workers)
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(defaults.concurrency))
    parser.add_argument("--batching", action=argparse.BooleanOptionalAction, default=defaults.batching)
    parser.add_argument("--skip-http", action="store_true", help="only the in-process part")
    arguments = parser.parse_args(argv)
    config = ServerBenchConfig(
        crohme=arguments.crohme,
        model_dir=arguments.model_dir,
        seconds=arguments.seconds,
        workers=arguments.workers,
        concurrency=tuple(arguments.concurrency),
        batching=arguments.batching,
    )
    bodies = load_bodies(config.crohme, max(config.drawings, config.bodies))
    report = Report(machine={"cpus": os.cpu_count(), "load_average_before": os.getloadavg()})
    if not arguments.skip_http:
        print(f"HTTP POST over loopback ({config.workers} worker(s), batching {config.batching}):", flush=True)
        report.http = bench_http(config, bodies[: config.bodies])
        by_key = {(run.endpoint, run.concurrency): run for run in report.http}
        for concurrency in config.concurrency:
            real, noop = by_key[("/predict", concurrency)], by_key[("/bench/noop", concurrency)]
            ratio = real.requests_per_s / noop.requests_per_s if noop.requests_per_s else float("nan")
            print(f"  c={concurrency:<3d} real/no-op throughput {ratio:.2f}")
    # In-process last: pinning this process to one core must not constrain the server it starts.
    report.in_process = bench_in_process(config, bodies[: config.drawings])
    timing = report.in_process
    print(
        f"in process, one core, {timing['drawings']} CROHME drawings: render+infer "
        f"p50 {timing['render_and_infer']['p50_ms']:.3f} ms p99 {timing['render_and_infer']['p99_ms']:.3f} ms "
        f"(CPU time p50 {timing['render_and_infer_cpu']['p50_ms']:.3f} ms); "
        f"render alone p50 {timing['render_only']['p50_ms']:.3f} ms; whole request without HTTP "
        f"p50 {timing['whole_request_without_http']['p50_ms']:.3f} ms"
    )
    report.machine["load_average_after"] = os.getloadavg()
    print(json.dumps({**asdict(report), "config": {k: str(v) for k, v in asdict(config).items()}}))


if __name__ == "__main__":
    main()
