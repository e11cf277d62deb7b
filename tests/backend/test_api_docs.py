"""API documentation and conventions: /docs and /redoc work offline (assets from this server), a favicon,
one error shape on every route (404, 405, 415, 422), and JSON endpoints that refuse other media types."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.api_schema import ErrorResponse
from backend.app import create_app
from backend.settings import Settings
from tests.backend.live_server import REPO_ROOT, live_server
from tests.backend.model_fixtures import write_model_dir

PLUS = [[[0, 5], [10, 5]], [[5, 0], [5, 10]]]
SCRIPT = REPO_ROOT / "tests" / "backend" / "api_docs_page.mjs"
PLAYWRIGHT = REPO_ROOT / "extension" / "node_modules" / "playwright-core"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model_dir(tmp_path_factory.mktemp("docs") / "models")


@pytest.fixture(scope="module")
def client(model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    database = tmp_path_factory.mktemp("docs-db") / "feedback.sqlite3"
    with TestClient(create_app(Settings(model_dir=model_dir, database_url=f"sqlite:///{database}"))) as client:
        yield client


def only_error(response, status: int):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"detail"}
    (item,) = ErrorResponse.model_validate(response.json()).detail
    assert set(response.json()["detail"][0]) == {"loc", "msg", "type"}
    return item


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_pages_load_every_asset_from_this_server(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
        response = client.get(asset)
        assert response.status_code == 200, asset
    assert "cdn" not in html.lower() and "googleapis" not in html


def test_api_docs_favicon_is_served(client: TestClient) -> None:
    ico = client.get("/favicon.ico")
    assert (ico.status_code, ico.headers["content-type"]) == (200, "image/x-icon")
    assert ico.content[:4] == b"\x00\x00\x01\x00"  # the ICO signature
    svg = client.get("/favicon.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content


def test_api_errors_wrong_method_is_405_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/predict")
    error = only_error(response, 405)
    assert error.loc == ["method"] and "POST" in error.msg
    assert response.headers["allow"] == "POST"
    assert only_error(client.put("/feedback", json={}), 405).loc == ["method"]


def test_api_errors_unknown_path_is_404_in_the_error_shape(client: TestClient) -> None:
    assert only_error(client.get("/no/such/page"), 404).loc == ["path"]
    assert only_error(client.get("/symbols/no-such-id"), 404).loc == ["path", "id"]


def test_api_errors_query_validation_is_422_in_the_error_shape(client: TestClient) -> None:
    error = only_error(client.get("/symbols", params={"limit": 0}), 422)
    assert error.loc == ["query", "limit"]


@pytest.mark.parametrize("path", ["/predict", "/feedback"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_api_errors_json_endpoints_refuse_other_media_types_with_415(
    client: TestClient, path: str, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    body = json.dumps({"strokes": PLUS}).encode()
    error = only_error(client.post(path, content=body, headers=headers), 415)
    assert error.loc == ["header", "Content-Type"]


def test_api_json_with_charset_is_json(client: TestClient) -> None:
    body = json.dumps({"strokes": PLUS}).encode()
    response = client.post("/predict", content=body, headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 200


def test_api_openapi_states_the_limits_the_server_enforces(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    predict = schema["paths"]["/predict"]["post"]
    strokes = predict["requestBody"]["content"]["application/json"]["schema"]["properties"]["strokes"]
    assert strokes["maxItems"] == 64 and strokes["items"]["maxItems"] == 1200
    assert strokes["x-max-points-in-all"] == 4000
    x = strokes["items"]["items"]["prefixItems"][0]
    assert (x["minimum"], x["maximum"]) == (-1e7, 1e7)
    assert "415" in predict["responses"]
    feedback = schema["paths"]["/feedback"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    ids = schema["components"]["schemas"]["CatalogueId"]["enum"]
    assert "latex2e-OT1-_alpha" in ids and feedback["properties"]["chosen_id"]["$ref"].endswith("/CatalogueId")
    assert feedback["properties"]["shown"]["uniqueItems"] is True
    assert feedback["properties"]["client"]["pattern"].startswith("^")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (make system-deps)")
@pytest.mark.skipif(not PLAYWRIGHT.is_dir(), reason="playwright-core is not installed (npm ci in extension/)")
def test_api_docs_render_in_chromium_with_the_network_blocked(model_dir: Path, tmp_path: Path) -> None:
    with live_server(model_dir, env={"TEXSKETCH_DATABASE_URL": "off"}) as server:
        result = subprocess.run(
            ["node", str(SCRIPT), server.url, str(tmp_path)], capture_output=True, text=True, timeout=180
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    assert report["swaggerOperations"] >= 8, report
    assert "TeXSketch" in report["swaggerTitle"]
    assert report["redocOperations"] >= 8, report
    # Nothing asked of another host: ReDoc's bundle would fetch its logo from cdn.redoc.ly (issue 24).
    assert report["blocked"] == []
    assert report["favicon"] == 200
    assert (tmp_path / "docs.png").stat().st_size > 10_000
