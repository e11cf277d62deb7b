"""The HTTP API in-process (`TestClient`, lifespan included): answers, every kind of bad input, search."""

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from backend.api_schema import ErrorResponse, Health, PredictResponse, SymbolDetail, SymbolList
from backend.app import create_app
from backend.recognizer import MAX_K
from backend.settings import Settings
from tests.backend.model_fixtures import SYMBOLS, write_model_dir
from tests.backend.prometheus_text import sample_value

PLUS = [[[0, 5], [10, 5]], [[5, 0], [5, 10]]]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    model_dir = write_model_dir(tmp_path_factory.mktemp("api") / "models")
    settings = Settings(model_dir=model_dir, max_strokes=4, max_points_per_stroke=50, max_points=120)
    with TestClient(create_app(settings)) as client:
        yield client


def error_of(response, status):
    assert response.status_code == status, response.text
    detail = ErrorResponse.model_validate(response.json()).detail
    assert len(detail) == 1
    return detail[0]


def test_predict_answers_ranked_candidates(client):
    response = client.post("/predict", json={"strokes": PLUS, "k": 3})
    assert response.status_code == 200
    answer = PredictResponse.model_validate(response.json())
    assert len(answer.predictions) == 3
    assert [p.score for p in answer.predictions] == sorted((p.score for p in answer.predictions), reverse=True)
    assert answer.model.version == "fixture-1"


def test_predict_defaults_to_five_candidates_and_accepts_timestamps(client):
    strokes = [[[x, y, t] for x, y, t in [(0, 0, 0), (3, 4, 16), (9, 9, 33)]]]
    assert len(client.post("/predict", json={"strokes": strokes}).json()["predictions"]) == 5


def test_predict_same_drawing_same_answer(client):
    first = client.post("/predict", json={"strokes": PLUS}).json()
    assert client.post("/predict", json={"strokes": PLUS}).json() == first


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        (b"{not json", ["body"], "not valid JSON"),
        (b"", ["body"], "not valid JSON"),
        (b'{"strokes": [[[0, NaN]]]}', ["body"], "NaN and Infinity"),
        (b'{"strokes": [[[0, Infinity]]]}', ["body"], "NaN and Infinity"),
        (b'{"strokes": [[[0, -Infinity]]]}', ["body"], "NaN and Infinity"),
        (b'{"strokes": [[[0, 1e999]]]}', ["body"], "too large to be finite"),
        (b"[1, 2]", ["body"], "JSON object"),
        (b'{"k": 3}', ["body", "strokes"], "required"),
        (b'{"strokes": [], "k": 3}', ["body", "strokes"], "empty"),
        (b'{"strokes": [[]]}', ["body", "strokes", 0], "no points"),
        (b'{"strokes": [[[1, 2]], []]}', ["body", "strokes", 1], "no points"),
        (b'{"strokes": "abc"}', ["body", "strokes"], "list of strokes"),
        (b'{"strokes": [[[1, "2"]]]}', ["body", "strokes", 0, 0, 1], "number"),
        (b'{"strokes": [[[1, true]]]}', ["body", "strokes", 0, 0, 1], "number"),
        (b'{"strokes": [[[1, null]]]}', ["body", "strokes", 0, 0, 1], "number"),
        (b'{"strokes": [[[1]]]}', ["body", "strokes", 0, 0], "[x, y]"),
        (b'{"strokes": [[[1, 2, 3, 4]]]}', ["body", "strokes", 0, 0], "[x, y]"),
        (b'{"strokes": [[[1, 2]]], "k": 0}', ["body", "k"], "between 1 and 20"),
        (b'{"strokes": [[[1, 2]]], "k": 21}', ["body", "k"], "between 1 and 20"),
        (b'{"strokes": [[[1, 2]]], "k": 2.5}', ["body", "k"], "integer"),
        (b'{"strokes": [[[1, 2]]], "k": "5"}', ["body", "k"], "integer"),
        (b'{"strokes": [[[1, 2]]], "stroke": []}', ["body", "stroke"], "not a field"),
        (b'{"strokes": [[[1, 2]]], "k": 99999999999999999999999}', ["body", "k"], "integer"),
        (b'{"strokes": [[[1e8, 2]]]}', ["body", "strokes", 0, 0, 0], "coordinate limit"),
    ],
)
def test_predict_rejects_bad_body_naming_the_field(client, body, loc, message):
    error = error_of(client.post("/predict", content=body, headers={"content-type": "application/json"}), 422)
    assert error.loc == loc
    assert message in error.msg


