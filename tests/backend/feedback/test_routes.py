"""POST /feedback and GET /feedback/stats over HTTP (the router on an app of its own), both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.drawing import DrawingLimits
from backend.errors import ApiError, api_error_handler
from backend.feedback.routes import router
from backend.feedback.service import FeedbackService, open_feedback_service
from tests.backend.feedback.support import ALPHA, ARROW, KNOWN_IDS, REALS, feedback_body


def feedback_app(service: FeedbackService | None) -> FastAPI:
    app = FastAPI()
    app.add_exception_handler(ApiError, api_error_handler)
    app.include_router(router)
    app.state.feedback = service
    return app


@pytest.fixture
def service(database_url: str) -> Iterator[FeedbackService]:
    service = open_feedback_service(database_url, KNOWN_IDS, DrawingLimits())
    assert service is not None
    try:
        yield service
    finally:
        service.close()


@pytest.fixture
def client(service: FeedbackService) -> Iterator[TestClient]:
    with TestClient(feedback_app(service)) as client:
        yield client


def test_post_feedback_answers_201_with_the_stored_id(client: TestClient, service: FeedbackService) -> None:
    first = client.post("/feedback", json=feedback_body(1))
    second = client.post("/feedback", json=feedback_body(2, chosen_id=REALS))
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] > first.json()["id"]
    stored = {row.id: row.chosen_id for row in service.store.iter_samples()}
    assert stored == {first.json()["id"]: ALPHA, second.json()["id"]: REALS}


def test_post_feedback_retry_with_the_same_key_answers_200_with_the_same_id(client: TestClient) -> None:
    headers = {"Idempotency-Key": "5b0e8d3c-0c55-4c1e-8a43-2d9a0f6e1b27"}
    first = client.post("/feedback", json=feedback_body(), headers=headers)
    retry = client.post("/feedback", json=feedback_body(), headers=headers)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert client.get("/feedback/stats").json()["total"] == 1


def test_post_feedback_reused_key_for_another_drawing_is_422(client: TestClient) -> None:
    headers = {"Idempotency-Key": "same-key"}
    assert client.post("/feedback", json=feedback_body(1), headers=headers).status_code == 201
    reused = client.post("/feedback", json=feedback_body(2), headers=headers)
    assert reused.status_code == 422
    assert reused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert "different sample" in reused.json()["detail"][0]["msg"]


def test_post_feedback_invalid_body_is_422_naming_the_field_and_stores_nothing(client: TestClient) -> None:
    answer = client.post("/feedback", json=feedback_body(shown=[ARROW, "latex2e-OT1-_nosuchsymbol"]))
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": [
            {
                "loc": ["body", "shown", 1],
                "msg": "'latex2e-OT1-_nosuchsymbol' is not a symbol of the catalogue",
                "type": "value_error",
            }
        ]
    }
    assert client.get("/feedback/stats").json()["total"] == 0


def test_post_feedback_never_stores_an_address_or_identity(client: TestClient, service: FeedbackService) -> None:
    # The client's address and any header a browser adds reach the route; none of it may reach the table.
    headers = {"X-Forwarded-For": "203.0.113.77", "User-Agent": "Mozilla/5.0 fingerprint-me", "Cookie": "sid=abc"}
    assert client.post("/feedback", json=feedback_body(), headers=headers).status_code == 201
    with service.store.engine.connect() as connection:
        dump = repr(connection.exec_driver_sql("SELECT * FROM feedback_samples").all())
    for secret in ("203.0.113.77", "testclient", "Mozilla", "fingerprint", "sid=abc"):
        assert secret not in dump


def test_feedback_stats_count_what_was_posted(client: TestClient) -> None:
    for number, chosen in enumerate([ALPHA, ALPHA, ARROW]):
        assert client.post("/feedback", json=feedback_body(number, chosen_id=chosen)).status_code == 201
    stats = client.get("/feedback/stats").json()
    assert stats["total"] == 3
    assert stats["per_symbol"] == [{"id": ALPHA, "count": 2}, {"id": ARROW, "count": 1}]
    assert sum(day["count"] for day in stats["per_day"]) == 3
    assert stats["chosen_rank"] == {"1": 1, "2": 2}


def test_feedback_turned_off_answers_503() -> None:
    assert open_feedback_service("off", KNOWN_IDS, DrawingLimits()) is None
    with TestClient(feedback_app(None)) as client:
        answer = client.post("/feedback", json=feedback_body())
        assert answer.status_code == 503
        assert "turned off" in answer.json()["detail"][0]["msg"]
        assert client.get("/feedback/stats").status_code == 503


def test_feedback_route_is_documented_in_openapi(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/feedback"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"strokes", "chosen_id", "shown", "model_version", "client"}
    assert {"201", "200", "422", "503"} <= set(operation["responses"])
    assert any(p["name"] == "idempotency-key" and p["in"] == "header" for p in operation["parameters"])
