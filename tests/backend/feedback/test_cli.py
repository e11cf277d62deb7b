"""`python -m backend.feedback` as users type it: options before or after the command name, and every
command line of backend/feedback/README.md, run as written."""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from backend.drawing import DrawingLimits
from backend.feedback.__main__ import main
from backend.feedback.database import EngineConfig
from backend.feedback.store import FeedbackStore, StoreConfig
from backend.feedback.submission import parse_feedback_body
from tests.backend.feedback.support import KNOWN_IDS, REPO_ROOT, encode, feedback_body

README = REPO_ROOT / "backend" / "feedback" / "README.md"


def add_samples(database_url: str, count: int) -> None:
    store = FeedbackStore(StoreConfig(engine=EngineConfig(url=database_url)))
    try:
        for n in range(count):
            store.add(parse_feedback_body(encode(feedback_body(n)), KNOWN_IDS, DrawingLimits()))
    finally:
        store.close()


@pytest.mark.parametrize(
    "order",
    [
        ["export", "--out", "{out}", "--database-url", "{url}", "--no-progress"],
        ["--database-url", "{url}", "export", "--out", "{out}", "--no-progress"],
        ["export", "--database-url", "{url}", "--no-progress", "--out", "{out}"],
    ],
    ids=["after", "before", "between"],
)
def test_cli_export_takes_database_url_in_any_position(
    database_url: str, tmp_path: Path, order: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    add_samples(database_url, 3)
    out = tmp_path / "feedback.jsonl.gz"
    argv = [part.format(out=out, url=database_url) for part in order]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["exported"] == 3
    assert len(gzip.decompress(out.read_bytes()).splitlines()) == 3


def test_cli_option_after_the_command_overrides_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    given = f"sqlite:///{tmp_path / 'given.sqlite3'}"
    add_samples(given, 2)
    monkeypatch.setenv("TEXSKETCH_DATABASE_URL", f"sqlite:///{tmp_path / 'environment.sqlite3'}")
    assert main(["stats", "--database-url", given]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 2


def readme_commands() -> list[str]:
    """Every `python -m backend.feedback ...` line inside the README's sh blocks, comments dropped."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.DOTALL)
    lines = [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("python -m backend.feedback")]


def test_cli_readme_examples_run_as_written(tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) >= 4, commands
    # The README's relative paths (data/feedback.sqlite3, data-cache/...) land in this folder.
    add_samples(f"sqlite:///{tmp_path / 'data' / 'feedback.sqlite3'}", 2)
    (tmp_path / "data-cache").mkdir()
    environment = {k: v for k, v in os.environ.items() if k not in ("TEXSKETCH_DATABASE_URL", "DATABASE_URL")}
    environment["PYTHONPATH"] = str(REPO_ROOT)
    for command in commands:
        argv = [sys.executable, *shlex.split(command)[1:]]
        result = subprocess.run(argv, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        if " export " in f" {command} ":
            assert summary["exported"] == 2, (command, summary)
