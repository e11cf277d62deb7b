"""The live-database reader against a real PostgreSQL server (a throwaway cluster, see tests/postgres_server.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.postgres_server import PostgresUnavailable, find_bin_dir, running_postgres
from training.data.readers import SourceReport, read_detexify_postgres

pytestmark = pytest.mark.postgres

ROWS = [
    (1, "latex2e-OT1-_alpha", [[[10, 10, 1300000000000], [20, 25, 1300000000016]]]),
    (2, "latex2e-OT1-_sum", [[[0, 0, 0], [10, 0, 10]], [[0, 0, 50], [5, 5, 60]]]),
    (3, "latex2e-OT1-_alpha", []),
    (4, None, [[[1, 2, 3]]]),
    (5, "latex2e-OT1-_alpha", [[[1, 2, 3]], []]),
]


@pytest.fixture(scope="module")
def detexify_dsn() -> Iterator[str]:
    import psycopg

    try:
        find_bin_dir()
    except PostgresUnavailable as error:
        pytest.skip(str(error))
    with running_postgres() as server, psycopg.connect(server.dsn, autocommit=True) as connection:
        connection.execute("CREATE TABLE samples (id integer PRIMARY KEY, key text, strokes json)")
        for row in ROWS:
            connection.execute("INSERT INTO samples VALUES (%s, %s, %s)", (row[0], row[1], json.dumps(row[2])))
        # Enough rows to need several fetches of the server-side cursor.
        connection.execute(
            "INSERT INTO samples SELECT i, 'latex2e-OT1-_beta', '[[[0,0,0],[1,1,1]]]'::json"
            " FROM generate_series(100, 5099) AS i"
        )
        yield server.dsn


def test_read_detexify_postgres_streams_rows_and_counts_rejections(detexify_dsn: str) -> None:
    report = SourceReport("detexify")
    records = list(read_detexify_postgres(detexify_dsn, report, progress=False))
    assert [r.label for r in records[:2]] == ["latex2e-OT1-_alpha", "latex2e-OT1-_sum"]
    assert records[0].group == "detexify:1"
    assert records[0].original["strokes"] == ROWS[0][2]
    assert len(records) == 2 + 5000 and report.kept == len(records) and report.read == 5 + 5000
    assert report.rejected == {"empty drawing": 1, "missing label": 1, "empty stroke": 1}
    assert report.first_rejected_at["missing label"] == "samples.id=4"


def test_read_detexify_postgres_reads_text_strokes(detexify_dsn: str) -> None:
    import psycopg

    with psycopg.connect(detexify_dsn, autocommit=True) as connection:
        connection.execute("CREATE DATABASE textual")
    textual = detexify_dsn.replace("dbname=postgres", "dbname=textual")
    with psycopg.connect(textual, autocommit=True) as connection:
        connection.execute("CREATE TABLE samples (id integer, key text, strokes text)")
        connection.execute("INSERT INTO samples VALUES (7, 'latex2e-OT1-_pi', '[[[0,0],[3,4]]]')")
    records = list(read_detexify_postgres(textual, SourceReport("detexify"), progress=False))
    assert [(r.label, r.strokes[0].tolist()) for r in records] == [("latex2e-OT1-_pi", [[0.0, 0.0], [3.0, 4.0]])]
