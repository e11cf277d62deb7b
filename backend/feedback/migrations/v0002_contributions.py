"""Version 2: contribute mode (issue 15): where a sample's label came from, its page visit, and the model's check.

Plain `ALTER TABLE ... ADD COLUMN` with defaults, which SQLite and PostgreSQL both take; rows stored before
this version become ordinary picks with no visit and no check.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

_COLUMNS = (
    # "pick" (chosen among candidates or search results) or "contribute" (drawn when the contribute page asked).
    "source VARCHAR(32) DEFAULT 'pick' NOT NULL",
    # Random id of one contribute-page visit; NULL for picks.
    "session_id VARCHAR(64)",
    # Place of the label among the serving model's classes for this drawing (1 = its first guess); NULL unchecked.
    "label_rank INTEGER",
    # The label is wildly unlike what the model sees (backend/feedback/quality.py): kept, left out on request.
    "suspect BOOLEAN DEFAULT FALSE NOT NULL",
)


def upgrade(connection: Connection) -> None:
    for column in _COLUMNS:
        connection.exec_driver_sql(f"ALTER TABLE feedback_samples ADD COLUMN {column}")
    connection.exec_driver_sql("CREATE INDEX ix_feedback_samples_source ON feedback_samples (source)")
