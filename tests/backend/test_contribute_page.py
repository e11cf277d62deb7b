"""The contribute page (/contribute) in real headless Chromium against the real server and the shipped model:
three drawings submitted with the mouse reach the feedback export marked as contributions of one visit, Skip and
"I don't know this symbol" move on; on a 390 x 844 phone a finger draws and submits, everything on screen."""

import gzip
import json
import subprocess

import httpx

from backend.feedback.__main__ import main as feedback_command
from tests.backend.browser_pages import page_test_marks
from tests.backend.live_server import REPO_ROOT, SHIPPED_MODEL_DIR, live_server

SCRIPT = REPO_ROOT / "tests" / "backend" / "contribute_page.mjs"
pytestmark = page_test_marks()


def drive(scenario, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    with live_server(SHIPPED_MODEL_DIR, env={"TEXSKETCH_DATABASE_URL": database_url}) as server:
        result = subprocess.run(
            ["node", str(SCRIPT), server.url, scenario, str(tmp_path / f"contribute-{scenario}.png")],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        stats = httpx.get(f"{server.url}/feedback/stats", timeout=10).json()
    report = json.loads(result.stdout.strip().splitlines()[-1])
    out = tmp_path / "export.jsonl.gz"
    assert feedback_command(["--database-url", database_url, "export", "--out", str(out), "--no-progress"]) == 0
    with gzip.open(out, "rt") as lines:
        records = [json.loads(line) for line in lines]
    return report, stats, records


def test_contribute_page_three_drawings_reach_the_export_as_one_visits_contributions(tmp_path):
    report, stats, records = drive("desktop", tmp_path)
    assert report["ok"]
    assert len(report["submitted"]) == 3 and len(set(report["submitted"])) == 3
    assert [r["label"] for r in records] == report["submitted"]
    assert {r["source"] for r in records} == {"contribute"}
    assert {r["client"] for r in records} == {"demo/contribute"}
    assert len({r["session"] for r in records}) == 1  # one visit: one split group
    assert all(r["shown"] == [] and len(r["strokes"]) >= 1 for r in records)
    # The shipped model judged every label (each asked symbol is one of its classes).
    assert all(isinstance(r["label_rank"], int) and isinstance(r["suspect"], bool) for r in records)
    assert stats["contributions"]["total"] == 3
    assert sorted(row["id"] for row in stats["contributions"]["per_symbol"]) == sorted(report["submitted"])
    # Skipped and unknown symbols send nothing.
    assert report["skipped"] not in report["submitted"] and report["unknown"] not in report["submitted"]
    assert "No address, account, cookie" in report["storedText"]
    assert (tmp_path / "contribute-desktop.png").stat().st_size > 10_000


def test_contribute_page_phone_finger_draws_and_submits_on_one_screen(tmp_path):
    report, stats, records = drive("phone", tmp_path)
    assert report["ok"]
    assert [r["label"] for r in records] == report["submitted"] and len(records) == 1
    assert records[0]["source"] == "contribute"
    assert report["scrollWidth"] <= report["viewport"]["width"] == 390
    assert max(report["bottoms"].values()) <= report["viewport"]["height"] == 844
    assert report["padSize"][0] >= 300  # a finger needs room: nearly the phone's width
