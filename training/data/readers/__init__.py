"""Readers for every training source; each yields validated `Record`s and counts rejections in a `SourceReport`."""

from training.data.readers.detexify_couch import read_detexify_couch
from training.data.readers.detexify_postgres import read_detexify_postgres
from training.data.readers.detexify_sql import read_detexify_sql
from training.data.readers.files import SourceMissing
from training.data.readers.jsonl import feedback_group, group_by_field, read_jsonl, sample_group
from training.data.readers.records import TRAINING_LIMITS, Record, RecordRejected, SourceReport

__all__ = [
    "TRAINING_LIMITS",
    "Record",
    "RecordRejected",
    "SourceMissing",
    "SourceReport",
    "feedback_group",
    "group_by_field",
    "read_detexify_couch",
    "read_detexify_postgres",
    "read_detexify_sql",
    "read_jsonl",
    "sample_group",
]
