"""A throwaway PostgreSQL server for tests: its own cluster in a temporary folder, reachable by Unix socket.

Generic on purpose, so every test that needs a real database can use it:

    server = PostgresServer()
    server.start()
    ... psycopg.connect(server.dsn) ...
    server.stop()

It uses Debian's server binaries (`/usr/lib/postgresql/<version>/bin`, installed by `make system-deps`).
PostgreSQL refuses to run as root, so as root the cluster belongs to, and runs as, an unprivileged user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The unprivileged account used when the tests run as root; every Debian system has it.
UNPRIVILEGED_USER = "nobody"
SUPERUSER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bin_dir() -> Path:
    """The newest Debian PostgreSQL bin folder, or $POSTGRES_BIN."""
    configured = os.environ.get("POSTGRES_BIN")
    if configured:
        return Path(configured)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise PostgresUnavailable("PostgreSQL server binaries not found: run `make system-deps`")
    return Path(candidates[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """One cluster: `start()` makes and starts it, `dsn` connects as superuser, `stop()` removes it all."""

    def __init__(self, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir or find_bin_dir()
        self.port = free_port()
        self.folder: Path | None = None

    @property
    def dsn(self) -> str:
        if self.folder is None:
            raise RuntimeError("the server is not started")
        return f"host={self.folder} port={self.port} user={SUPERUSER} dbname=postgres"

    def start(self) -> None:
        # A short path: a Unix socket path must stay under about 100 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="pg", dir="/tmp"))
        if os.geteuid() == 0:
            account = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--no-sync", "-E", "UTF8")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses='' -c fsync=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin_dir / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", UNPRIVILEGED_USER, "--", *command]
        result = subprocess.run(command, cwd=self.folder, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.folder / "log" if self.folder else None
            tail = log.read_text()[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{tail}")


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A started server for the duration of a `with` block (wrap it in a pytest fixture of any scope)."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
