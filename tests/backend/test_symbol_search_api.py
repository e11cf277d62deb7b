"""`GET /symbols` over real HTTP (`python -m backend` in a subprocess): ranking by usage, one row per command,
the total count and the look-alike group of an alias."""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest

from backend.api_schema import SymbolList
from tests.backend.live_server import (
    NO_SHIPPED_MODEL,
    REPO_ROOT,
    SHIPPED_MODEL_DIR,
    free_port,
    live_server,
    server_command,
    shipped_model_present,
)
from tests.backend.model_fixtures import write_model_dir


@pytest.fixture(scope="module")
def shipped():
    if not shipped_model_present():
        pytest.skip(NO_SHIPPED_MODEL)
    with live_server(SHIPPED_MODEL_DIR) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def search(client: httpx.Client, **params) -> SymbolList:
    response = client.get("/symbols", params=params)
    assert response.status_code == 200, response.text
    return SymbolList.model_validate(response.json())


def test_symbols_api_arrow_ranks_a_plain_arrow_in_the_first_three_and_counts_all(shipped):
    found = search(shipped, q="arrow", limit=24)
    assert {"\\rightarrow", "\\leftarrow"} & {row.command for row in found.symbols[:3]}
    assert len(found.symbols) == 24 and found.total > 100  # "24 of 112, more"
    usage = [row.usage for row in found.symbols]
    assert usage[0] > 0 and all(u >= 0 for u in usage)


def test_symbols_api_to_is_the_alias_of_rightarrow(shipped):
    row = search(shipped, q="to").symbols[0]
    assert row.command == "\\to"
    assert row.alias_of is not None and row.alias_of.command == "\\rightarrow"
    assert row.alias_of.id == "latex2e-OT1-_rightarrow"
    representative = search(shipped, q="\\rightarrow").symbols[0]
    assert representative.command == "\\rightarrow" and representative.alias_of is None


def test_symbols_api_leq_before_triangleq(shipped):
    commands = [row.command for row in search(shipped, q="leq", limit=50).symbols]
    assert commands[0] == "\\leq"
    assert "\\triangleq" not in commands or commands.index("\\triangleq") > commands.index("\\leq")


def test_symbols_api_one_row_per_command_with_every_package(shipped):
    rows = search(shipped, q="integral", limit=200).symbols
    iint = [row for row in rows if row.command == "\\iint"]
    assert len(iint) == 1
    assert iint[0].packages[:2] == ["amsmath", "esint"] and iint[0].package == "amsmath"
    assert len({row.command for row in rows}) == len(rows)


def test_symbols_api_total_counts_rows_beyond_the_limit(shipped):
    everything = search(shipped, limit=200)
    assert everything.total > 1000 and len(everything.symbols) == 200
    assert search(shipped, q="mathbb", limit=3).total == len(search(shipped, q="mathbb", limit=200).symbols)


def test_symbols_api_without_usage_file_still_searches(tmp_path):
    model_dir = write_model_dir(tmp_path / "models")  # the fixture model folder has no usage.json
    with live_server(model_dir) as server:
        found = SymbolList.model_validate(httpx.get(f"{server.url}/symbols", params={"q": "→"}).json())
    assert [row.command for row in found.symbols] == ["\\rightarrow", "\\to"]
    assert all(row.usage == 0 for row in found.symbols)


def test_symbols_api_malformed_usage_file_stops_start_up_with_one_line(tmp_path):
    model_dir = write_model_dir(tmp_path / "models")
    (model_dir / "usage.json").write_text(json.dumps({"usage": {"\\to": "often"}}), encoding="utf-8")
    result = subprocess.run(
        server_command(model_dir, free_port()), cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "usage.json" in result.stdout + result.stderr and "[files, occurrences]" in result.stdout + result.stderr
