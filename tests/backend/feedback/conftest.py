"""Fixtures for the feedback tests: real SQLite files and a real PostgreSQL cluster, one fresh database each.

Every store test runs twice, once per database (`database_url` is parametrized), so the two stay equal.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.feedback.database import EngineConfig
from backend.feedback.store import FeedbackStore, StoreConfig
from tests.backend.feedback.support import RestartablePostgres, create_database, drop_database

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[RestartablePostgres]:
    """One throwaway cluster for the whole run (a few seconds to create); tests each get their own database."""
    server = RestartablePostgres()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres: RestartablePostgres) -> Iterator[str]:
    """A URL of a new, empty database in the test cluster."""
    name = f"feedback_{next(_database_numbers)}"
    create_database(postgres, name)
    try:
        yield postgres.url(name)
    finally:
        drop_database(postgres, name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file in tmp_path, or a new database in the test cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(database_url: str) -> Iterator[FeedbackStore]:
    store = FeedbackStore(StoreConfig(engine=EngineConfig(url=database_url)))
    try:
        yield store
    finally:
        store.close()
