"""Version 1: the feedback_samples table (one row per drawing a user labelled by choosing a symbol)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection


def upgrade(connection: Connection) -> None:
    samples = Table(
        "feedback_samples",
        MetaData(),
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("idempotency_key", String(128), nullable=True, unique=True),
        Column("request_sha256", String(64), nullable=False),
        Column("created_on", Date, nullable=False),
        Column("chosen_id", String(200), nullable=False),
        Column("chosen_rank", Integer, nullable=True),
        Column("strokes", Text, nullable=False),
        Column("shown", Text, nullable=False),
        Column("model_version", String(64), nullable=False),
        Column("client", String(64), nullable=False),
        Index("ix_feedback_samples_created_on", "created_on"),
        Index("ix_feedback_samples_chosen_id", "chosen_id"),
    )
    samples.create(connection)
