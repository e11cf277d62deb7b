"""Regroup the committed catalogue without TeX: `python -m training.catalogue --regroup`.

Glyph groups depend only on fields symbols.json already holds (command, package, unicode, ...) plus
`overrides.json` and `aliases.json`; so a change of look-alike sets or aliases needs no new probe or preview
run. This re-reads `models/symbols.json`, re-adds the aliases, recomputes every `glyph` with the same code as a
full build (`assign_glyphs`), and writes it back. An alias that has no preview yet gets a copy of its target's
(the alias typesets that same glyph by definition); a full `make catalogue` typesets it itself.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from training.catalogue.aliases import ALIAS_SOURCE, alias_entries, load_aliases
from training.catalogue.build import (
    assign_glyphs,
    member_of,
    update_lookalike_readme,
    usage_files,
    with_previews,
    write_catalogue,
)
from training.catalogue.groups import representative_rank
from training.catalogue.preview_lookalikes import PREVIEW_LOOKALIKES_PATH, load_joins
from training.catalogue.unicode_table import load_overrides

COUNT_LINE = re.compile(r"^Catalogue: \d+ symbols in \d+ glyph groups; by source: [^.]*\.", re.MULTILINE)


@dataclass(frozen=True)
class RegroupConfig:
    """What regrouping reads and writes."""

    # Holds symbols.json and previews/; both are rewritten in place.
    models_dir: Path
    # Look-alike sets and distinct looks.
    overrides: Path
    # Alias commands.
    aliases: Path
    # README whose count line and look-alike section are refreshed (None: leave every README alone).
    readme: Path | None = None
    # Package symbols joined to look-alike groups by the last full build (preview_lookalikes.py).
    preview_lookalikes: Path = PREVIEW_LOOKALIKES_PATH


@dataclass(frozen=True)
class RegroupReport:
    symbols: int
    groups: int
    aliases: int
    previews_copied: int


def regroup_catalogue(config: RegroupConfig) -> RegroupReport:
    path = config.models_dir / "symbols.json"
    old = json.loads(path.read_text(encoding="utf-8"))["symbols"]
    base = [entry for entry in old if entry["source"] != ALIAS_SOURCE]
    old_aliases = {entry["id"]: entry for entry in old if entry["source"] == ALIAS_SOURCE}
    aliases = with_previews(
        alias_entries(base, load_aliases(config.aliases), lambda e: representative_rank(member_of(e)))
    )
    by_id = {entry["id"]: entry for entry in base}
    copied = 0
    for alias in aliases:
        target = by_id[alias["alias_of"]]
        own = config.models_dir / alias["preview"]
        if alias["id"] in old_aliases and own.is_file():
            alias["preview_kind"] = old_aliases[alias["id"]]["preview_kind"]
            continue
        shutil.copyfile(config.models_dir / target["preview"], own)
        alias["preview_kind"] = target["preview_kind"]
        copied += 1
    kept = {alias["id"] for alias in aliases}
    for stale in old_aliases.values():
        if stale["id"] not in kept:
            (config.models_dir / stale["preview"]).unlink(missing_ok=True)
    entries = base + aliases
    glyphs = assign_glyphs(
        entries, load_overrides(config.overrides), usage_files(config.models_dir), load_joins(config.preview_lookalikes)
    )
    write_catalogue(entries, path)
    report = RegroupReport(len(entries), len(set(glyphs.values())), len(aliases), copied)
    if config.readme is not None:
        by_source: dict[str, int] = {}
        for entry in entries:
            by_source[entry["source"]] = by_source.get(entry["source"], 0) + 1
        text = config.readme.read_text(encoding="utf-8")
        line = (
            f"Catalogue: {report.symbols} symbols in {report.groups} glyph groups; by source: "
            + ", ".join(f"{source} {count}" for source, count in sorted(by_source.items()))
            + "."
        )
        config.readme.write_text(COUNT_LINE.sub(lambda _: line, text, count=1), encoding="utf-8")
        update_lookalike_readme(config.readme, entries, load_overrides(config.overrides), config.aliases)
    return report
