"""The demo and contribute pages in real headless Chromium with the shipped model, on what a new user tripped over
in issue 24: axe-core finds no serious or critical violation (demo page empty, with candidates and with search
results; contribute page; the HTML 404 page); candidates under 1 % are greyed "unlikely"; "also" lists hold
neither the answer itself nor duplicates nor other-mode twins; a correction says "Learnt" with an Undo; browsing
starts with the most used symbols; names wrap between words; "Import..." works by keyboard; the phone's "Copied"
toast covers no candidate; Enter after Skip submits the drawing; the reason Submit is greyed and the consent box
are on screen; the "check symbol" badge is explained."""

import json
import subprocess

from tests.backend.browser_pages import page_test_marks
from tests.backend.live_server import REPO_ROOT, SHIPPED_MODEL_DIR, live_server

SCRIPT = REPO_ROOT / "tests" / "backend" / "new_user_pages.mjs"
pytestmark = page_test_marks()


def drive(scenario, tmp_path):
    env = {"TEXSKETCH_DATABASE_URL": f"sqlite:///{tmp_path / 'feedback.sqlite3'}"}
    with live_server(SHIPPED_MODEL_DIR, env=env) as server:
        result = subprocess.run(
            ["node", str(SCRIPT), server.url, scenario, str(tmp_path)], capture_output=True, text=True, timeout=240
        )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_demo_page_new_user_no_axe_violations_unlikely_greyed_learnt_undo_browse_by_usage_keyboard(tmp_path):
    report = drive("demo", tmp_path)
    assert report["ok"]
    assert report["axe"] == {
        "not-found": [],
        "demo-empty": [],
        "demo-candidates": [],
        "demo-learnt": [],
        "demo-search": [],
    }
    assert report["notFound"]["status"] == 404 and report["notFoundJson"]["detail"][0]["loc"] == ["path"]
    assert all(c["score"] == "<1%" for c in report["plus"] if c["unlikely"] == "true")
    assert report["learnt"].startswith("Learnt: this drawing") and report["examplesAfterUndo"] == 0
    assert report["personalRow"].endswith("1 drawing")
    assert report["midWordBreaks"] == [] and report["columns"] == 5
    assert report["importByKeyboard"]


def test_demo_page_phone_copied_toast_covers_no_candidate(tmp_path):
    report = drive("phone", tmp_path)
    assert report["ok"] and report["covered"] == []


def test_contribute_page_enter_after_skip_submits_reason_and_consent_on_screen_check_symbol_explained(tmp_path):
    report = drive("contribute", tmp_path)
    assert report["ok"]
    assert report["axe"] == {"contribute": [], "contribute-ticked": []}
    assert report["whyTicked"] == "Draw the symbol first."
    assert "check" in report["checkTitle"]
