"""The feedback tables as the code reads and writes them (SQLAlchemy Core).

The database gets its tables from `backend.feedback.migrations`, never from here; a test checks that
the migrated database has exactly these columns, so the two cannot drift apart.

Privacy rule: a row holds the drawing, what the user chose, what was shown, the model version, the client
kind and the day. No IP address, no user identity, no time of day (which could be joined with
an access log to find the sender). Contributions carry a random per-visit id made by the page (held in page
memory, forgotten when the tab closes): it ties one visit's drawings together for the split, nothing more.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Integer, MetaData, String, Table, Text, false

# Bounds enforced by the request parser; the columns are sized to match.
MAX_ID_LENGTH = 200
MAX_SHORT_TEXT = 64
MAX_IDEMPOTENCY_KEY = 128

metadata = MetaData()

feedback_samples = Table(
    "feedback_samples",
    metadata,
    # BIGINT on PostgreSQL (identity), SQLite's INTEGER rowid alias there: the id returned by POST /feedback.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    # The client's request id: a retried POST with the same key is stored once (unique), NULL when not sent.
    Column("idempotency_key", String(MAX_IDEMPOTENCY_KEY), unique=True, nullable=True),
    # SHA-256 of the canonical request, so a reused key with a different sample is refused, not merged.
    Column("request_sha256", String(64), nullable=False),
    # The UTC day it arrived: enough for per-day statistics, too coarse to single out a request.
    Column("created_on", Date, nullable=False, index=True),
    # The training label: a catalogue id (contracts.md section 1).
    Column("chosen_id", String(MAX_ID_LENGTH), nullable=False, index=True),
    # 1-based position of chosen_id in `shown`, NULL when the user found it elsewhere (search).
    Column("chosen_rank", Integer, nullable=True),
    # The strokes exactly as sent, compact JSON [[[x, y] | [x, y, t], ...], ...].
    Column("strokes", Text, nullable=False),
    # JSON list of the catalogue ids shown, in the order shown.
    Column("shown", Text, nullable=False),
    Column("model_version", String(MAX_SHORT_TEXT), nullable=False),
    # What sent it ("extension/0.1.0", "demo"): a kind of client, never an identity.
    Column("client", String(MAX_SHORT_TEXT), nullable=False),
    # Migration v0002 (contribute mode): "pick" (chosen among candidates) or "contribute" (drawn when asked).
    Column("source", String(32), nullable=False, server_default="pick", index=True),
    # A random id of one contribute-page visit (never a person or browser), so its drawings split together.
    Column("session_id", String(MAX_SHORT_TEXT), nullable=True),
    # Place of the label among the serving model's classes for this drawing; NULL when not checked.
    Column("label_rank", Integer, nullable=True),
    # The label is wildly unlike what the model sees (quality.py): kept, and left out by `export --exclude-suspect`.
    Column("suspect", Boolean, nullable=False, server_default=false()),
)
