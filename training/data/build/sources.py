"""The sources a build reads, as named streams of records, each with its own report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from training.data.build.config import DataConfig
from training.data.readers import (
    Record,
    SourceMissing,
    SourceReport,
    feedback_group,
    group_by_field,
    read_detexify_couch,
    read_detexify_postgres,
    read_detexify_sql,
    read_jsonl,
    sample_group,
)

# Sources whose samples are real handwriting (train, validation and test); the others only seed templates.
TEMPLATE_ONLY_SOURCES = frozenset({"hershey"})
# Source names in the order of `source.npy` indices; fixed so the numbers mean the same in every build.
SOURCE_ORDER = ("crohme", "detypify", "detexify", "feedback", "synthetic", "derived")


@dataclass
class SourceStream:
    name: str  # a name in SOURCE_ORDER (or "hershey")
    report: SourceReport
    records: Callable[[], Iterator[Record]]
    files: tuple[Path, ...]  # what the content hash covers


def configured_sources(config: DataConfig) -> list[SourceStream]:
    """Every source the configuration names; a named file that is missing is an error, named with its setting."""
    streams = []
    progress = config.progress
    groupings = {"crohme": group_by_field("group"), "detypify": sample_group, "hershey": sample_group}
    for name in config.sources:
        if name not in config.source_files:
            raise ValueError(f"unknown source {name!r}: choose from {sorted(config.source_files)}")
        path = config.source_path(name)
        if not path.is_file():
            raise SourceMissing(f"{name} data not found at {path}: set --data-root (make data DATA_ROOT=...)")
        report = SourceReport(name)
        streams.append(
            SourceStream(name, report, _bind(read_jsonl, path, name, report, groupings[name], progress), (path,))
        )
    detexify = SourceReport("detexify")
    if config.detexify_dump is not None:
        path = _existing(config.resolve(config.detexify_dump), "--detexify-dump")
        streams.append(SourceStream("detexify", detexify, _bind(read_detexify_sql, path, detexify, progress), (path,)))
    if config.detexify_couch is not None:
        path = _existing(config.resolve(config.detexify_couch), "--detexify-couch")
        streams.append(
            SourceStream("detexify", detexify, _bind(read_detexify_couch, path, detexify, progress), (path,))
        )
    if config.detexify_dsn:
        streams.append(
            SourceStream(
                "detexify", detexify, _bind(read_detexify_postgres, config.detexify_dsn, detexify, progress), ()
            )
        )
    if config.feedback:
        feedback = SourceReport("feedback")
        for path in config.feedback:
            path = _existing(config.resolve(path), "--feedback")
            streams.append(
                SourceStream(
                    "feedback",
                    feedback,
                    _bind(read_jsonl, path, "feedback", feedback, feedback_group, progress),
                    (path,),
                )
            )
    return streams


def _existing(path: Path, option: str) -> Path:
    if not path.is_file():
        raise SourceMissing(f"{path} not found (given by {option})")
    return path


def _bind(function: Callable[..., Iterator[Record]], *arguments: object) -> Callable[[], Iterator[Record]]:
    return lambda: function(*arguments)