@pytest.mark.parametrize(
    "strokes",
    [[[[0, 0], [5e-324, 0]]], [[[0, 0]], [[1e-310, 1e-310]]], [[[1e7, 1e7], [-1e7, -1e7]]], [[[3, 3]] * 40]],
)
def test_predict_degenerate_drawings_never_fail_with_5xx(client, strokes):
    response = client.post("/predict", json={"strokes": strokes})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert error_of(response, 422).loc == ["body", "strokes"]


def test_predict_rejects_more_strokes_than_the_limit(client):
    error = error_of(client.post("/predict", json={"strokes": [[[i, i]] for i in range(5)]}), 422)
    assert error.loc == ["body", "strokes"]
    assert "limit of 4" in error.msg


def test_predict_rejects_more_points_per_stroke_than_the_limit(client):
    error = error_of(client.post("/predict", json={"strokes": [[[i, i] for i in range(51)]]}), 422)
    assert error.loc == ["body", "strokes", 0]
    assert "limit of 50" in error.msg


def test_predict_rejects_more_points_in_all_than_the_limit(client):
    strokes = [[[i, s] for i in range(50)] for s in range(3)]
    error = error_of(client.post("/predict", json={"strokes": strokes}), 422)
    assert "limit of 120 points" in error.msg


def test_predict_rejects_body_over_the_byte_limit_with_413(client):
    body = b'{"strokes": [[' + b"[1, 2]," * 100_000 + b"[1, 2]]]}"
    error = error_of(client.post("/predict", content=body), 413)
    assert "limit" in error.msg


def test_predict_rejects_streamed_body_over_the_byte_limit_with_413(client):
    def chunks():
        yield b'{"strokes": [['
        for _ in range(2000):
            yield b"[1, 2]," * 50

    error = error_of(client.post("/predict", content=chunks(), headers={"content-type": "application/json"}), 413)
    assert "longer than the limit" in error.msg


def test_predict_k_max_is_clipped_to_the_label_count(client):
    answer = client.post("/predict", json={"strokes": PLUS, "k": MAX_K}).json()
    labels = len([s for s in SYMBOLS if s["glyph"] == s["id"]])
    assert len(answer["predictions"]) == min(MAX_K, labels)


def test_predict_wrong_method_is_405(client):
    assert client.get("/predict").status_code == 405


def test_openapi_documents_predict_request_and_answer(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/predict"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"strokes", "k", "embedding"}
    assert body["properties"]["k"]["maximum"] == MAX_K
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("PredictResponse")
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("leq", "\\leq"),
        ("\\leq", "\\leq"),
        ("less than or equal", "\\leq"),
        ("≤", "\\leq"),
        ("real numbers", "\\mathbb{R}"),
        ("ℝ", "\\mathbb{R}"),
        ("summation", "\\sum"),
        ("stmaryrd", "\\llbracket"),
        ("arrow right", "\\rightarrow"),
    ],
)
def test_symbols_search_finds_by_command_name_character_or_package(client, query, expected):
    response = client.get("/symbols", params={"q": query})
    assert response.status_code == 200
    found = SymbolList.model_validate(response.json())
    assert found.symbols[0].command == expected


def test_symbols_search_filters_by_package_and_mode(client):
    amssymb = client.get("/symbols", params={"package": "amssymb"}).json()["symbols"]
    assert [s["command"] for s in amssymb] == ["\\mathbb{R}"]
    builtin = client.get("/symbols", params={"package": "latex2e", "limit": 200}).json()
    assert builtin["total"] == sum(1 for s in SYMBOLS if s["package"] is None)
    text = client.get("/symbols", params={"mode": "text"}).json()["symbols"]
    assert {s["command"] for s in text} == {"\\textbackslash", "/"}


def test_symbols_search_without_match_is_empty(client):
    assert client.get("/symbols", params={"q": "zzzzqqq"}).json() == {"symbols": [], "total": 0}


