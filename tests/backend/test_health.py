"""`/health` reports each dependency truthfully; liveness and readiness are separate probes."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.api_schema import Health, Probe
from backend.app import create_app
from backend.settings import Settings
from tests.backend.model_fixtures import write_model_dir

# A PostgreSQL socket folder that does not exist: every connection attempt fails at once.
UNREACHABLE_POSTGRES = "postgresql://texsketch@/feedback?host=/nonexistent-texsketch-socket&port=5432"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model_dir(tmp_path_factory.mktemp("health") / "models")


def client_for(model_dir: Path, database_url: str) -> TestClient:
    return TestClient(create_app(Settings(model_dir=model_dir, database_url=database_url)))


def test_health_with_feedback_database_down_is_degraded_naming_it(model_dir: Path) -> None:
    with client_for(model_dir, UNREACHABLE_POSTGRES) as client:
        response = client.get("/health")
        assert response.status_code == 200  # /predict still works: a load balancer keeps the instance
        health = Health.model_validate(response.json())
        assert health.status == "degraded"
        assert health.dependencies.model_dump() == {"model": "ok", "catalogue": "ok", "feedback_store": "down"}
        assert client.post("/feedback", json={}).status_code in (422, 503)
        assert client.get("/health/ready").status_code == 200


def test_health_with_working_feedback_database_is_ok(model_dir: Path, tmp_path: Path) -> None:
    with client_for(model_dir, f"sqlite:///{tmp_path / 'feedback.sqlite3'}") as client:
        health = Health.model_validate(client.get("/health").json())
        assert health.status == "ok"
        assert health.dependencies.feedback_store == "ok"
        assert health.model.version == "fixture-1"


def test_health_with_feedback_turned_off_says_disabled(model_dir: Path) -> None:
    with client_for(model_dir, "off") as client:
        health = Health.model_validate(client.get("/health").json())
        assert health.status == "ok"
        assert health.dependencies.feedback_store == "disabled"


def test_health_liveness_and_readiness_are_separate_probes(model_dir: Path) -> None:
    with client_for(model_dir, UNREACHABLE_POSTGRES) as client:
        live = client.get("/health/live")
        ready = client.get("/health/ready")
    assert (live.status_code, Probe.model_validate(live.json()).status) == (200, "ok")
    assert (ready.status_code, Probe.model_validate(ready.json()).status) == (200, "ready")


def test_health_readiness_is_503_before_the_model_is_loaded(model_dir: Path) -> None:
    # Without the lifespan (no `with`), the app has not loaded its model: not ready, but alive.
    client = TestClient(create_app(Settings(model_dir=model_dir, database_url="off")))
    assert client.get("/health/ready").status_code == 503
    assert client.get("/health").status_code == 503
    assert client.get("/health/live").status_code == 200
