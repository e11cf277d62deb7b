"""`GET /contribute/next` over HTTP on a fixture model: classes without real drawings first, counts from model.json
(or the documented default of 0 for every class) plus stored feedback, 1 in 5 a check symbol."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from backend.feedback.contribute_queue import CHECK, FEW_REAL, MORE_HELP, NO_REAL, QueueConfig, plan
from backend.settings import Settings
from tests.backend.feedback.support import feedback_body
from tests.backend.model_fixtures import SYMBOLS, glyph_labels, write_model_dir

LABELS = glyph_labels(SYMBOLS)  # 9 classes
ALPHA, ARROW, LEQ, REALS, NORM, BACKSLASH, SLASH, SUM, LLBRACKET = LABELS


def app_with_counts(
    tmp_path: Path, real_train_per_class: list[int] | None, database_url: str | None = None
) -> TestClient:
    model_dir = write_model_dir(tmp_path / "models")
    if real_train_per_class is not None:
        card = json.loads((model_dir / "model.json").read_text())
        card["data"] = {"real_train_per_class": real_train_per_class}
        (model_dir / "model.json").write_text(json.dumps(card))
    settings = Settings(model_dir=model_dir, database_url=database_url or f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    return TestClient(create_app(settings))


def asked(client: TestClient, count: int = 9, seed: int = 1) -> dict:
    answer = client.get("/contribute/next", params={"count": count, "seed": seed})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_contribute_next_puts_classes_without_real_drawings_first(tmp_path: Path) -> None:
    # model.json says: alpha, arrow and sum have real training drawings, the rest none.
    counts = [300, 40, 0, 0, 0, 0, 0, 5, 0]
    with app_with_counts(tmp_path, counts) as client:
        answer = asked(client)
    assert answer["counts"] == {"training": "model.json data.real_train_per_class", "feedback": "included"}
    symbols = answer["symbols"]
    asks = [s for s in symbols if s["why"] != CHECK]
    checks = [s for s in symbols if s["why"] == CHECK]
    # 9 classes: one check class (the best known, alpha) in the 5th place, the other 8 by fewest real drawings.
    assert [s["id"] for s in checks] == [ALPHA] and symbols[4]["why"] == CHECK
    assert [s["real_drawings"] for s in asks] == [0, 0, 0, 0, 0, 0, 5, 40]
    assert {s["id"] for s in asks[:6]} == {LEQ, REALS, NORM, BACKSLASH, SLASH, LLBRACKET}
    assert [s["id"] for s in asks[6:]] == [SUM, ARROW]
    assert [s["why"] for s in asks] == [NO_REAL] * 6 + [FEW_REAL, MORE_HELP]
    first = symbols[0]
    assert {"id", "command", "package", "mode", "unicode", "preview_url", "name", "real_drawings", "why"} <= set(first)


def test_contribute_next_without_per_class_counts_uses_zero_and_the_feedback_store(tmp_path: Path) -> None:
    with app_with_counts(tmp_path, None) as client:
        # Stored feedback counts as real drawings: two picks of \leq (one through its alias \le), one of \sum.
        for number, chosen in enumerate([LEQ, "latex2e-OT1-_le", SUM]):
            assert client.post("/feedback", json=feedback_body(number, chosen_id=chosen, shown=[])).status_code == 201
        answer = asked(client)
    assert answer["counts"]["training"].startswith("default: 0 for every class")
    asks = [s for s in answer["symbols"] if s["why"] != CHECK]
    by_id = {s["id"]: s["real_drawings"] for s in answer["symbols"]}
    assert by_id[LEQ] == 2 and by_id[SUM] == 1
    assert [s["real_drawings"] for s in asks] == sorted(s["real_drawings"] for s in asks)
    assert all(s["why"] == NO_REAL for s in asks if s["real_drawings"] == 0)


def test_contribute_next_leaves_suspect_contributions_out_of_the_counts(tmp_path: Path) -> None:
    with app_with_counts(tmp_path, None) as client:
        state = client.app.state
        body = feedback_body(0, chosen_id=REALS, shown=[], source="contribute", session="visit-0001")
        assert client.post("/feedback", json=body).status_code == 201
        store = state.feedback.store
        with store.engine.begin() as connection:  # as the quality rule would have marked it
            connection.exec_driver_sql("UPDATE feedback_samples SET suspect = 1")
        by_id = {s["id"]: s["real_drawings"] for s in asked(client)["symbols"]}
    assert by_id[REALS] == 0


def test_contribute_next_ties_vary_between_requests(tmp_path: Path) -> None:
    with app_with_counts(tmp_path, None) as client:
        orders = {tuple(s["id"] for s in asked(client, seed=seed)["symbols"]) for seed in range(6)}
    assert len(orders) > 1  # contributors spread over the classes nobody has drawn


def test_contribute_next_refuses_a_bad_count(tmp_path: Path) -> None:
    with app_with_counts(tmp_path, None) as client:
        answer = client.get("/contribute/next", params={"count": 0})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "count"]


def test_plan_mixes_one_check_symbol_in_five_from_the_best_known() -> None:
    classes = [f"class-{n:03d}" for n in range(300)]
    real = {glyph: (n if n >= 200 else 0) for n, glyph in enumerate(classes)}  # the last 100 have real data
    asks = plan(classes, real, usage={}, count=20, rng=random.Random(3), config=QueueConfig(check_pool=50))
    assert [a.why == CHECK for a in asks] == [n % 5 == 4 for n in range(20)]
    assert all(a.real_drawings >= 250 for a in asks if a.why == CHECK)  # the 50 with the most real drawings
    assert all(a.real_drawings == 0 for a in asks if a.why != CHECK)
    assert len({a.glyph for a in asks}) == 20


@pytest.mark.parametrize("bad", [[1, 2], [1, -1, 0, 0, 0, 0, 0, 0, 0], "many", [True] * 9])
def test_contribute_next_ignores_malformed_per_class_counts(tmp_path: Path, bad: object) -> None:
    with app_with_counts(tmp_path, bad) as client:  # type: ignore[arg-type]
        answer = asked(client)
    assert answer["counts"]["training"].startswith("default")


@pytest.mark.parametrize("state", ["off", "unavailable"])
def test_contribute_next_answers_from_training_counts_without_the_feedback_store(tmp_path: Path, state: str) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    url = "off" if state == "off" else f"sqlite:///{blocker / 'feedback.sqlite3'}"
    with app_with_counts(tmp_path, [300, 40, 0, 0, 0, 0, 0, 5, 0], database_url=url) as client:
        answer = asked(client)
    assert answer["counts"]["feedback"] == state
    assert [s["real_drawings"] for s in answer["symbols"] if s["why"] != CHECK] == [0, 0, 0, 0, 0, 0, 5, 40]
