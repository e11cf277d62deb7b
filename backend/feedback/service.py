"""What the server holds for feedback: the store, the ids a sample may name, the drawing limits.

The store is synchronous (SQLAlchemy); calls run in worker threads, at most as many at once as the
store has connections, so a slow or unreachable database can tie up only those threads and `/predict`
keeps its own.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.to_thread

from backend.drawing import DrawingLimits
from backend.feedback.database import EngineConfig, feedback_disabled
from backend.feedback.quality import UNCHECKED, Judgement
from backend.feedback.store import FeedbackStore, StoreConfig, Stored
from backend.feedback.submission import FeedbackSample

# /health waits at most this long for the database; a load balancer polls it every few seconds.
HEALTH_PROBE_S = 1.0


@dataclass
class FeedbackService:
    """Opened in the app's lifespan, at `app.state.feedback`; the routes only call `add` and `stats`."""

    store: FeedbackStore
    # Catalogue ids: `chosen_id` and every `shown` id must be one of them.
    known_ids: frozenset[str]
    # The server's drawing limits, so a sample is accepted exactly when /predict would accept its drawing.
    limits: DrawingLimits = DrawingLimits()
    # Worker threads for store calls, one per pooled connection: more could only wait for a connection.
    limiter: anyio.CapacityLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = anyio.CapacityLimiter(self.store.config.engine.max_connections)

    async def add(
        self, sample: FeedbackSample, idempotency_key: str | None, judgement: Judgement = UNCHECKED
    ) -> Stored:
        return await anyio.to_thread.run_sync(self.store.add, sample, idempotency_key, judgement, limiter=self.limiter)

    async def real_counts(self) -> dict[str, int]:
        """Stored drawings per catalogue id (suspect ones left out), for the contribute page's order."""
        return await anyio.to_thread.run_sync(self.store.real_counts, limiter=self.limiter)

    async def stats(self) -> dict[str, Any]:
        return await anyio.to_thread.run_sync(self.store.stats, limiter=self.limiter)

    async def reachable(self) -> bool:
        """A bounded `SELECT 1` (for /health), on a thread of its own: stuck store calls cannot delay it."""
        if self.store.down:
            return False
        return await anyio.to_thread.run_sync(self.store.ping, HEALTH_PROBE_S)

    def close(self) -> None:
        self.store.close()


def open_feedback_service(
    database_url: str, known_ids: Collection[str], limits: DrawingLimits
) -> FeedbackService | None:
    """The service for `database_url` (not connected yet), or None when feedback is turned off.

    Raises `DatabaseUrlError` for a URL this project cannot use, so a typo stops start-up.
    """
    if feedback_disabled(database_url):
        return None
    store = FeedbackStore(StoreConfig(engine=EngineConfig(url=database_url)))
    return FeedbackService(store=store, known_ids=frozenset(known_ids), limits=limits)
