"""The Detexify dump: a PostgreSQL dump (`detexify.sql` or `detexify.sql.gz`) of `samples(id, key, strokes)`.

Only the data block of the samples table is read, streamed line by line: a 1 GB dump never sits in memory.
`key` is a catalogue id such as `latex2e-OT1-_alpha`; `strokes` is JSON `[[[x, y, t], ...], ...]`.
Detexify keeps no writer, so every sample is its own group.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from training.data.readers.files import open_text_with_progress, require_file
from training.data.readers.jsonl import sample_group
from training.data.readers.pg_copy import END_OF_DATA, parse_copy_header, split_copy_row
from training.data.readers.records import Record, RecordRejected, SourceReport, checked_strokes

SOURCE = "detexify"
TABLE = "samples"


class DumpFormatError(ValueError):
    """The file is not a dump with a `COPY samples (..., key, strokes) FROM stdin;` block."""


def read_detexify_sql(path: Path, report: SourceReport, progress: bool = True) -> Iterator[Record]:
    require_file(path, "Detexify dump")
    found_table = False
    with open_text_with_progress(path, "detexify dump", progress) as lines:
        columns: list[str] | None = None
        for number, line in enumerate(lines, start=1):
            line = line.rstrip("\n").rstrip("\r")
            if columns is None:
                header = parse_copy_header(line)
                if header is not None and header[0] == TABLE:
                    columns = header[1]
                    _check_columns(columns, path)
                    found_table = True
                continue
            if line == END_OF_DATA:
                columns = None
                continue
            report.read += 1
            try:
                row = dict(zip(columns, split_copy_row(line), strict=True))
            except ValueError:
                report.reject("wrong number of columns", f"{path.name}:{number}")
                continue
            try:
                record = detexify_record(row.get("id"), row.get("key"), row.get("strokes"))
            except RecordRejected as rejected:
                report.reject(rejected.reason, f"{path.name}:{number}")
                continue
            report.kept += 1
            yield record
    if not found_table:
        raise DumpFormatError(f"{path} has no 'COPY {TABLE} (id, key, strokes) FROM stdin;' block")


def detexify_record(sample_id: Any, key: Any, strokes: Any) -> Record:
    """A Record from the three columns of one Detexify sample (strokes as JSON text or already parsed)."""
    if not isinstance(key, str) or not key:
        raise RecordRejected("missing label")
    if strokes is None:
        raise RecordRejected("missing strokes")
    if isinstance(strokes, str):
        try:
            strokes = json.loads(strokes)
        except json.JSONDecodeError as error:
            raise RecordRejected("invalid strokes JSON", str(error)) from None
    arrays = checked_strokes(strokes)
    group = f"detexify:{sample_id}" if sample_id is not None else sample_group({"strokes": strokes})
    return Record(SOURCE, key, arrays, group, {"label": key, "strokes": strokes, "id": sample_id})


def _check_columns(columns: list[str], path: Path) -> None:
    missing = {"key", "strokes"} - set(columns)
    if missing:
        raise DumpFormatError(f"{path}: COPY {TABLE} lacks column(s) {sorted(missing)}; has {columns}")
