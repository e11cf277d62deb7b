"""A database that stops answering without going away, during a burst of feedback: every request still gets an
answer within 5 s (503 with Retry-After while the database is stalled), /predict is untouched, and writes
resume by themselves when the database answers again. Nothing answered 201 is lost.

Three real stalls: the PostgreSQL processes paused with SIGSTOP (sockets open, nothing answers), the network
to PostgreSQL frozen (a TCP proxy that stops forwarding) and cut (the proxy stops), and a SQLite file locked
by another writer. Each lasts longer than the bound, so a server that waits for the database fails the test.
The measured bounds are printed (`pytest -s`) and reported in backend/README.md, "Reliability".
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.backend.feedback.support import (
    RestartablePostgres,
    StallingProxy,
    ThreadedServer,
    create_database,
    drop_database,
    feedback_body,
)
from tests.backend.feedback.test_faults import stored_keys
from tests.backend.model_fixtures import write_model_dir

PLUS = [[[0, 5], [10, 5]], [[5, 0], [5, 10]]]
# What the issue asks for: a stalled database costs a feedback request at most this long.
ANSWER_BOUND_S = 5.0
# Longer than the bound: a server waiting for the database would answer late (or not at all).
STALL_S = 8.0
HEALTHY_BEFORE_S = 1.5
RESUME_WITHIN_S = 10.0
CONCURRENCY = 8


@dataclass
class Answer:
    key: str
    started: float
    seconds: float
    status: int
    retry_after: str | None
    stored_id: int | None


@dataclass
class StallRun:
    feedback: list[Answer] = field(default_factory=list)
    predict_seconds: list[float] = field(default_factory=list)
    predict_statuses: list[int] = field(default_factory=list)
    stalled_at: float = 0.0
    resumed_at: float = 0.0

    def report(self, name: str) -> str:
        during = [a for a in self.feedback if self.stalled_at <= a.started < self.resumed_at]
        refused = [a for a in during if a.status == 503]
        after = [a for a in self.feedback if a.started >= self.resumed_at and a.status in (200, 201)]
        first_write = min(a.started + a.seconds for a in after) - self.resumed_at if after else float("nan")
        return (
            f"{name}: {len(self.feedback)} feedback posts, slowest answer {max(a.seconds for a in self.feedback):.2f} s"
            f" (during the stall {max((a.seconds for a in during), default=0):.2f} s, {len(refused)} x 503), "
            f"/predict slowest {max(self.predict_seconds):.3f} s, first write {first_write:.2f} s after the stall"
        )


def run_burst_through_stall(port: int, stall: Callable[[], None], unstall: Callable[[], None]) -> StallRun:
    """Feedback posts at CONCURRENCY from before the stall until writes succeed again; /predict probes alongside."""
    run = StallRun()
    keys = (f"stall-{n}" for n in itertools.count())
    done = asyncio.Event()

    async def poster(client: httpx.AsyncClient) -> None:
        while not done.is_set():
            key = next(keys)
            started = time.monotonic()
            response = await client.post(
                "/feedback", json=feedback_body(int(key.split("-")[1])), headers={"Idempotency-Key": key}
            )
            stored_id = response.json()["id"] if response.status_code in (200, 201) else None
            run.feedback.append(
                Answer(
                    key,
                    started,
                    time.monotonic() - started,
                    response.status_code,
                    response.headers.get("retry-after"),
                    stored_id,
                )
            )
            if response.status_code == 503:
                await asyncio.sleep(0.05)  # a client honouring Retry-After would wait longer; keep the pressure

    async def prober(client: httpx.AsyncClient) -> None:
        while not done.is_set():
            started = time.monotonic()
            response = await client.post("/predict", json={"strokes": PLUS})
            run.predict_seconds.append(time.monotonic() - started)
            run.predict_statuses.append(response.status_code)
            await asyncio.sleep(0.2)

    async def conductor() -> None:
        await asyncio.sleep(HEALTHY_BEFORE_S)
        run.stalled_at = time.monotonic()
        await asyncio.to_thread(stall)
        await asyncio.sleep(STALL_S)
        await asyncio.to_thread(unstall)
        run.resumed_at = time.monotonic()
        deadline = run.resumed_at + RESUME_WITHIN_S
        while time.monotonic() < deadline:
            if any(a.started >= run.resumed_at and a.status in (200, 201) for a in run.feedback):
                await asyncio.sleep(0.5)  # a few more writes after the first
                break
            await asyncio.sleep(0.05)
        done.set()

    async def main() -> None:
        # The client's own timeout is far above the bound: the server, not the client, must end each wait.
        timeout = httpx.Timeout(60.0)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=timeout) as client:
            await asyncio.gather(conductor(), prober(client), *(poster(client) for _ in range(CONCURRENCY)))

    asyncio.run(main())
    return run


def check_stall_run(run: StallRun, database_url: str, name: str) -> None:
    print(run.report(name))
    statuses = {a.status for a in run.feedback}
    assert statuses <= {200, 201, 503}, statuses
    slowest = max(run.feedback, key=lambda a: a.seconds)
    assert slowest.seconds <= ANSWER_BOUND_S, f"a feedback request took {slowest.seconds:.2f} s: {slowest}"
    refused = [a for a in run.feedback if a.status == 503]
    assert refused, "the stall was never noticed"
    assert all(a.retry_after == "1" for a in refused)
    assert any(a.started < run.stalled_at and a.status == 201 for a in run.feedback), "no write before the stall"
    assert any(a.started >= run.resumed_at and a.status in (200, 201) for a in run.feedback), "writes did not resume"
    assert set(run.predict_statuses) == {200}
    # Far below the stall: on a shared 2-core machine /predict alone can take a second, never the stall's 8 s.
    assert max(run.predict_seconds) < 3.0, "/predict waited on the stalled database"
    acknowledged = {a.key: a.stored_id for a in run.feedback if a.status in (200, 201)}
    stored = stored_keys(database_url)
    assert {key: stored.get(key) for key in acknowledged} == acknowledged, "an acknowledged sample is missing"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model_dir(tmp_path_factory.mktemp("feedback-stalls") / "models")


@pytest.fixture
def paused_safely(postgres: RestartablePostgres) -> Iterator[RestartablePostgres]:
    """The shared cluster, guaranteed running again after the test whatever happens."""
    try:
        yield postgres
    finally:
        postgres.unpause()


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_paused_mid_burst_answers_503_within_bound_and_recovers(
    model_dir: Path, paused_safely: RestartablePostgres, postgres_url: str
) -> None:
    with ThreadedServer(model_dir, postgres_url) as server:
        run = run_burst_through_stall(server.port, paused_safely.pause, paused_safely.unpause)
    check_stall_run(run, postgres_url, "PostgreSQL paused (SIGSTOP)")


@pytest.fixture
def proxied_database(postgres: RestartablePostgres) -> Iterator[tuple[StallingProxy, str, str]]:
    """A new database reached over TCP through a proxy: (proxy, URL through it, direct URL)."""
    name = "feedback_proxied"
    create_database(postgres, name)
    proxy = StallingProxy(postgres.unix_socket)
    proxy.start()
    try:
        yield proxy, proxy.url(name), postgres.url(name)
    finally:
        proxy.thaw()
        proxy.stop()
        drop_database(postgres, name)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("fault", ["frozen", "cut"])
def test_postgres_network_stalled_mid_burst_answers_503_within_bound_and_recovers(
    model_dir: Path, proxied_database: tuple[StallingProxy, str, str], fault: str
) -> None:
    proxy, url, direct_url = proxied_database
    stall, unstall = (proxy.freeze, proxy.thaw) if fault == "frozen" else (proxy.stop, proxy.start)
    with ThreadedServer(model_dir, url) as server:
        run = run_burst_through_stall(server.port, stall, unstall)
    check_stall_run(run, direct_url, f"PostgreSQL network {fault}")


@pytest.mark.slow
def test_sqlite_locked_by_another_writer_answers_503_within_bound_and_recovers(model_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    url = f"sqlite:///{path}"
    release = threading.Event()
    locked = threading.Event()

    def hold_write_lock() -> None:
        # Another process's long write transaction, as a backup tool or a stuck script would hold it.
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        release.wait(60)
        connection.execute("ROLLBACK")
        connection.close()

    holder = threading.Thread(target=hold_write_lock, daemon=True)

    def stall() -> None:
        holder.start()
        locked.wait(10)

    with ThreadedServer(model_dir, url) as server:
        try:
            run = run_burst_through_stall(server.port, stall, release.set)
        finally:
            release.set()
    check_stall_run(run, url, "SQLite locked")
