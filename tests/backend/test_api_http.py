"""The API over real HTTP: `python -m backend` in a subprocess (uvicorn, uvloop, httptools) on a free port."""

import socket
from urllib.parse import quote, urlsplit

import httpx
import pytest

from backend.api_schema import Health, PredictResponse, SymbolDetail
from backend.model_card import load_model_card
from tests.backend.live_server import NO_SHIPPED_MODEL, SHIPPED_MODEL_DIR, live_server, shipped_model_present
from tests.backend.model_fixtures import write_model_dir
from tests.backend.prometheus_text import sample_value

# Clean drawings a writer would make (y grows down), with the command the shipped model must rank top-5.
PLUS = [[[0, 50], [100, 50]], [[50, 0], [50, 100]]]
JSON = {"content-type": "application/json"}
EQUALS = [[[0, 30], [100, 30]], [[0, 70], [100, 70]]]
MINUS_BIG_ARROW = [[[0, 50], [100, 50]], [[80, 35], [100, 50], [80, 65]]]


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory):
    with live_server(write_model_dir(tmp_path_factory.mktemp("http") / "models")) as server:
        yield server


@pytest.fixture(scope="module")
def shipped_server():
    if not shipped_model_present():
        pytest.skip(NO_SHIPPED_MODEL)
    with live_server(SHIPPED_MODEL_DIR) as server:
        yield server


def raw_exchange(url: str, request: bytes) -> bytes:
    """Send bytes on a fresh connection and return what the server answers (until it closes or 2 s pass)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=2) as connection:
        connection.sendall(request)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
                if b"\r\n\r\n" in answer and answer.endswith(b"}"):
                    break
        except TimeoutError:
            pass
    return answer


def test_http_declared_oversized_body_is_refused_before_it_is_sent(fixture_server):
    # Only the headers go out: the server must answer 413 without waiting for 50 MB.
    head = b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
    answer = raw_exchange(fixture_server.url, head)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"loc":["body"]' in answer


def test_http_chunked_oversized_body_is_refused(fixture_server):
    def chunks():
        yield b'{"strokes": [['
        for _ in range(400):
            yield b"[1, 2]," * 500

    response = httpx.post(f"{fixture_server.url}/predict", content=chunks(), timeout=10, headers=JSON)
    assert response.status_code == 413
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_http_malformed_json_is_422(fixture_server):
    response = httpx.post(f"{fixture_server.url}/predict", content=b'{"strokes": [[[1, 2]]', timeout=10, headers=JSON)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_http_python_nan_is_422_naming_it(fixture_server):
    response = httpx.post(
        f"{fixture_server.url}/predict", content=b'{"strokes": [[[NaN, 2]]]}', timeout=10, headers=JSON
    )
    assert response.status_code == 422
    assert "NaN" in response.json()["detail"][0]["msg"]


def test_http_keep_alive_connection_serves_many_predictions(fixture_server):
    with httpx.Client(base_url=fixture_server.url) as client:
        answers = [client.post("/predict", json={"strokes": PLUS, "k": 2}) for _ in range(50)]
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1


def test_http_shipped_model_answers_match_its_metadata(shipped_server):
    card = load_model_card(SHIPPED_MODEL_DIR)
    health = Health.model_validate(httpx.get(f"{shipped_server.url}/health").json())
    assert health.model.sha256 == card.sha256
    assert health.labels == len(card.labels)
    answer = PredictResponse.model_validate(httpx.post(f"{shipped_server.url}/predict", json={"strokes": PLUS}).json())
    assert answer.model.version == card.version
    assert len(answer.predictions) == 5
    assert all(p.id in card.labels for p in answer.predictions)


@pytest.mark.parametrize(("strokes", "command"), [(PLUS, "+"), (EQUALS, "=")])
def test_http_shipped_model_recognises_clean_drawings(shipped_server, strokes, command):
    answer = httpx.post(f"{shipped_server.url}/predict", json={"strokes": strokes, "k": 5}).json()
    assert command in [p["command"] for p in answer["predictions"]], answer


def test_http_shipped_model_shows_each_glyph_once(shipped_server):
    with httpx.Client(base_url=shipped_server.url) as client:
        for strokes in (PLUS, EQUALS, MINUS_BIG_ARROW):
            predictions = client.post("/predict", json={"strokes": strokes, "k": 20}).json()["predictions"]
            glyphs = [client.get("/symbols/" + quote(p["id"], safe="")).json()["glyph"] for p in predictions]
            assert len(glyphs) == len(set(glyphs))
            member_ids = {a["id"] for p in predictions for a in p["alternatives"]}
            assert not member_ids & {p["id"] for p in predictions}


def test_http_shipped_catalogue_search_and_previews(shipped_server):
    with httpx.Client(base_url=shipped_server.url) as client:
        for query in ("leq", "less-than or equal", "≤"):
            symbols = client.get("/symbols", params={"q": query}).json()["symbols"]
            assert "\\leq" in [s["command"] for s in symbols[:3]], (query, symbols[:3])
        first = client.get("/symbols", params={"q": "alpha"}).json()["symbols"][0]
        detail = SymbolDetail.model_validate(client.get("/symbols/" + quote(first["id"], safe="")).json())
        assert detail.command == "\\alpha"
        if detail.preview_url:
            preview = client.get(detail.preview_url)
            assert preview.status_code == 200
            assert preview.content.lstrip().startswith((b"<svg", b"<?xml"))
            assert "max-age" in preview.headers["cache-control"]


def test_http_metrics_are_prometheus_text(shipped_server):
    httpx.post(f"{shipped_server.url}/predict", json={"strokes": PLUS})
    response = httpx.get(f"{shipped_server.url}/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert sample_value(text, "texsketch_requests_total", route="/predict", method="POST", status="200") >= 1
    version = load_model_card(SHIPPED_MODEL_DIR).version
    assert any(line.startswith("texsketch_model_info{") and version in line for line in text.splitlines())
