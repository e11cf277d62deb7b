"""Detexify's older CouchDB export: documents `{"_id", "id": key, "data": [[{"x", "y", "t"}, ...], ...]}`.

Exports come in the shapes CouchDB tools write, all streamed (ijson), never loaded whole:
one document per line, a JSON array of documents, `{"rows": [{"doc": {...}}, ...]}` (`_all_docs?include_docs=true`)
or `{"docs": [...]}` (`_bulk_docs` / `_find`). Design documents (`_design/...`) are counted and skipped.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from training.data.readers.files import open_binary_with_progress, require_file
from training.data.readers.jsonl import sample_group
from training.data.readers.records import Record, RecordRejected, SourceReport, checked_strokes

SOURCE = "detexify"


class RecordFormatError(ValueError):
    """The file is not in any of the CouchDB export shapes."""


def read_detexify_couch(path: Path, report: SourceReport, progress: bool = True) -> Iterator[Record]:
    require_file(path, "Detexify CouchDB export")
    shape = _export_shape(path)
    with open_binary_with_progress(path, "detexify couchdb", progress) as stream:
        for number, document in enumerate(_documents(stream, shape), start=1):
            report.read += 1
            try:
                record = couch_record(document)
            except RecordRejected as rejected:
                report.reject(rejected.reason, f"{path.name}: document {number}")
                continue
            report.kept += 1
            yield record


def couch_record(document: Any) -> Record:
    if not isinstance(document, dict):
        raise RecordRejected("not a JSON object")
    document_id = document.get("_id")
    if isinstance(document_id, str) and document_id.startswith("_design/"):
        raise RecordRejected("design document")
    key = document.get("id")
    if not isinstance(key, str) or not key:
        raise RecordRejected("missing label")
    if "data" not in document:
        raise RecordRejected("missing strokes")
    strokes = points_from_objects(document["data"])
    arrays = checked_strokes(strokes)
    group = f"couchdb:{document_id}" if document_id else sample_group({"strokes": strokes})
    return Record(SOURCE, key, arrays, group, {"label": key, "strokes": strokes, "id": document_id})


def points_from_objects(data: Any) -> Any:
    """`[[{"x", "y", "t"}, ...], ...]` as `[[[x, y, t], ...], ...]`; anything else is left for the schema check."""
    if not isinstance(data, list):
        return data
    strokes = []
    for stroke in data:
        if not isinstance(stroke, list):
            return data
        points = []
        for point in stroke:
            if not isinstance(point, dict) or "x" not in point or "y" not in point:
                raise RecordRejected("malformed strokes", "a point must be an object with x and y")
            values = [point["x"], point["y"]] + ([point["t"]] if point.get("t") is not None else [])
            points.append(values)
        strokes.append(points)
    return strokes


def _export_shape(path: Path) -> str:
    """'lines', 'array', 'rows' or 'docs', from the first bytes and the first top-level key."""
    import ijson

    with open_binary_with_progress(path, "detexify couchdb", progress=False) as stream:
        head = stream.read(4096).lstrip()
        if head.startswith(b"["):
            return "array"
        if not head.startswith(b"{"):
            raise RecordFormatError(f"{path} is not a CouchDB JSON export (it starts with {head[:20]!r})")
    with open_binary_with_progress(path, "detexify couchdb", progress=False) as stream:
        # The top-level keys of the first object: a wrapper has `rows` or `docs`, a document has neither.
        for prefix, event, value in ijson.parse(stream, multiple_values=True):
            if prefix == "" and event == "map_key" and value in ("rows", "docs"):
                return value
            if prefix == "" and event == "end_map":
                break
    return "lines"


def _documents(stream: BinaryIO, shape: str) -> Iterator[Any]:
    import ijson

    if shape == "lines":
        for line in io.TextIOWrapper(stream, encoding="utf-8"):  # type: ignore[arg-type]
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    yield None  # counted as "not a JSON object" with its position
        return
    prefix = {"array": "item", "rows": "rows.item.doc", "docs": "docs.item"}[shape]
    yield from ijson.items(stream, prefix, use_float=True)
