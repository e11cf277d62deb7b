"""`/predict` says how sure it is: `confidence` and `not_sure` on every answer (contracts section 4), with the
shipped model's fitted rule for a clear symbol and for junk, and without a rule for an uncalibrated model."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from backend.api_schema import PredictResponse
from backend.app import create_app
from backend.settings import Settings
from tests.backend.live_server import NO_SHIPPED_MODEL, SHIPPED_MODEL_DIR, shipped_model_present
from tests.backend.model_fixtures import write_model_dir

PLUS = [[[0, 50], [100, 50]], [[50, 0], [50, 100]]]


def scribble(seed: int) -> list[list[list[float]]]:
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, 300, (14, 2))
    # Straight runs between random points: the tangle a user makes to cross something out.
    path = np.vstack([np.linspace(a, b, 8) for a, b in zip(points[:-1], points[1:], strict=True)])
    return [path.round(1).tolist()]


def test_predict_without_a_fitted_rule_gives_the_top_score_and_never_not_sure(tmp_path):
    with TestClient(create_app(Settings(model_dir=write_model_dir(tmp_path / "models")))) as client:
        answer = PredictResponse.model_validate(client.post("/predict", json={"strokes": PLUS}).json())
    assert answer.confidence == pytest.approx(answer.predictions[0].score)
    assert answer.not_sure is False


@pytest.fixture(scope="module")
def shipped():
    if not shipped_model_present():
        pytest.skip(NO_SHIPPED_MODEL)
    with TestClient(create_app(Settings(model_dir=SHIPPED_MODEL_DIR))) as client:
        yield client


def test_predict_a_clear_plus_is_sure_shipped_model(shipped):
    answer = PredictResponse.model_validate(shipped.post("/predict", json={"strokes": PLUS}).json())
    assert answer.predictions[0].command == "+"
    assert answer.not_sure is False
    assert answer.confidence > 0.8


def test_predict_scribbles_are_not_sure_but_keep_five_candidates_shipped_model(shipped):
    flagged = 0
    for seed in range(10):
        answer = PredictResponse.model_validate(shipped.post("/predict", json={"strokes": scribble(seed)}).json())
        assert len(answer.predictions) == 5
        assert 0 <= answer.confidence <= 1
        flagged += answer.not_sure
    assert flagged >= 9


def test_predict_a_tap_is_not_sure_shipped_model(shipped):
    answer = shipped.post("/predict", json={"strokes": [[[120, 80]]]}).json()
    assert answer["not_sure"] is True
    assert len(answer["predictions"]) == 5
