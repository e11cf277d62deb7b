"""Every reader on small fixtures in its documented format: kept records, and rejections counted with reasons."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from training.data.readers import (
    SourceMissing,
    SourceReport,
    feedback_group,
    group_by_field,
    read_detexify_couch,
    read_detexify_sql,
    read_jsonl,
)
from training.data.readers.detexify_couch import RecordFormatError
from training.data.readers.detexify_sql import DumpFormatError
from training.data.readers.pg_copy import parse_copy_header, split_copy_row, unescape

FIXTURES = Path(__file__).parent / "fixtures"


def read_all(reader, *arguments):
    report = SourceReport("test")
    records = list(reader(*arguments, report, False))
    return records, report


@pytest.mark.parametrize("name", ["detexify.sql", "detexify.sql.gz"])
def test_read_detexify_sql_keeps_good_rows_and_counts_bad_ones(name: str) -> None:
    records, report = read_all(read_detexify_sql, FIXTURES / name)
    assert [r.label for r in records] == [
        "latex2e-OT1-_alpha",
        "latex2e-OT1-_sum",
        "latex2e-OT1-_{",
        "no-such-key",
        "latex2e-OT1-_\\textbackslash\tx",
    ]
    assert report.read == 11 and report.kept == 5
    assert report.rejected == {
        "empty drawing": 1,
        "empty stroke": 1,
        "NaN or infinite coordinate": 1,
        "missing label": 1,
        "invalid strokes JSON": 1,
        "wrong number of columns": 1,
    }
    assert report.first_rejected_at["empty drawing"] == f"{name}:19"
    first = records[0]
    assert first.group == "detexify:1" and first.source == "detexify"
    np.testing.assert_array_equal(first.strokes[0], [[10, 10], [20, 25], [30, 10]])
    # The held-out shape keeps the timestamps as they were.
    assert len(first.original["strokes"][0][0]) == 3
    assert first.original["label"] == "latex2e-OT1-_alpha"


def test_read_detexify_sql_gz_keeps_millisecond_timestamps() -> None:
    records, _ = read_all(read_detexify_sql, FIXTURES / "detexify.sql.gz")
    assert records[0].original["strokes"][0][2][2] == 1300000000033


def test_read_detexify_sql_without_samples_block_fails(tmp_path: Path) -> None:
    dump = tmp_path / "other.sql"
    dump.write_text("COPY public.users (id, name) FROM stdin;\n1\tx\n\\.\n")
    with pytest.raises(DumpFormatError, match="COPY samples"):
        read_all(read_detexify_sql, dump)


def test_read_detexify_sql_missing_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(SourceMissing, match="data root"):
        read_all(read_detexify_sql, tmp_path / "detexify.sql.gz")


def test_read_detexify_sql_streams_a_large_dump(tmp_path: Path) -> None:
    dump = tmp_path / "big.sql.gz"
    with gzip.open(dump, "wt") as out:
        out.write("COPY samples (id, key, strokes) FROM stdin;\n")
        for i in range(20_000):
            out.write(f"{i}\tlatex2e-OT1-_alpha\t[[[{i % 7},0,0],[3,{i % 5},10]]]\n")
        out.write("\\.\n")
    report = SourceReport("detexify")
    reader = read_detexify_sql(dump, report, False)
    first = next(reader)  # a generator: the first record comes before the file is read through
    assert first.group == "detexify:0" and report.read == 1
    assert sum(1 for _ in reader) == 19_999 and report.kept == 20_000


def test_parse_copy_header_reads_table_and_columns() -> None:
    assert parse_copy_header('COPY public."samples" (id, "key", strokes) FROM stdin;') == (
        "samples",
        ["id", "key", "strokes"],
    )
    assert parse_copy_header("CREATE TABLE samples (id integer);") is None


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [
        ("plain", "plain"),
        ("a\\\\b", "a\\b"),
        ("tab\\there", "tab\there"),
        ("line\\nbreak\\r", "line\nbreak\r"),
        ("\\101\\x42", "AB"),
        ("\\303\\251", "é"),  # octal bytes of UTF-8
        ("\\q", "q"),
    ],
)
def test_unescape_copy_text(escaped: str, plain: str) -> None:
    assert unescape(escaped) == plain


def test_split_copy_row_reads_null() -> None:
    assert split_copy_row("1\t\\N\tx\\\\y") == ["1", None, "x\\y"]


@pytest.mark.parametrize(
    "name", ["detexify-couchdb.jsonl", "detexify-couchdb-rows.json", "detexify-couchdb-array.json"]
)
def test_read_detexify_couch_reads_every_export_shape(name: str) -> None:
    records, report = read_all(read_detexify_couch, FIXTURES / name)
    assert [r.label for r in records] == ["latex2e-OT1-_alpha", "latex2e-OT1-_sum"]
    assert records[0].group == "couchdb:a1"
    np.testing.assert_array_equal(records[1].strokes[1], [[0, 0], [5, 5]])
    assert records[0].original["strokes"][0][1] == [20, 25, 1300000000016]
    expected = {"design document": 1, "empty drawing": 1, "malformed strokes": 1, "missing label": 1}
    if name.endswith(".jsonl"):
        expected["not a JSON object"] = 1
    assert report.rejected == expected
    assert report.kept == 2 and report.read == 2 + sum(expected.values())


def test_read_detexify_couch_gz_export(tmp_path: Path) -> None:
    packed = tmp_path / "couch.json.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "detexify-couchdb-rows.json").read_bytes()))
    records, _ = read_all(read_detexify_couch, packed)
    assert len(records) == 2


def test_read_detexify_couch_rejects_other_files(tmp_path: Path) -> None:
    other = tmp_path / "x.json"
    other.write_text("hello")
    with pytest.raises(RecordFormatError):
        read_all(read_detexify_couch, other)


def test_read_jsonl_crohme_groups_and_rejections() -> None:
    report = SourceReport("crohme")
    records = list(read_jsonl(FIXTURES / "crohme.jsonl.gz", "crohme", report, group_by_field("group"), False))
    assert [r.label for r in records] == ["\\alpha", "\\lt", "COMMA", "x", "\\sqrt", "\\sin"]
    assert [r.group for r in records[:3]] == ["expr:e1", "expr:e1", "writer:w:ann"]
    assert report.rejected == {"empty drawing": 1, "NaN or infinite coordinate": 1, "missing label": 1}
    assert report.first_rejected_at["missing label"] == "crohme.jsonl.gz:8"
    assert records[-1].strokes[1].shape == (1, 2)  # a one-point stroke (the dot of the i) is kept


def test_read_jsonl_detypify_groups_each_sample_alone() -> None:
    report = SourceReport("detypify")
    records = list(read_jsonl(FIXTURES / "detypify.jsonl.gz", "detypify", report, progress=False))
    assert len(records) == 5 and report.rejected == {"NaN or infinite coordinate": 1}
    groups = [r.group for r in records]
    assert len(set(groups)) == 5 and all(g.startswith("sample:") for g in groups)
    assert records[2].original["unicode"] is None


def test_read_jsonl_feedback_groups_by_session() -> None:
    report = SourceReport("feedback")
    records = list(read_jsonl(FIXTURES / "feedback.jsonl", "feedback", report, feedback_group, False))
    assert [r.group for r in records[:2]] == ["session:s1", "session:s1"]
    assert records[2].group.startswith("sample:")
    assert report.rejected == {"empty stroke": 1}


def test_read_jsonl_counts_broken_json(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"label": "a", "strokes": [[[0, 0]]]}\n{"label": \n[1, 2]\n')
    report = SourceReport("feedback")
    assert len(list(read_jsonl(path, "feedback", report, progress=False))) == 1
    assert report.rejected == {"invalid JSON": 1, "not a JSON object": 1}


def test_read_jsonl_hershey_keeps_kind() -> None:
    report = SourceReport("hershey")
    records = list(read_jsonl(FIXTURES / "hershey.jsonl", "hershey", report, progress=False))
    assert [r.original["kind"] for r in records] == ["symb", "font", "symb", "accent-on-a"]
    assert json.loads(json.dumps(records[0].original))["label"] == "("
