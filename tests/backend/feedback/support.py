"""Helpers shared by the feedback tests: sample bodies, a restartable PostgreSQL, a served app."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from tests.postgres_server import SUPERUSER, PostgresServer

REPO_ROOT = Path(__file__).resolve().parents[3]

# Catalogue ids as the real catalogue spells them (see tests/backend/model_fixtures.py).
ALPHA = "latex2e-OT1-_alpha"
ARROW = "latex2e-OT1-_rightarrow"
REALS = "amssymb-OT1-_mathbb{R}"
SUM = "latex2e-OT1-_sum"
KNOWN_IDS = frozenset({ALPHA, ARROW, REALS, SUM, "latex2e-OT1-_to", "latex2e-OT1-_leq"})


def feedback_body(number: int = 0, chosen_id: Any = ALPHA, **changes: Any) -> dict[str, Any]:
    """A valid POST /feedback body; `number` varies the drawing so bodies differ."""
    body: dict[str, Any] = {
        "strokes": [[[0, 0, 0], [10 + number, 12.5, 16], [20, 3, 33]], [[5, 5], [6, 7.25]]],
        "chosen_id": chosen_id,
        "shown": [ARROW, ALPHA, SUM],
        "model_version": "fixture-1",
        "client": "test/1.0",
    }
    body.update(changes)
    return body


def encode(body: Any) -> bytes:
    return orjson.dumps(body)


def _signal_if_alive(pid: int, signal_number: int) -> None:
    """Signal a server process that may have exited since it was listed (a backend whose client went away,
    reaped by the running postmaster between the /proc scan and the kill): a process that is gone needs no
    signal. Seen under load in CI as ProcessLookupError in unpause()."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal_number)


class RestartablePostgres(PostgresServer):
    """The shared test cluster, plus halting and resuming it in place (the "database down" fault)."""

    def url(self, database: str) -> str:
        """SQLAlchemy URL over the cluster's Unix socket."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.folder}&port={self.port}"

    def halt(self) -> None:
        """Stop the server, keeping its data: clients now get "connection refused"."""
        self._run("pg_ctl", "-D", str(self._data), "-m", "fast", "-w", "stop")

    def crash(self) -> None:
        """Stop it at once, as a crash would: no checkpoint, recovery from the WAL at the next start.

        SIGQUIT to the postmaster is what `pg_ctl stop -m immediate` sends, without starting pg_ctl first
        (which takes long enough on a busy machine for a whole burst to finish before it lands).
        """
        pid = int((self._data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 30
        while (self._data / "postmaster.pid").exists():
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not stop within 30 s of SIGQUIT")
            time.sleep(0.02)

    def pause(self) -> None:
        """SIGSTOP the postmaster and every backend: connections stay open, nothing answers (a frozen host)."""
        postmaster, *children = self._process_ids()
        os.kill(postmaster, signal.SIGSTOP)  # first, so it forks no backend we would miss
        for pid in [*children, *self._process_ids()[1:]]:
            _signal_if_alive(pid, signal.SIGSTOP)

    def unpause(self) -> None:
        for pid in self._process_ids():
            _signal_if_alive(pid, signal.SIGCONT)

    def _process_ids(self) -> list[int]:
        postmaster = int((self._data / "postmaster.pid").read_text().split()[0])
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if parent == postmaster:
                    children.append(int(entry.name))
        return [postmaster, *children]

    @property
    def unix_socket(self) -> Path:
        assert self.folder is not None, "the server is not started"
        return self.folder / f".s.PGSQL.{self.port}"

    def resume(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses='' -c fsync=off"
        self._run("pg_ctl", "-D", str(self._data), "-o", options, "-l", str(self._log), "-w", "start")

    @property
    def _data(self) -> Path:
        assert self.folder is not None, "the server is not started"
        return self.folder / "data"

    @property
    def _log(self) -> Path:
        assert self.folder is not None, "the server is not started"
        return self.folder / "log"


def create_database(server: PostgresServer, name: str) -> None:
    import psycopg

    with psycopg.connect(server.dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(server: PostgresServer, name: str) -> None:
    import psycopg

    with psycopg.connect(server.dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServedApp:
    """`python -m backend` in a subprocess on a free loopback port, killable like a crash would."""

    def __init__(self, model_dir: Path, database_url: str, log_path: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "TEXSKETCH_DATABASE_URL": database_url,
            "TEXSKETCH_MODEL_DIR": str(model_dir),
            "TEXSKETCH_LOG_LEVEL": "warning",
        }
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend", "--port", str(self.port)],
            cwd=REPO_ROOT,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.log_path = log_path

    def wait_until_up(self, timeout_s: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not come up in {timeout_s} s:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing; what was committed must be all there is."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


class IncompleteAnswer(ConnectionError):
    """The connection ended before a whole HTTP response arrived (the server died mid-request)."""


async def post_raw(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """One HTTP/1.1 POST on its own connection, as plain bytes: (status, body).

    The load tests open 1,000 connections at once; httpx's pool spends seconds of CPU per thousand there
    (quadratic bookkeeping), which would measure the client, not the server.
    """
    import asyncio

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        head += "Content-Type: application/json\r\n" + f"Content-Length: {len(body)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        answer = await reader.read()
    finally:
        writer.close()
    header, separator, content = answer.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    if not separator or not lines[0].startswith("HTTP/1.1 "):
        raise IncompleteAnswer(f"no complete response: {answer[:80]!r}")
    length = next((int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), None)
    if length is not None and len(content) != length:
        raise IncompleteAnswer(f"response body cut at {len(content)} of {length} bytes")
    return int(lines[0].split(" ", 2)[1]), content


class ThreadedServer:
    """The real app under uvicorn in a thread of the test process: real HTTP and sockets, no start-up of
    a new interpreter (seconds on a busy machine). Faults that need a process to die use `ServedApp`."""

    def __init__(self, model_dir: Path, database_url: str) -> None:
        import threading

        import uvicorn

        from backend.app import create_app
        from backend.settings import Settings

        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        settings = Settings(model_dir=model_dir, database_url=database_url, port=self.port)
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning", loop="asyncio", backlog=2048
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="feedback-test-server", daemon=True)

    def __enter__(self) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the threaded test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)


class StallingProxy:
    """A TCP proxy in front of the test cluster's Unix socket, to play the network between server and database.

    `freeze()` keeps every connection open but forwards nothing (a partition, or a middlebox that stalled:
    the kernel still accepts bytes, nothing answers); `thaw()` heals it. `stop()` closes everything and
    refuses new connections (the proxy process died); `start()` listens again on the same port.
    """

    def __init__(self, unix_socket: Path) -> None:
        import threading

        self.unix_socket = unix_socket
        self.port = free_port()
        self._flowing = threading.Event()
        self._flowing.set()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()

    def url(self, database: str) -> str:
        from tests.postgres_server import SUPERUSER

        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        import threading

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def stop(self) -> None:
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            for connection in self._sockets:
                with _suppress_os_error():
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        import threading

        while True:
            self._flowing.wait()  # frozen: new connections wait in the backlog, unanswered
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.socket(socket.AF_UNIX)
            try:
                upstream.connect(str(self.unix_socket))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                target.sendall(data)
            target.shutdown(socket.SHUT_WR)
        except OSError:
            with _suppress_os_error():
                target.shutdown(socket.SHUT_RDWR)


def _suppress_os_error() -> Any:
    import contextlib

    return contextlib.suppress(OSError)
