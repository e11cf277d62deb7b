"""`python -m training.catalogue.coverage --handtex PATH`: how much of another tool's symbol list the catalogue has.

HandTeX's list (`handtex/data/symbol_metadata/symbols.json` in its PyPI package, GPL-3) is read from the path given
on the command line, only to compare coverage: nothing of it is copied into the repository. Its entries are
objects with a `command` and an optional `package` (no package: the LaTeX kernel, counted as `latex2e`).

Per package it prints: the list's distinct commands, how many of them the catalogue has under any package, how
many it has under that same package (an entry whose id or `package` names it; `latex2e` for the kernel), and the
missing commands (not in the catalogue at all).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

KERNEL = "latex2e"


@dataclass(frozen=True)
class PackageCoverage:
    """One package's row: its commands in the other list and which of them the catalogue has."""

    package: str
    commands: tuple[str, ...]  # distinct, sorted
    have: int  # under any package
    have_same_package: int  # under this package
    missing: tuple[str, ...]  # not in the catalogue at all


def read_other_list(path: Path) -> dict[str, set[str]]:
    """package -> distinct commands of a HandTeX-style list (a JSON list of {command, package?})."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a JSON list of symbols")
    by_package: dict[str, set[str]] = {}
    for item in raw:
        by_package.setdefault(item.get("package") or KERNEL, set()).add(item["command"])
    return by_package


def entry_packages(entry: Mapping) -> set[str]:
    """The packages an entry stands for: the one its id names and the one a writer loads (kernel: latex2e)."""
    return {entry["id"].split("-", 1)[0], entry.get("package") or KERNEL}


def coverage(other: Mapping[str, set[str]], symbols: Iterable[Mapping]) -> list[PackageCoverage]:
    """Rows, largest package of the other list first."""
    symbols = list(symbols)
    commands = {entry["command"] for entry in symbols}
    pairs = {(package, entry["command"]) for entry in symbols for package in entry_packages(entry)}
    rows = []
    for package, wanted in sorted(other.items(), key=lambda item: (-len(item[1]), item[0])):
        rows.append(
            PackageCoverage(
                package,
                tuple(sorted(wanted)),
                sum(command in commands for command in wanted),
                sum((package, command) in pairs for command in wanted),
                tuple(sorted(command for command in wanted if command not in commands)),
            )
        )
    return rows


def report(rows: list[PackageCoverage], show_missing: int) -> str:
    lines = [f"{'package':<16}{'theirs':>8}{'ours':>8}{'same pkg':>10}  missing"]
    for row in rows:
        shown = " ".join(row.missing[:show_missing]) + (" ..." if len(row.missing) > show_missing else "")
        lines.append(f"{row.package:<16}{len(row.commands):>8}{row.have:>8}{row.have_same_package:>10}  {shown}")
    every = set().union(*(set(row.commands) for row in rows)) if rows else set()
    missing = set().union(*(set(row.missing) for row in rows)) if rows else set()
    lines.append(f"{'all':<16}{len(every):>8}{len(every) - len(missing):>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.catalogue.coverage", description=__doc__)
    parser.add_argument("--handtex", type=Path, required=True, help="HandTeX's symbols.json (not in this repository)")
    parser.add_argument("--catalogue", type=Path, default=Path("models/symbols.json"), help="our catalogue")
    parser.add_argument("--show-missing", type=int, default=40, help="missing commands listed per package")
    args = parser.parse_args(argv)
    symbols = json.loads(args.catalogue.read_text(encoding="utf-8"))["symbols"]
    print(report(coverage(read_other_list(args.handtex), symbols), args.show_missing))


if __name__ == "__main__":
    main()
