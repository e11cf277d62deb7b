"""Faults and load against the real server (`python -m backend` in a subprocess, or the app in-process):
the database going away and coming back, 1,000 concurrent posts, a crash in the middle of a burst.

The server runs on a small but real model folder (tests/backend/model_fixtures.py), so these tests do not
wait for the shipped model; what they exercise is the feedback path of the real app.
"""

from __future__ import annotations

import asyncio
import resource
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from backend.app import create_app
from backend.feedback.database import EngineConfig
from backend.feedback.store import FeedbackStore, StoreConfig
from backend.settings import Settings
from tests.backend.feedback.support import (
    RestartablePostgres,
    ServedApp,
    ThreadedServer,
    encode,
    feedback_body,
    post_raw,
)
from tests.backend.model_fixtures import write_model_dir

PLUS = [[[0, 5], [10, 5]], [[5, 0], [5, 10]]]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model_dir(tmp_path_factory.mktemp("feedback-faults") / "models")


@pytest.fixture
def served(model_dir: Path, database_url: str) -> Iterator[ThreadedServer]:
    with ThreadedServer(model_dir, database_url) as server:
        yield server


def stored_keys(database_url: str) -> dict[str, int]:
    """idempotency_key -> id, read straight from the database (not through the server)."""
    store = FeedbackStore(StoreConfig(engine=EngineConfig(url=database_url)))
    try:
        store.migrate()
        with store.engine.connect() as connection:
            rows = connection.execute(text("SELECT idempotency_key, id FROM feedback_samples")).all()
    finally:
        store.close()
    keys = [row[0] for row in rows]
    assert len(keys) == len(set(keys)), "a key is stored twice"
    return dict(rows)  # type: ignore[arg-type]


Outcome = tuple[int, dict[str, Any]] | OSError


async def post_all(
    port: int,
    requests: list[tuple[str, dict[str, Any]]],
    concurrency: int,
    on_answer: Callable[[str, tuple[int, dict[str, Any]]], None] | None = None,
) -> list[Outcome]:
    """POST every (key, body), `concurrency` connections at once; per request (status, JSON) or the error."""
    gate = asyncio.Semaphore(concurrency)

    async def post(key: str, body: dict[str, Any]) -> Outcome:
        async with gate:
            try:
                status, content = await post_raw(port, "/feedback", encode(body), {"Idempotency-Key": key})
            except OSError as error:  # refused, reset, or cut off mid-answer (IncompleteAnswer)
                return error
        answer = (status, orjson.loads(content))
        if on_answer is not None:
            on_answer(key, answer)
        return answer

    return await asyncio.gather(*(post(key, body) for key, body in requests))


@pytest.mark.postgres
def test_feedback_while_postgres_is_down_answers_503_and_predict_keeps_working(
    model_dir: Path, postgres: RestartablePostgres, postgres_url: str
) -> None:
    with TestClient(create_app(Settings(model_dir=model_dir, database_url=postgres_url))) as client:
        assert client.post("/feedback", json=feedback_body(1)).status_code == 201
        postgres.halt()
        try:
            down = client.post("/feedback", json=feedback_body(2))
            assert down.status_code == 503, down.text
            assert "feedback database is unavailable" in down.json()["detail"][0]["msg"]
            assert down.headers["retry-after"] == "1"
            assert client.get("/feedback/stats").status_code == 503
            assert client.post("/predict", json={"strokes": PLUS}).status_code == 200
            assert client.get("/health").status_code == 200
        finally:
            postgres.resume()
        assert post_until_stored(client, feedback_body(3)) < 5.0
        assert client.get("/feedback/stats").json()["total"] == 2


def test_feedback_while_the_sqlite_folder_is_unreachable_answers_503_then_recovers(
    model_dir: Path, tmp_path: Path
) -> None:
    # A file where the database's folder should be: as for an unmounted volume, the database cannot be opened.
    folder = tmp_path / "volume"
    folder.write_text("not mounted")
    url = f"sqlite:///{folder / 'feedback.sqlite3'}"
    with TestClient(create_app(Settings(model_dir=model_dir, database_url=url))) as client:
        down = client.post("/feedback", json=feedback_body(1))
        assert down.status_code == 503, down.text
        assert "feedback database is unavailable" in down.json()["detail"][0]["msg"]
        assert client.post("/predict", json={"strokes": PLUS}).status_code == 200
        folder.unlink()  # the volume is back
        assert post_until_stored(client, feedback_body(2)) < 5.0
        assert client.get("/feedback/stats").json()["total"] == 1


def post_until_stored(client: TestClient, body: dict[str, Any]) -> float:
    """Seconds until a POST (retried with one key while it answers 503) is stored."""
    start = time.monotonic()
    key = str(uuid.uuid4())
    while True:
        answer = client.post("/feedback", json=body, headers={"Idempotency-Key": key})
        if answer.status_code != 503:
            assert answer.status_code == 201, answer.text
            return time.monotonic() - start
        assert time.monotonic() - start < 10, "writes did not recover within 10 s of the database coming back"
        time.sleep(0.2)


