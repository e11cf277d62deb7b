"""The demo page in real headless Chromium: draw, see candidates, copy, undo, clear, search."""

import json
import subprocess

import httpx
import pytest

from tests.backend.browser_pages import page_test_marks
from tests.backend.live_server import NO_SHIPPED_MODEL, REPO_ROOT, SHIPPED_MODEL_DIR, live_server, shipped_model_present
from tests.backend.model_fixtures import write_model_dir

SCRIPT = REPO_ROOT / "tests" / "backend" / "demo_page.mjs"
pytestmark = page_test_marks(needs_shipped_model=False)


def drive(url, screenshot, query, expected):
    result = subprocess.run(
        ["node", str(SCRIPT), url, str(screenshot), query, expected], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def feedback_database(tmp_path):
    return {"TEXSKETCH_DATABASE_URL": f"sqlite:///{tmp_path / 'feedback.sqlite3'}"}


def test_demo_page_draw_see_candidates_copy_and_search_fixture_model(tmp_path):
    with live_server(write_model_dir(tmp_path / "models"), env=feedback_database(tmp_path)) as server:
        report = drive(server.url, tmp_path / "demo.png", "less than or equal", "\\leq")
        stats = httpx.get(f"{server.url}/feedback/stats").json()
    assert report["ok"]
    assert stats["total"] == 1
    assert stats["per_symbol"] == [{"id": report["feedback"], "count": 1}]
    assert len(report["commands"]) == 5
    assert report["previews"] == 5
    assert all(count >= 2 for count in report["points"])
    assert report["found"][0] == "\\leq"
    assert (tmp_path / "demo.png").stat().st_size > 10_000


@pytest.mark.skipif(not shipped_model_present(), reason=NO_SHIPPED_MODEL)
def test_demo_page_recognises_a_plus_with_the_shipped_model(tmp_path):
    with live_server(SHIPPED_MODEL_DIR, env=feedback_database(tmp_path)) as server:
        report = drive(server.url, tmp_path / "demo.png", "leq", "\\leq")
    assert report["ok"]
    assert "+" in report["commands"]
