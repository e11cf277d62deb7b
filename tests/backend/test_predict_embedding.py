"""`POST /predict` with `"embedding": true` (issue 12): the model's embedding beside the scores, over real HTTP
semantics in process (TestClient, lifespan included), with batching on and off, and for a model without it."""

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from backend import render
from backend.api_schema import ErrorResponse, PredictResponse
from backend.app import create_app
from backend.catalogue import load_catalogue
from backend.model_card import ModelLoadError
from backend.recognizer import Recognizer
from backend.settings import Settings
from tests.backend.model_fixtures import SYMBOLS, glyph_labels, write_catalogue, write_model, write_model_dir

PLUS = [[[0, 5], [10, 5]], [[5, 0], [5, 10]]]
SIZE = 24


def embedding_model_dir(path):
    write_catalogue(path)
    write_model(path, glyph_labels(SYMBOLS), embedding_size=SIZE)
    return path


@pytest.fixture(scope="module", params=[True, False], ids=["batching", "no-batching"])
def client(request, tmp_path_factory):
    settings = Settings(
        model_dir=embedding_model_dir(tmp_path_factory.mktemp("emb") / "models"), batching=request.param
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_predict_embedding_true_returns_the_models_unit_embedding(client, tmp_path):
    answer = client.post("/predict", json={"strokes": PLUS, "k": 3, "embedding": True})
    assert answer.status_code == 200, answer.text
    body = PredictResponse.model_validate(answer.json())
    assert len(body.embedding) == SIZE
    assert np.linalg.norm(body.embedding) == pytest.approx(1.0, abs=1e-5)
    # The same numbers as onnxruntime's own output for the same rendered image (float32, exactly).
    recognizer = Recognizer.load(embedding_model_dir(tmp_path / "m"), load_catalogue(tmp_path / "m" / "symbols.json"))
    direct = recognizer.session.run(["embedding"], {"image": render.render(PLUS)[None]})[0][0]
    assert body.embedding == direct.tolist()


def test_predict_without_the_flag_has_no_embedding_and_the_same_predictions(client):
    plain = client.post("/predict", json={"strokes": PLUS, "k": 5}).json()
    flagged = client.post("/predict", json={"strokes": PLUS, "k": 5, "embedding": True}).json()
    assert "embedding" not in plain
    assert plain["predictions"] == flagged["predictions"]
    off = client.post("/predict", json={"strokes": PLUS, "embedding": False}).json()
    assert "embedding" not in off


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_predict_embedding_not_a_boolean_is_refused_naming_the_field(client, value):
    response = client.post(
        "/predict",
        content=json.dumps({"strokes": PLUS, "embedding": value}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    detail = ErrorResponse.model_validate(response.json()).detail[0]
    assert detail.loc == ["body", "embedding"]
    assert "true or false" in detail.msg


def test_predict_embedding_true_on_a_model_without_it_answers_null(tmp_path):
    settings = Settings(model_dir=write_model_dir(tmp_path / "models"))
    with TestClient(create_app(settings)) as client:
        answer = client.post("/predict", json={"strokes": PLUS, "embedding": True})
    assert answer.status_code == 200
    assert answer.json()["embedding"] is None
    assert len(answer.json()["predictions"]) == 5


def test_recognizer_refuses_an_embedding_size_other_than_the_models(tmp_path):
    model_dir = embedding_model_dir(tmp_path / "models")
    card = json.loads((model_dir / "model.json").read_text())
    card["embedding_size"] = SIZE + 1
    (model_dir / "model.json").write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match="embedding has 24 values but model.json says embedding_size 25"):
        Recognizer.load(model_dir, load_catalogue(model_dir / "symbols.json"))


def test_recognizer_refuses_an_embedding_output_the_model_lacks(tmp_path):
    model_dir = write_model_dir(tmp_path / "models")
    card = json.loads((model_dir / "model.json").read_text())
    card.update(embedding_output="embedding", embedding_size=SIZE)
    (model_dir / "model.json").write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match="names the embedding output 'embedding'"):
        Recognizer.load(model_dir, load_catalogue(model_dir / "symbols.json"))
