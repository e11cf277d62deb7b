"""`python -m backend.feedback export`: posted feedback comes out in the shape the training readers take."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.drawing import DrawingLimits
from backend.feedback.__main__ import main
from backend.feedback.store import FeedbackStore
from backend.feedback.submission import parse_feedback_body
from backend.settings import Settings
from tests.backend.feedback.support import ALPHA, KNOWN_IDS, REALS, encode, feedback_body
from tests.backend.model_fixtures import SYMBOLS, write_model_dir
from training.data.labels import Catalogue, LabelMap
from training.data.readers import SourceReport, feedback_group, read_jsonl

TO = "latex2e-OT1-_to"  # an alias of \rightarrow: its class is the glyph group's representative


def export(database_url: str, out: Path) -> None:
    assert main(["--database-url", database_url, "export", "--out", str(out), "--no-progress"]) == 0


def test_feedback_round_trip_posted_exported_read_by_training(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(model_dir=write_model_dir(tmp_path / "models"), database_url=database_url)
    posted = [feedback_body(0, chosen_id=ALPHA), feedback_body(1, chosen_id=TO), feedback_body(2, chosen_id=REALS)]
    with TestClient(create_app(settings)) as client:
        for body in posted:
            assert client.post("/feedback", json=body).status_code == 201

    out = tmp_path / "export" / "feedback.jsonl.gz"
    assert main(["--database-url", database_url, "export", "--out", str(out), "--no-progress"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["exported"] == 3 and summary["out"] == str(out)

    report = SourceReport("feedback")
    records = list(read_jsonl(out, "feedback", report, group_of=feedback_group, progress=False))
    assert (report.read, report.kept, dict(report.rejected)) == (3, 3, {})
    assert [r.label for r in records] == [ALPHA, TO, REALS]
    for record, body in zip(records, posted, strict=True):
        expected = [np.asarray(stroke, dtype=np.float64)[:, :2] for stroke in body["strokes"]]
        assert all(np.array_equal(a, b) for a, b in zip(record.strokes, expected, strict=True))
    assert len({r.group for r in records}) == 3  # no identity: each sample groups alone
    labels = LabelMap(Catalogue.from_json({"catalogue_version": 1, "symbols": SYMBOLS}))
    assert [labels.glyph_for("feedback", r.label) for r in records] == [ALPHA, "latex2e-OT1-_rightarrow", REALS]


def test_export_twice_gives_identical_bytes(store: FeedbackStore, database_url: str, tmp_path: Path) -> None:
    for n in range(5):
        store.add(parse_feedback_body(encode(feedback_body(n)), KNOWN_IDS, DrawingLimits()))
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    export(database_url, first)
    export(database_url, second)
    assert first.read_bytes() == second.read_bytes()
    lines = gzip.decompress(first.read_bytes()).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(json.loads(line)["id"] for line in lines)


def test_export_plain_jsonl_of_an_empty_database(database_url: str, tmp_path: Path) -> None:
    out = tmp_path / "feedback.jsonl"
    export(database_url, out)
    assert out.read_bytes() == b""


def test_export_skip_missing_without_a_sqlite_file_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "feedback.jsonl.gz"
    url = f"sqlite:///{tmp_path / 'never-created.sqlite3'}"
    assert main(["--database-url", url, "export", "--out", str(out), "--skip-missing"]) == 0
    assert json.loads(capsys.readouterr().out)["skipped"].startswith("no feedback database at")
    assert not out.exists() and not (tmp_path / "never-created.sqlite3").exists()


def test_export_from_an_unreachable_database_fails_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "feedback.jsonl.gz"
    assert main(["--database-url", "postgresql://nobody@127.0.0.1:1/none", "export", "--out", str(out)]) == 1
    assert "unavailable" in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_migrate_command_reports_what_it_applied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'f.sqlite3'}"
    assert main(["--database-url", url, "migrate"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] == ["v0001_feedback_samples", "v0002_contributions"]
    assert main(["--database-url", url, "migrate"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] == []


def test_stats_command_prints_the_counts(
    store: FeedbackStore, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(2):
        store.add(parse_feedback_body(encode(feedback_body(n, chosen_id=REALS)), KNOWN_IDS, DrawingLimits()))
    assert main(["--database-url", database_url, "stats"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["total"] == 2 and stats["per_symbol"] == [{"id": REALS, "count": 2}]
