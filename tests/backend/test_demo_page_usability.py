"""The demo page in real headless Chromium with the shipped model, on what issue 13 found a new user trips over:
a scribble is answered "not sure" with a way to search, keys 1-5 copy, previews keep their true relative size,
search shows its count, and on a 390 x 844 phone the first three candidates are on screen after drawing."""

import json
import subprocess

from tests.backend.browser_pages import page_test_marks
from tests.backend.live_server import REPO_ROOT, SHIPPED_MODEL_DIR, live_server

SCRIPT = REPO_ROOT / "tests" / "backend" / "demo_page_usability.mjs"
pytestmark = page_test_marks()


def drive(scenario, screenshot, tmp_path):
    env = {"TEXSKETCH_DATABASE_URL": f"sqlite:///{tmp_path / 'feedback.sqlite3'}"}
    with live_server(SHIPPED_MODEL_DIR, env=env) as server:
        result = subprocess.run(
            ["node", str(SCRIPT), server.url, scenario, str(screenshot)], capture_output=True, text=True, timeout=180
        )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_demo_page_scribble_not_sure_keys_true_sizes_and_search_count_shipped_model(tmp_path):
    report = drive("desktop", tmp_path / "demo.png", tmp_path)
    assert report["ok"]
    assert report["scribble"]["notSure"] == "true" and report["scribble"]["candidates"] == 5
    assert report["scribble"]["note"] == "Not sure: draw it again or search."
    assert report["keysCopied"]
    assert report["commands"][0] == "+"
    assert report["arrowCount"].startswith("24 of ")
    assert set(report["arrowFirst"]) & {"\\rightarrow", "\\leftarrow"}
    assert "same symbol as \\rightarrow" in report["toRow"]
    assert report["sizes"]["sum"]["ink"] > report["sizes"]["Sigma"]["ink"]
    assert report["sizes"]["bullet"]["ink"] > report["sizes"]["period"]["ink"]
    assert (tmp_path / "demo-not-sure.png").stat().st_size > 10_000


def test_demo_page_phone_first_three_candidates_on_screen_after_drawing_shipped_model(tmp_path):
    report = drive("phone", tmp_path / "phone.png", tmp_path)
    assert report["ok"]
    assert report["scrollY"] == 0
    assert max(report["bottoms"][:3]) <= report["viewportHeight"] == 844
    assert report["keyboardTipShown"] is False
