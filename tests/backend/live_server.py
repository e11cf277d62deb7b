"""Start the real server (`python -m backend`) in a subprocess on a free loopback port, for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_MODEL_DIR = REPO_ROOT / "models"
NO_SHIPPED_MODEL = "models/model.onnx and models/symbols.json are not there yet (training and catalogue produce them)"


def shipped_model_present() -> bool:
    return all((SHIPPED_MODEL_DIR / name).is_file() for name in ("model.onnx", "model.json", "symbols.json"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen

    def rss_bytes(self) -> int:
        """Resident memory of the server process, from /proc (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS line")


def server_command(model_dir: Path, port: int, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "backend", "--port", str(port), "--model-dir", str(model_dir), *arguments]


@contextmanager
def live_server(model_dir: Path, *arguments: str, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    port = free_port()
    process = subprocess.Popen(
        server_command(model_dir, port, *arguments),
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{process.stdout.read()}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /health within 60 s")
            time.sleep(0.1)
        yield LiveServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
