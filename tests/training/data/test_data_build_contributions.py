"""Contributions (issue 15) into the training set: drawings stored through the real feedback store as
`"source": "contribute"`, exported by the real exporter, built by `training.data`: a class with only synthetic
samples gains real drawings, one visit's drawings share one split side, and a suspect one stays out."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from backend.drawing import DrawingLimits
from backend.feedback.database import EngineConfig
from backend.feedback.export import export_jsonl
from backend.feedback.quality import Judgement
from backend.feedback.store import FeedbackStore, StoreConfig
from backend.feedback.submission import parse_feedback_body
from tests.training.data.test_data_build import FIXTURES, fixture_config
from training.data.build import build

CATALOGUE_IDS = frozenset(s["id"] for s in json.loads((FIXTURES / "symbols.json").read_text())["symbols"])
VISIT = "0f8e2c1a-5d4b-4e7a-9c3f-2b1a0d9e8f7c"
CARELESS_VISIT = "7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a"


def class_counts(output: Path) -> dict[str, tuple[int, int, int, int]]:
    """class_counts.tsv as {class: (real_train, real_validation, real_test, synthetic)}."""
    header, *rows = [line.split("\t") for line in (output / "class_counts.tsv").read_text().splitlines()]
    assert header[:6] == ["class", "command", "real_train", "real_validation", "real_test", "synthetic"]
    return {row[0]: (int(row[2]), int(row[3]), int(row[4]), int(row[5])) for row in rows}


def real_counts(output: Path) -> dict[str, tuple[int, int, int]]:
    return {glyph: counts[:3] for glyph, counts in class_counts(output).items()}


def contribute(store: FeedbackStore, label: str, number: int, session: str, judgement: Judgement) -> None:
    body = {
        "strokes": [[[0, 0, 0], [10 + number, 20, 16]], [[10, 0, 40], [number, 20, 56]]],
        "chosen_id": label,
        "shown": [],
        "model_version": "fixture-1",
        "client": "demo/contribute",
        "source": "contribute",
        "session": session,
    }
    sample = parse_feedback_body(json.dumps(body).encode(), CATALOGUE_IDS, DrawingLimits())
    store.add(sample, judgement=judgement)


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("before") / "dataset"
    build(fixture_config(output, feedback=()))
    return output


def test_data_build_contributions_move_a_synthetic_only_class_to_real_data(before: Path, tmp_path: Path) -> None:
    counts_before = real_counts(before)
    synthetic_only = sorted(g for g, (*real, synthetic) in class_counts(before).items() if not sum(real) and synthetic)
    assert synthetic_only, "the fixture must have a class without real drawings"
    target = synthetic_only[0]

    store = FeedbackStore(StoreConfig(engine=EngineConfig(url=f"sqlite:///{tmp_path / 'feedback.sqlite3'}")))
    try:
        for number in range(3):
            contribute(store, target, number, VISIT, Judgement(label_rank=2, suspect=False))
        # Wildly unlike its label for the model: stored, and left out of the export below.
        contribute(store, target, 9, CARELESS_VISIT, Judgement(label_rank=400, suspect=True))
        export = tmp_path / "feedback.jsonl.gz"
        assert export_jsonl(store, export, progress=False, exclude_suspect=True).samples == 3
    finally:
        store.close()

    after = tmp_path / "dataset"
    summary = build(fixture_config(after, feedback=(export,)))
    counts_after = real_counts(after)
    print(f"{target}: real (train, validation, test) before {counts_before[target]}, after {counts_after[target]}")
    print(
        f"classes with real data: before {sum(1 for r in counts_before.values() if sum(r))}, after "
        f"{sum(1 for r in counts_after.values() if sum(r))} of {len(counts_after)}"
    )
    assert sum(counts_after[target]) == 3
    # One visit is one group: all three drawings on the same side of the split.
    assert sorted(counts_after[target]) == [0, 0, 3]
    assert summary["classes_with_real"] == sum(1 for r in counts_after.values() if sum(r))
    assert summary["classes_with_real"] == sum(1 for r in counts_before.values() if sum(r)) + 1
    # Every other class keeps its real counts.
    assert {g: r for g, r in counts_after.items() if g != target} == {
        g: r for g, r in counts_before.items() if g != target
    }
    meta = json.loads((after / "meta.json").read_text())
    labels, synthetic = np.load(after / "labels.npy"), np.load(after / "synthetic.npy")
    groups, sources = np.load(after / "group.npy"), np.load(after / "source.npy")
    mine = (labels == meta["classes"].index(target)) & ~synthetic
    assert [meta["sources"][s] for s in set(sources[mine].tolist())] == ["feedback"]
    assert len(set(groups[mine].tolist())) == 1
