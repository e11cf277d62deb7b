"""Which database holds the feedback, and an engine for it set up for durable, recoverable writes.

One URL chooses it: `postgresql://user:pass@host/db` (PostgreSQL through psycopg 3) or `sqlite:///path`
(an embedded SQLite file; a relative path is relative to the working directory, which is the repository
root under `make run`). The server reads the URL from `TEXSKETCH_DATABASE_URL` or, as container
platforms set it, `DATABASE_URL`; unset, feedback goes to `DEFAULT_DATABASE_URL`.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

# Beside the repository's other git-ignored local state; `make run` starts in the repository root.
DEFAULT_DATABASE_URL = "sqlite:///data/feedback.sqlite3"
# Checked in this order: the project's own name wins over the platform-wide one.
DATABASE_URL_ENV = ("TEXSKETCH_DATABASE_URL", "DATABASE_URL")
# A database URL setting of one of these turns feedback collection off (POST /feedback answers 503).
DISABLED = ("off", "none", "")


class DatabaseUrlError(ValueError):
    """A database URL this project cannot use, with the reason."""


@dataclass(frozen=True)
class EngineConfig:
    """How the feedback store talks to its database. Every wait has a bound (backend/README.md, Reliability)."""

    url: str
    # An unreachable database must turn into a 503 within seconds, not hold a server thread for minutes
    # (libpq's minimum is 2 s).
    connect_timeout_s: int = 2
    # Server side: any one statement (an insert waiting on a lock, a slow disk) is cancelled after this.
    statement_timeout_s: float = 2.0
    # Server side: a transaction whose client vanished mid-way releases its locks after this.
    idle_in_transaction_timeout_s: float = 10.0
    # TCP: data unacknowledged for this long (a network partition) breaks the connection.
    tcp_user_timeout_s: float = 3.0
    # TCP keepalive: an idle pooled connection to a vanished host is noticed after idle + interval * count.
    keepalive_idle_s: int = 5
    keepalive_interval_s: int = 1
    keepalive_count: int = 3
    # Connections kept open per process; feedback is rare next to /predict, a few suffice.
    pool_size: int = 4
    # Extra connections for bursts, closed again when returned.
    max_overflow: int = 4
    # SQLite allows one writer at a time: others wait this long for the lock before giving up with a 503.
    sqlite_busy_timeout_s: float = 3.0

    @property
    def max_connections(self) -> int:
        return self.pool_size + self.max_overflow

    def postgres_connect_args(self) -> dict[str, Any]:
        """libpq parameters: client-side timeouts and keepalive, server-side timeouts via `options`."""
        server_settings = {
            "statement_timeout": int(self.statement_timeout_s * 1000),
            "lock_timeout": int(self.statement_timeout_s * 1000),
            "idle_in_transaction_session_timeout": int(self.idle_in_transaction_timeout_s * 1000),
        }
        return {
            "connect_timeout": self.connect_timeout_s,
            "application_name": "texsketch-feedback",
            "options": " ".join(f"-c {name}={value}" for name, value in server_settings.items()),
            # Ignored by libpq on Unix sockets, where a dead peer closes the socket anyway.
            "keepalives": 1,
            "keepalives_idle": self.keepalive_idle_s,
            "keepalives_interval": self.keepalive_interval_s,
            "keepalives_count": self.keepalive_count,
            "tcp_user_timeout": int(self.tcp_user_timeout_s * 1000),
        }


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The configured database URL: `TEXSKETCH_DATABASE_URL`, else `DATABASE_URL`, else the default."""
    variables = os.environ if environ is None else environ
    for name in DATABASE_URL_ENV:
        value = variables.get(name, "").strip()
        if value:
            return value
    return DEFAULT_DATABASE_URL


def feedback_disabled(url: str) -> bool:
    return url.strip().lower() in DISABLED


def check_database_setting(url: str) -> str:
    """The setting as given if usable ("off" or a supported URL), else `DatabaseUrlError` saying why."""
    if feedback_disabled(url):
        return "off"
    parse_database_url(url)
    return url


def parse_database_url(url: str) -> URL:
    """A SQLAlchemy URL with the driver this project ships (psycopg 3, sqlite3), or `DatabaseUrlError`."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            f"cannot parse database URL {redact(url)!r}: expected postgresql://user:password@host:port/name "
            "or sqlite:///path/to/file.sqlite3"
        ) from None
    backend, _, _driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        # Plain postgresql:// means psycopg2 to SQLAlchemy; the project installs psycopg 3 instead.
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseUrlError(
                "an in-memory SQLite database would lose every sample at exit and differ per connection; "
                "give a file: sqlite:///path/to/feedback.sqlite3"
            )
        return parsed.set(drivername="sqlite+pysqlite")
    raise DatabaseUrlError(
        f"unsupported database {parsed.drivername!r} in {redact(url)!r}: use postgresql://... or sqlite:///path"
    )


def redact(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable URL>"


def create_feedback_engine(config: EngineConfig) -> Engine:
    """An engine that reconnects by itself after the database comes back (pre-ping on checkout)."""
    from sqlalchemy import create_engine

    url = parse_database_url(config.url)
    common: dict[str, Any] = {
        # Not SQLAlchemy's pre-ping: it runs before any checkout listener, so a ping to a frozen database
        # could not be cut by feedback.deadline. `_ping_on_checkout` does the same, as a listener.
        "pool_pre_ping": False,
        "pool_size": config.pool_size,
        "max_overflow": config.max_overflow,
        # Callers bound their concurrency to the pool size, so a wait here means something is stuck.
        "pool_timeout": 2,
    }
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, config, common)
    else:
        engine = create_engine(url, connect_args=config.postgres_connect_args(), **common)
    _ping_on_checkout(engine)
    return engine


def _ping_on_checkout(engine: Engine) -> None:
    """A connection broken while the database was down is noticed and replaced at checkout, not used."""
    from sqlalchemy import event
    from sqlalchemy.exc import DisconnectionError

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out (or opens) another, up to three times.
            raise DisconnectionError(f"stale connection: {error}") from error


def _switch_to_wal(cursor: Any, timeout_s: float) -> None:
    """`PRAGMA journal_mode=WAL`, waiting up to `timeout_s` for other connections. The switch needs the database
    to itself, and SQLite answers "database is locked" at once when another connection holds a lock, without
    its busy handler: several workers opening a new database together then failed (seen in CI). So the busy
    timeout is applied here by hand, polling every 10 ms."""
    import sqlite3

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _sqlite_engine(url: URL, config: EngineConfig, common: dict[str, Any]) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(
        url,
        connect_args={"timeout": config.sqlite_busy_timeout_s, "check_same_thread": False},
        **common,
    )

    @event.listens_for(engine, "do_connect")
    def _make_folder(*_args: Any) -> None:
        # At the first connection, not before: a server that never stores feedback leaves no trace on disk.
        # On failure, connecting fails with SQLite's own message, which the store reports as unavailable.
        with contextlib.suppress(OSError):
            Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (the sqlite3 module would otherwise skip BEGIN before DDL,
        # leaving migrations half-applied on a crash); BEGIN is emitted in `_begin` below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers (stats, export) never block the writer. synchronous=FULL: the WAL is fsynced at every
        # commit, so a sample answered with 201 survives a crash of the process and of the machine
        # (NORMAL would survive only the process).
        _switch_to_wal(cursor, config.sqlite_busy_timeout_s)
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a transaction that reads, then writes (migrations) can
        # then never fail halfway on a lock upgrade; plain inserts wait their turn via the busy timeout.
        mode = "IMMEDIATE" if connection.get_execution_options().get("sqlite_immediate") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
