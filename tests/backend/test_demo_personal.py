"""The demo page's personal examples in real headless Chromium against the real server with the shipped model
(its embedding output; added by tests.backend.embedding_model while the shipped model lacks it)."""

import json
import subprocess

from tests.backend.browser_pages import page_test_marks
from tests.backend.embedding_model import write_models_with_embedding
from tests.backend.live_server import REPO_ROOT, SHIPPED_MODEL_DIR, live_server

SCRIPT = REPO_ROOT / "tests" / "backend" / "demo_personal.mjs"
pytestmark = page_test_marks()


def test_demo_page_correction_personal_symbol_export_import_and_nothing_sent(tmp_path):
    models = write_models_with_embedding(SHIPPED_MODEL_DIR, tmp_path / "models")
    env = {"TEXSKETCH_DATABASE_URL": f"sqlite:///{tmp_path / 'feedback.sqlite3'}"}
    with live_server(models, env=env) as server:
        result = subprocess.run(
            ["node", str(SCRIPT), server.url, str(tmp_path)], capture_output=True, text=True, timeout=180
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ok"]
    assert report["after"][0] == report["before"][2]
    assert report["rows"][-1] == "\\R"
    assert report["posted"] == ["/predict"]
    assert report["simd"] is True
