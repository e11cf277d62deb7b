"""The quality rule for contributions (backend/feedback/quality.py): the label must be among the serving model's
20 first classes for the drawing, else the sample is kept but marked suspect, and `export --exclude-suspect`
leaves it out. Judged by the shipped model over HTTP; picks are never judged."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.feedback.__main__ import main as feedback_command
from backend.feedback.quality import SUSPECT_RANK, judge_scores, label_rank
from backend.settings import Settings
from tests.backend.live_server import NO_SHIPPED_MODEL, SHIPPED_MODEL_DIR, shipped_model_present

PLUS = "latex2e-OT1-+"
SUM = "latex2e-OT1-_sum"
ALPHA = "latex2e-OT1-_alpha"
# A plus sign, drawn large: the shipped model's first answer is "+"; \sum and \alpha are nowhere near.
PLUS_DRAWING = [[[20, 100, 0], [180, 100, 50]], [[100, 20, 100], [100, 180, 150]]]


def test_label_rank_counts_the_classes_scored_higher() -> None:
    scores = np.array([0.1, 0.5, 0.2, 0.2], dtype=np.float32)
    assert [label_rank(scores, i) for i in range(4)] == [4, 1, 2, 2]  # ties share the better place


def test_judge_scores_marks_a_label_below_the_20th_class() -> None:
    scores = np.linspace(1.0, 0.0, 100, dtype=np.float32)  # class i is ranked i + 1
    assert judge_scores(scores, SUSPECT_RANK - 1).suspect is False  # 20th: kept clean
    assert judge_scores(scores, SUSPECT_RANK).suspect is True  # 21st: suspect
    assert judge_scores(scores, SUSPECT_RANK).label_rank == SUSPECT_RANK + 1
    assert judge_scores(scores, None).label_rank is None  # no class for the label: nothing to judge


def body(chosen_id: str, source: str = "contribute") -> dict:
    return {
        "strokes": PLUS_DRAWING,
        "chosen_id": chosen_id,
        "shown": [],
        "model_version": "x",
        "client": "test",
        "source": source,
        "session": "5f0c2d9e-visit",
    }


def export(database_url: str, out: Path, *flags: str) -> list[dict]:
    assert feedback_command(["--database-url", database_url, "export", "--out", str(out), "--no-progress", *flags]) == 0
    with gzip.open(out, "rt") as lines:
        return [json.loads(line) for line in lines]


@pytest.mark.skipif(not shipped_model_present(), reason=NO_SHIPPED_MODEL)
def test_contribution_unlike_its_label_is_kept_marked_and_left_out_on_request(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    settings = Settings(model_dir=SHIPPED_MODEL_DIR, database_url=database_url)
    with TestClient(create_app(settings)) as client:
        for chosen_id in (PLUS, SUM):
            assert client.post("/feedback", json=body(chosen_id)).status_code == 201
        # The same wrong label as a pick is not judged: the user chose it among candidates or found it by search.
        assert client.post("/feedback", json=body(ALPHA, source="pick") | {"session": None}).status_code == 201
        stats = client.get("/feedback/stats").json()
    assert stats["contributions"]["total"] == 2 and stats["contributions"]["suspect"] == 1
    assert {row["id"]: row["suspect"] for row in stats["contributions"]["per_symbol"]} == {PLUS: 0, SUM: 1}

    everything = export(database_url, tmp_path / "all.jsonl.gz")
    by_label = {record["label"]: record for record in everything}
    assert by_label[PLUS]["suspect"] is False and by_label[PLUS]["label_rank"] <= 3
    assert by_label[SUM]["suspect"] is True and by_label[SUM]["label_rank"] > SUSPECT_RANK
    assert by_label[ALPHA]["suspect"] is False and by_label[ALPHA]["label_rank"] is None
    assert by_label[PLUS]["session"] == by_label[SUM]["session"] == "5f0c2d9e-visit"
    assert "session" not in by_label[ALPHA]

    clean = export(database_url, tmp_path / "clean.jsonl.gz", "--exclude-suspect")
    assert [record["label"] for record in clean] == [PLUS, ALPHA]
