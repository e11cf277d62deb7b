"""The shared JSON Lines shape: one `{"label", "strokes", ...}` object per line, plain or gzip'd.

CROHME, detypify, the Hershey seeds and the project's feedback export all use it; they differ only in how
samples group (who drew them), which `group_of` decides per source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from training.data.readers.files import open_text_with_progress, require_file
from training.data.readers.records import Record, RecordRejected, SourceReport, checked_strokes

GroupOf = Callable[[dict[str, Any]], str]


def group_by_field(name: str) -> GroupOf:
    """Group by a field the source provides (CROHME's `group`); records without it group alone."""

    def group_of(record: dict[str, Any]) -> str:
        value = record.get(name)
        return str(value) if value not in (None, "") else sample_group(record)

    return group_of


def sample_group(record: dict[str, Any]) -> str:
    """Each sample its own group, keyed by its content so the key survives reordering of the file."""
    digest = hashlib.sha1(json.dumps(record.get("strokes"), separators=(",", ":")).encode()).hexdigest()
    return f"sample:{digest[:16]}"


def feedback_group(record: dict[str, Any]) -> str:
    """Feedback drawings of one browser session stay together when the export names the session."""
    for name in ("group", "session", "writer"):
        value = record.get(name)
        if value not in (None, ""):
            return f"{name}:{value}"
    return sample_group(record)


def read_jsonl(
    path: Path, source: str, report: SourceReport, group_of: GroupOf = sample_group, progress: bool = True
) -> Iterator[Record]:
    """Stream the records of one JSONL file; every unusable line is counted in `report` with a reason."""
    require_file(path, f"{source} file")
    with open_text_with_progress(path, source, progress) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            report.read += 1
            try:
                record = parse_line(line)
                strokes = checked_strokes(record["strokes"])
            except RecordRejected as rejected:
                report.reject(rejected.reason, f"{path.name}:{number}")
                continue
            report.kept += 1
            yield Record(source, record["label"], strokes, group_of(record), record)


def parse_line(line: str) -> dict[str, Any]:
    """One JSONL line as a record with a string label and a strokes field, or RecordRejected."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise RecordRejected("invalid JSON", str(error)) from None
    if not isinstance(record, dict):
        raise RecordRejected("not a JSON object")
    label = record.get("label")
    if not isinstance(label, str) or not label:
        raise RecordRejected("missing label")
    if "strokes" not in record:
        raise RecordRejected("missing strokes")
    return record
