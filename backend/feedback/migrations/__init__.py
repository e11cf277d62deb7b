"""Versioned schema migrations for the feedback database, the same for SQLite and PostgreSQL.

Each migration is a module `vNNNN_<what>.py` listed in `MIGRATIONS` with an `upgrade(connection)` that
states its own tables (never importing `backend.feedback.schema`, which describes only the newest
version). `migrate` applies the missing ones in order, all in one transaction under a lock, and records
each in `feedback_schema_migrations`; several server processes starting together apply them once.
Add a migration by writing the next module and appending its name; never edit one that has shipped.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

# In the order they apply; the number in each name is its version.
MIGRATIONS = ("v0001_feedback_samples", "v0002_contributions")
VERSION_TABLE = "feedback_schema_migrations"
# Any constant works; it only has to be the same in every process migrating this database.
_POSTGRES_LOCK_KEY = 0x7E5_F33D


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer TeXSketch than this one."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    upgrade: Callable[[Connection], None]


def load_migrations() -> list[Migration]:
    migrations = []
    for name in MIGRATIONS:
        module = importlib.import_module(f"{__name__}.{name}")
        migrations.append(Migration(version=int(name[1:5]), name=name, upgrade=module.upgrade))
    versions = [m.version for m in migrations]
    assert versions == list(range(1, len(versions) + 1)), f"migration versions must run 1, 2, ...: {versions}"
    return migrations


def latest_version() -> int:
    return len(MIGRATIONS)


def _version_table():  # type: ignore[no-untyped-def]
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

    return Table(
        VERSION_TABLE,
        MetaData(),
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("name", String(100), nullable=False),
        Column("applied_at", DateTime, nullable=False),
    )


def applied_versions(connection: Connection) -> list[int]:
    from sqlalchemy import inspect, select

    if not inspect(connection).has_table(VERSION_TABLE):
        return []
    table = _version_table()
    return list(connection.execute(select(table.c.version).order_by(table.c.version)).scalars())


def migrate(engine: Engine) -> list[str]:
    """Bring the database to the newest schema; the names of the migrations applied (empty when current)."""
    migrations = load_migrations()
    table = _version_table()
    with engine.connect().execution_options(sqlite_immediate=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            # Held until commit: a second process waits here, then finds the work done.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_POSTGRES_LOCK_KEY})")
        table.create(connection, checkfirst=True)
        done = set(applied_versions(connection))
        newest = max(done, default=0)
        if newest > len(migrations):
            raise SchemaTooNewError(
                f"the feedback database is at schema version {newest}, newer than this code knows "
                f"({len(migrations)}): upgrade TeXSketch or use another database"
            )
        applied = []
        for migration in migrations:
            if migration.version in done:
                continue
            migration.upgrade(connection)
            connection.execute(
                table.insert().values(
                    version=migration.version, name=migration.name, applied_at=datetime.now(UTC).replace(tzinfo=None)
                )
            )
            applied.append(migration.name)
    return applied