@pytest.fixture
def open_files_for_1100_connections() -> None:
    """Client and server share this process: 1,100 connections need about 2,300 descriptors, more than the
    common soft limit of 1,024; raise it towards the hard limit (the limit is restored by no one: harmless)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.fail(f"1,000 concurrent connections need {wanted} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@pytest.mark.usefixtures("open_files_for_1100_connections")
def test_1000_concurrent_posts_store_exactly_1000_rows(served: ThreadedServer, database_url: str) -> None:
    requests = [(f"burst-{n}", feedback_body(n)) for n in range(1000)]
    # 100 of them sent twice at the same moment, as a client retrying after a timeout would.
    requests += requests[:100]
    answers = asyncio.run(post_all(served.port, requests, concurrency=len(requests)))
    statuses = Counter(a[0] if isinstance(a, tuple) else repr(a) for a in answers)
    assert statuses == {201: 1000, 200: 100}
    ids_by_key: dict[str, int] = {}
    for (key, _body), answer in zip(requests, answers, strict=True):
        assert isinstance(answer, tuple)
        assert ids_by_key.setdefault(key, answer[1]["id"]) == answer[1]["id"]
    assert stored_keys(database_url) == ids_by_key
    assert len(set(ids_by_key.values())) == 1000


def test_server_killed_during_a_burst_loses_no_acknowledged_sample(
    model_dir: Path, database_url: str, tmp_path: Path
) -> None:
    requests = [(f"crash-{n}", feedback_body(n)) for n in range(300)]
    server = ServedApp(model_dir, database_url, tmp_path / "server.log")
    acknowledged: dict[str, int] = {}

    def record(key: str, answer: tuple[int, dict[str, Any]]) -> None:
        assert answer[0] == 201, answer
        acknowledged[key] = answer[1]["id"]

    async def burst() -> list[Outcome]:
        async def kill_after_some_acknowledged() -> None:
            while len(acknowledged) < 75:
                await asyncio.sleep(0.002)
            server.kill()

        killer = asyncio.create_task(kill_after_some_acknowledged())
        answers = await post_all(server.port, requests, concurrency=50, on_answer=record)
        killer.cancel()
        return answers

    try:
        server.wait_until_up()
        answers = asyncio.run(burst())
    finally:
        server.kill()
    unanswered = {key for (key, _), answer in zip(requests, answers, strict=True) if isinstance(answer, OSError)}
    assert 75 <= len(acknowledged) < len(requests) and unanswered, "the kill did not land mid-burst"
    assert len(acknowledged) + len(unanswered) == len(requests)

    stored = stored_keys(database_url)
    missing = {key: id_ for key, id_ in acknowledged.items() if stored.get(key) != id_}
    assert missing == {}, f"{len(missing)} samples answered 201 are not in the database"

    # The clients whose answer the crash swallowed retry with the same key, against the app started
    # afresh on the same database: each sample ends up stored exactly once.
    retry = [request for request in requests if request[0] in unanswered]
    with ThreadedServer(model_dir, database_url) as restarted:
        answers = asyncio.run(post_all(restarted.port, retry, concurrency=50))
    for (key, _body), answer in zip(retry, answers, strict=True):
        assert isinstance(answer, tuple), answer
        # 200: committed before the kill but never acknowledged; the retry gets that row's id.
        assert answer[0] == (200 if key in stored else 201), answer
    assert sorted(stored_keys(database_url)) == sorted(key for key, _ in requests)


@pytest.mark.postgres
def test_postgres_crash_during_a_burst_loses_no_acknowledged_sample(
    model_dir: Path, postgres: RestartablePostgres, postgres_url: str
) -> None:
    """The database, not the server, dies mid-burst (no checkpoint, WAL recovery); the server stays up."""
    requests = [(f"pg-crash-{n}", feedback_body(n)) for n in range(400)]
    acknowledged: dict[str, int] = {}
    refused: set[str] = set()

    def record(key: str, answer: tuple[int, dict[str, Any]]) -> None:
        if answer[0] == 201:
            acknowledged[key] = answer[1]["id"]
        else:
            assert answer[0] == 503, answer
            refused.add(key)

    with ThreadedServer(model_dir, postgres_url) as server:

        async def burst() -> list[Outcome]:
            async def crash_after_some_acknowledged() -> None:
                while len(acknowledged) < 100:
                    await asyncio.sleep(0.002)
                await asyncio.to_thread(postgres.crash)

            crasher = asyncio.create_task(crash_after_some_acknowledged())
            answers = await post_all(server.port, requests, concurrency=50, on_answer=record)
            await crasher
            return answers

        try:
            answers = asyncio.run(burst())
        finally:
            postgres.resume()
        assert all(isinstance(answer, tuple) for answer in answers), "the server must answer, not drop, requests"
        assert refused and len(acknowledged) + len(refused) == len(requests)
        stored = stored_keys(postgres_url)
        assert {key: stored.get(key) for key in acknowledged} == acknowledged

        # Clients retry what was refused with the same key, without restarting the server.
        deadline = time.monotonic() + 10
        pending = [request for request in requests if request[0] in refused]
        while pending and time.monotonic() < deadline:
            answers = asyncio.run(post_all(server.port, pending, concurrency=50))
            pending = [r for r, a in zip(pending, answers, strict=True) if not (isinstance(a, tuple) and a[0] < 300)]
            time.sleep(0.2)
        assert pending == []
    assert sorted(stored_keys(postgres_url)) == sorted(key for key, _ in requests)
