"""Schemathesis against the real server over HTTP, from the OpenAPI document the server itself publishes.

For every operation: a few hundred requests generated to fit the schema (positive) must all be accepted,
and as many generated to break it (negative) must never cause a 5xx. Bodies that fit the schema yet get
refused would mean the schema does not state a limit the server enforces; that is what this test guards.
The one limit JSON Schema cannot state (points of all strokes together) is far above what is generated.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.backend.feedback.support import ThreadedServer
from tests.backend.model_fixtures import write_model_dir

EXAMPLES_PER_MODE = 150
OPERATIONS = [
    ("POST", "/predict"),
    ("POST", "/feedback"),
    ("GET", "/feedback/stats"),
    ("GET", "/contribute/next"),
    ("GET", "/symbols"),
    ("GET", "/symbols/{id}"),
    ("GET", "/previews/{name}"),
    ("GET", "/health"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/metrics"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedServer]:
    folder = tmp_path_factory.mktemp("schema-fuzz")
    with ThreadedServer(write_model_dir(folder / "models"), f"sqlite:///{folder / 'feedback.sqlite3'}") as server:
        yield server


@pytest.fixture(scope="module")
def api_schema(served: ThreadedServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{served.base_url}/openapi.json")


def accepted(method: str, path: str, status: int, body: bytes) -> bool:
    """A schema-valid request may still be refused for a reason that lies in the server's state, not the data."""
    if 200 <= status < 300:
        return True
    # A well-formed preview name (md5 of an id) names no file unless it is one of the catalogue's.
    if path == "/previews/{name}" and status == 404:
        return True
    # A generated Idempotency-Key may repeat one stored earlier with another sample: refused by design.
    return path == "/feedback" and status == 422 and b"idempotency_conflict" in body


def fuzz(operation: schemathesis.APIOperation, mode: GenerationMode, base_url: str) -> None:
    """EXAMPLES_PER_MODE generated requests: never a 5xx; in positive mode, accepted and answered as documented."""
    method, path = operation.method.upper(), operation.path

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_MODE, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, timeout=30)
        assert response.status_code < 500, (case.as_curl_command(), response.content[:300])
        if mode is GenerationMode.POSITIVE:
            refused = (response.status_code, response.content[:300], case.as_curl_command())
            assert accepted(method, path, response.status_code, response.content), refused
            case.validate_response(response, checks=[response_schema_conformance])

    try:
        check()
    except Unsatisfiable:
        # No parameters and no body (e.g. /health/live): there is nothing to break in negative mode.
        assert mode is GenerationMode.NEGATIVE


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_schema_fuzz_no_5xx_and_no_valid_request_refused(
    api_schema: schemathesis.BaseSchema, served: ThreadedServer, method: str, path: str
) -> None:
    operation = api_schema[path][method]
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        fuzz(operation, mode, served.base_url)
