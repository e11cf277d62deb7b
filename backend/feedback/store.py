"""The feedback store: insert a sample once per idempotency key, count them, stream them out for training.

Every write is one transaction committed before the caller answers, so a 201 means the row is on disk.
Any failure to reach the database becomes `FeedbackUnavailable` (the server answers 503); the engine's
pre-ping replaces broken connections, so writes succeed again as soon as the database is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

from backend.feedback.database import EngineConfig, create_feedback_engine, redact
from backend.feedback.deadline import ConnectionDeadline, DeadlineExceeded
from backend.feedback.quality import UNCHECKED, Judgement
from backend.feedback.schema import feedback_samples as samples
from backend.feedback.submission import FeedbackSample

log = logging.getLogger(__name__)
_UNAVAILABLE = "the feedback database is unavailable, so nothing was stored: send the same request again in a moment"


class FeedbackUnavailable(RuntimeError):
    """The database cannot be reached or used now; nothing was stored."""


class IdempotencyConflict(ValueError):
    """An idempotency key already stored with a different sample."""


@dataclass(frozen=True)
class Stored:
    id: int
    # False when the idempotency key was already stored: this is a retry and `id` is the earlier row.
    created: bool


@dataclass(frozen=True)
class StoredSample:
    """A row as the training export writes it."""

    id: int
    created_on: date
    chosen_id: str
    strokes: list[Any]
    shown: list[str]
    model_version: str
    client: str
    source: str = "pick"
    session: str | None = None
    label_rank: int | None = None
    suspect: bool = False

    def to_record(self) -> dict[str, Any]:
        """The shared JSONL shape of the training readers: `label` is the chosen catalogue id; `session` (when
        set) is what `training.data.readers.feedback_group` groups by, so one visit stays on one side of a split."""
        record = {
            "label": self.chosen_id,
            "strokes": self.strokes,
            "id": self.id,
            "day": self.created_on.isoformat(),
            "shown": self.shown,
            "model_version": self.model_version,
            "client": self.client,
            "source": self.source,
            "label_rank": self.label_rank,
            "suspect": self.suspect,
        }
        if self.session is not None:
            record["session"] = self.session
        return record


@dataclass(frozen=True)
class StoreConfig:
    engine: EngineConfig
    # Create or upgrade the tables on first use; off where an operator runs `python -m backend.feedback migrate`.
    auto_migrate: bool = True
    # After a failed connection, answer 503 at once for this long instead of stalling every request on it.
    retry_after_s: float = 1.0
    # Wall-clock bound on one add / stats / count / migrate call, for a database that accepts bytes and never
    # answers (frozen process, stalled network): past it the call's connections are cut (feedback.deadline).
    # With a connection attempt begun just before it (connect timeout 2 s), a call ends within about 4.5 s.
    # None (the export command): no bound besides the driver's and the server's timeouts.
    call_deadline_s: float | None = 2.5


class FeedbackStore:
    """Thread-safe; one per process. Creating it checks the URL but does not connect."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.engine = create_feedback_engine(config.engine)
        self._deadline = (
            ConnectionDeadline(self.engine, config.call_deadline_s) if config.call_deadline_s is not None else None
        )
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self._down_until = 0.0

    @property
    def url(self) -> str:
        """The database URL with its password hidden."""
        return redact(self.config.engine.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def add(
        self, sample: FeedbackSample, idempotency_key: str | None = None, judgement: Judgement = UNCHECKED
    ) -> Stored:
        """Store `sample` (with the model's `judgement` of its label) and commit; with a key already stored, the
        earlier row's id (`created=False`)."""
        from sqlalchemy.exc import IntegrityError

        sha = sample.sha256()
        with self._available(), self._bounded():
            self._ensure_schema()
            try:
                with self.engine.begin() as connection:
                    new_id = connection.execute(
                        samples.insert()
                        .values(
                            idempotency_key=idempotency_key,
                            request_sha256=sha,
                            created_on=datetime.now(UTC).date(),
                            chosen_id=sample.chosen_id,
                            chosen_rank=sample.chosen_rank,
                            strokes=sample.strokes_json,
                            shown=orjson.dumps(list(sample.shown)).decode(),
                            model_version=sample.model_version,
                            client=sample.client,
                            source=sample.source,
                            session_id=sample.session,
                            label_rank=judgement.label_rank,
                            suspect=judgement.suspect,
                        )
                        .returning(samples.c.id)
                    ).scalar_one()
                return Stored(id=new_id, created=True)
            except IntegrityError:
                if idempotency_key is None:
                    raise
            # The key is taken: by an earlier try of this request (answer its id) or by another sample.
            with self.engine.connect() as connection:
                row = connection.execute(
                    samples.select()
                    .with_only_columns(samples.c.id, samples.c.request_sha256)
                    .where(samples.c.idempotency_key == idempotency_key)
                ).one()
            if row.request_sha256 != sha:
                raise IdempotencyConflict(
                    f"Idempotency-Key {idempotency_key!r} was already used for a different sample; "
                    "use a new key for each new sample"
                )
            return Stored(id=row.id, created=False)

    def stats(self) -> dict[str, Any]:
        """Counts per symbol (most first), per UTC day (oldest first) and by the chosen symbol's rank."""
        from sqlalchemy import case, func, select

        count = func.count().label("n")
        with self._available(), self._bounded():
            self._ensure_schema()
            with self._read_connection() as connection, connection.begin():
                per_symbol = connection.execute(
                    select(samples.c.chosen_id, count).group_by(samples.c.chosen_id).order_by(count.desc(), "chosen_id")
                ).all()
                per_day = connection.execute(
                    select(samples.c.created_on, count).group_by(samples.c.created_on).order_by(samples.c.created_on)
                ).all()
                per_rank = connection.execute(
                    select(samples.c.chosen_rank, count).group_by(samples.c.chosen_rank).order_by(samples.c.chosen_rank)
                ).all()
                suspect = func.sum(case((samples.c.suspect, 1), else_=0)).label("suspect")
                contributed = connection.execute(
                    select(samples.c.chosen_id, count, suspect)
                    .where(samples.c.source == "contribute")
                    .group_by(samples.c.chosen_id)
                    .order_by(count.desc(), "chosen_id")
                ).all()
        return {
            "total": sum(row.n for row in per_symbol),
            "per_symbol": [{"id": row.chosen_id, "count": row.n} for row in per_symbol],
            "per_day": [{"day": row.created_on.isoformat(), "count": row.n} for row in per_day],
            # How often the user's symbol was the recognizer's 1st, 2nd, ... candidate, or not shown at all.
            "chosen_rank": {
                ("not_shown" if row.chosen_rank is None else str(row.chosen_rank)): row.n for row in per_rank
            },
            # Drawings the contribute page asked for (also counted above), per symbol, with how many are suspect.
            "contributions": {
                "total": sum(row.n for row in contributed),
                "suspect": sum(int(row.suspect or 0) for row in contributed),
                "per_symbol": [
                    {"id": row.chosen_id, "count": row.n, "suspect": int(row.suspect or 0)} for row in contributed
                ],
            },
        }

    def real_counts(self) -> dict[str, int]:
        """Stored drawings per chosen catalogue id, picks and contributions alike, suspect ones left out."""
        from sqlalchemy import func, select

        with self._available(), self._bounded():
            self._ensure_schema()
            with self.engine.connect() as connection:
                rows = connection.execute(
                    select(samples.c.chosen_id, func.count())
                    .where(samples.c.suspect.is_(False))
                    .group_by(samples.c.chosen_id)
                ).all()
        return {chosen_id: int(n) for chosen_id, n in rows}

    def count(self, exclude_suspect: bool = False) -> int:
        from sqlalchemy import func, select

        query = select(func.count()).select_from(samples)
        if exclude_suspect:
            query = query.where(samples.c.suspect.is_(False))
        with self._available(), self._bounded():
            self._ensure_schema()
            with self.engine.connect() as connection:
                return int(connection.execute(query).scalar_one())

    def iter_samples(self, batch_size: int = 1000, exclude_suspect: bool = False) -> Iterator[StoredSample]:
        """Every sample (or every one not marked suspect) in id order, streamed (a server-side cursor on
        PostgreSQL), from one snapshot."""
        query = samples.select().order_by(samples.c.id)
        if exclude_suspect:
            query = query.where(samples.c.suspect.is_(False))
        with self._available():
            self._ensure_schema()
            with (
                self._read_connection().execution_options(stream_results=True, yield_per=batch_size) as connection,
                connection.begin(),
            ):
                for row in connection.execute(query):
                    yield StoredSample(
                        id=row.id,
                        created_on=row.created_on,
                        chosen_id=row.chosen_id,
                        strokes=orjson.loads(row.strokes),
                        shown=orjson.loads(row.shown),
                        model_version=row.model_version,
                        client=row.client,
                        source=row.source,
                        session=row.session_id,
                        label_rank=row.label_rank,
                        suspect=bool(row.suspect),
                    )

    def migrate(self) -> list[str]:
        """Apply pending migrations now; the names applied."""
        from backend.feedback.migrations import migrate

        with self._available(), self._bounded():
            applied = migrate(self.engine)
        self._schema_ready = True
        return applied

    def close(self) -> None:
        self.engine.dispose()

    def _read_connection(self) -> Any:
        connection = self.engine.connect()
        if self.dialect == "postgresql":
            # One snapshot for several queries, so the counts add up while others insert.
            return connection.execution_options(isolation_level="REPEATABLE READ")
        return connection  # SQLite: a WAL read transaction is a snapshot already

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        from backend.feedback.migrations import applied_versions, latest_version, migrate

        with self._schema_lock:
            if self._schema_ready:
                return
            if self.config.auto_migrate:
                applied = migrate(self.engine)
                if applied:
                    log.info("feedback database %s: applied migrations %s", self.url, ", ".join(applied))
            else:
                with self.engine.connect() as connection:
                    versions = applied_versions(connection)
                if max(versions, default=0) != latest_version():
                    raise FeedbackUnavailable(
                        "the feedback database schema is not up to date: run `python -m backend.feedback migrate`"
                    )
            self._schema_ready = True

    def ping(self, seconds: float) -> bool:
        """Can the database run a statement now, within `seconds`? (For /health; never raises.)"""
        from sqlalchemy import text

        try:
            with self._available(), self._bounded(seconds), self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # unavailable, or any other failure: either way not usable now
            return False
        return True

    @contextmanager
    def _bounded(self, seconds: float | None = None) -> Iterator[None]:
        if self._deadline is None:
            yield
        else:
            with self._deadline.bounded(seconds):
                yield

    @property
    def down(self) -> bool:
        """True while the store answers "unavailable" without trying (shortly after a failure)."""
        return time.monotonic() < self._down_until

    @contextmanager
    def _available(self) -> Iterator[None]:
        """Turn every way of not reaching the database into `FeedbackUnavailable`, and fail fast for a moment."""
        from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
        from sqlalchemy.exc import TimeoutError as PoolTimeout

        from backend.feedback.migrations import SchemaTooNewError

        if time.monotonic() < self._down_until:
            raise FeedbackUnavailable(_UNAVAILABLE)
        try:
            yield
        except (OperationalError, InterfaceError, PoolTimeout, DeadlineExceeded) as error:
            self._mark_down(error)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            self._mark_down(error)
        except SchemaTooNewError as error:
            log.error("feedback database %s: %s", self.url, error)
            raise FeedbackUnavailable(str(error)) from None

    def _mark_down(self, error: Exception) -> None:
        self._down_until = time.monotonic() + self.config.retry_after_s
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        log.warning("feedback database %s unavailable: %s", self.url, reason)
        raise FeedbackUnavailable(_UNAVAILABLE) from None