@pytest.mark.parametrize(
    ("params", "field"), [({"limit": 0}, "limit"), ({"mode": "both"}, "mode"), ({"q": "x" * 101}, "q")]
)
def test_symbols_search_rejects_bad_parameters(client, params, field):
    response = client.get("/symbols", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


@pytest.mark.parametrize("symbol_id", [s["id"] for s in SYMBOLS])
def test_symbol_by_id_handles_awkward_characters(client, symbol_id):
    response = client.get("/symbols/" + quote(symbol_id, safe=""))
    assert response.status_code == 200
    detail = SymbolDetail.model_validate(response.json())
    assert detail.id == symbol_id
    assert all(a.id != symbol_id for a in detail.alternatives)


def test_symbol_by_id_lists_its_aliases(client):
    detail = client.get("/symbols/" + quote("latex2e-OT1-_to", safe="")).json()
    assert detail["glyph"] == "latex2e-OT1-_rightarrow"
    assert [a["command"] for a in detail["alternatives"]] == ["\\rightarrow"]


def test_unknown_path_opened_in_a_browser_is_an_html_page_api_clients_keep_json(client):
    browser = client.get("/no-such-page", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 404 and browser.headers["content-type"].startswith("text/html")
    assert 'href="/"' in browser.text
    error = error_of(client.get("/no-such-page", headers={"accept": "*/*"}), 404)
    assert error.loc == ["path"]
    # A browser posting to a wrong path is no page view: the JSON error.
    error_of(client.post("/no-such-page", headers={"accept": "text/html"}, json={}), 404)


def test_symbol_by_unknown_id_is_404_naming_the_id(client):
    error = error_of(client.get("/symbols/latex2e-OT1-_nothing"), 404)
    assert error.loc == ["path", "id"]


def test_preview_is_served_with_cache_headers(client):
    summary = client.get("/symbols", params={"q": "alpha"}).json()["symbols"][0]
    response = client.get(summary["preview_url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert "max-age" in response.headers["cache-control"]
    assert b"latex2e-OT1-_alpha" in response.content


@pytest.mark.parametrize("name", ["..%2Fsymbols.json", "nothere.svg", "0" * 32 + ".svg"])
def test_preview_outside_the_catalogue_is_404(client, name):
    assert client.get(f"/previews/{name}").status_code == 404


def test_health_reports_model_and_uptime(client):
    health = Health.model_validate(client.get("/health").json())
    assert health.status == "ok"
    assert health.model.version == "fixture-1"
    assert health.labels == len([s for s in SYMBOLS if s["glyph"] == s["id"]])
    assert health.symbols == len(SYMBOLS)


def test_metrics_count_requests_by_route_and_status(client):
    before = client.get("/metrics").text
    client.post("/predict", json={"strokes": PLUS})
    client.post("/predict", json={"strokes": []})
    after = client.get("/metrics").text

    def count(text, status):
        return sample_value(text, "texsketch_requests_total", route="/predict", method="POST", status=str(status))

    assert count(after, 200) == count(before, 200) + 1
    assert count(after, 422) == count(before, 422) + 1
    assert sample_value(after, "texsketch_request_seconds_bucket", route="/predict", le="+Inf") >= 2
    assert "fixture-1" in after and "texsketch_model_info{" in after


def test_no_cors_headers_by_default(client):
    response = client.post("/predict", json={"strokes": PLUS}, headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_only_for_configured_origins(tmp_path):
    settings = Settings(model_dir=write_model_dir(tmp_path / "models"), cors_origins=["https://ok.example"])
    with TestClient(create_app(settings)) as client:
        good = client.post("/predict", json={"strokes": PLUS}, headers={"origin": "https://ok.example"})
        bad = client.post("/predict", json={"strokes": PLUS}, headers={"origin": "https://evil.example"})
    assert good.headers["access-control-allow-origin"] == "https://ok.example"
    assert "access-control-allow-origin" not in bad.headers


def test_demo_page_and_its_assets_are_served(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    for asset in ("/static/drawing-pad.js", "/static/demo.js", "/static/demo.css"):
        assert asset in page.text
        assert client.get(asset).status_code == 200
