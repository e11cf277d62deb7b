"""The coverage reporter against another tool's symbol list (training/catalogue/coverage.py)."""

from __future__ import annotations

import json

from training.catalogue.coverage import coverage, read_other_list, report


def test_coverage_counts_commands_under_any_and_under_the_same_package(tmp_path):
    other = tmp_path / "symbols.json"
    other.write_text(
        json.dumps(
            [
                {"command": "\\alpha", "filename": "A"},
                {"command": "\\leftarrow", "package": "MnSymbol"},
                {"command": "\\Nearrow", "package": "MnSymbol"},
                {"command": "\\nosuch", "package": "MnSymbol"},
                {"command": "\\leftarrow", "package": "MnSymbol"},
            ]
        ),
        encoding="utf-8",
    )
    ours = [
        {"id": "latex2e-OT1-_alpha", "command": "\\alpha", "package": None},
        {"id": "latex2e-OT1-_leftarrow", "command": "\\leftarrow", "package": None},
        {"id": "MnSymbol-OT1-_Nearrow", "command": "\\Nearrow", "package": "MnSymbol"},
    ]
    rows = {row.package: row for row in coverage(read_other_list(other), ours)}
    assert rows["MnSymbol"].commands == ("\\Nearrow", "\\leftarrow", "\\nosuch")
    assert (rows["MnSymbol"].have, rows["MnSymbol"].have_same_package) == (2, 1)
    assert rows["MnSymbol"].missing == ("\\nosuch",)
    assert (rows["latex2e"].have, rows["latex2e"].have_same_package) == (1, 1)
    text = report(list(rows.values()), show_missing=5)
    assert "\\nosuch" in text and text.splitlines()[-1].split()[1:] == ["4", "3"]
