"""A live Detexify PostgreSQL database (`--detexify-dsn`), read through a server-side cursor.

The cursor streams rows in batches, so a table of hundreds of thousands of drawings never sits in client
memory; `strokes` may be a json/jsonb column (psycopg parses it) or text holding JSON.
"""

from __future__ import annotations

from collections.abc import Iterator

from training.data.readers.detexify_sql import detexify_record
from training.data.readers.records import Record, RecordRejected, SourceReport

SOURCE = "detexify"
QUERY = "SELECT id, key, strokes FROM samples ORDER BY id"
# Rows fetched per round trip: large enough to hide latency, small enough to keep memory flat.
BATCH_ROWS = 2000


def read_detexify_postgres(dsn: str, report: SourceReport, progress: bool = True) -> Iterator[Record]:
    import psycopg
    from tqdm import tqdm

    with psycopg.connect(dsn) as connection:
        with connection.cursor() as counter:
            counter.execute("SELECT count(*) FROM samples")
            total = counter.fetchone()[0]  # type: ignore[index]
        with (
            connection.cursor(name="texsketch_detexify_samples") as cursor,
            tqdm(total=total, unit="rows", desc="detexify database", disable=not progress, leave=False) as bar,
        ):
            cursor.itersize = BATCH_ROWS
            cursor.execute(QUERY)
            for sample_id, key, strokes in cursor:
                bar.update(1)
                report.read += 1
                try:
                    record = detexify_record(sample_id, key, strokes)
                except RecordRejected as rejected:
                    report.reject(rejected.reason, f"samples.id={sample_id}")
                    continue
                report.kept += 1
                yield record
