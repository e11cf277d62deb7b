"""Alias commands: commands that typeset the glyph of another catalogue command, added as its group's members.

`aliases.json` lists them with the definition that makes them the same (`\\Box` is amssymb's `\\square`,
`\\mathbb{R}` the double-struck R that dsfont's `\\mathds{R}` also gives). An alias entry copies everything but
its command, id, package and first search name from its target (the best-ranked catalogue entry with the
`same_as` command), so it joins the target's glyph group and needs no model class: the recognizer answers the
group, and search finds the alias under its own command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from training.catalogue.detexify import make_key

ALIASES_PATH = Path(__file__).resolve().parent / "aliases.json"
ALIAS_SOURCE = "alias"


class AliasError(ValueError):
    """aliases.json names a target the catalogue lacks, or an alias the catalogue has already."""


@dataclass(frozen=True)
class Alias:
    command: str
    package: str | None
    same_as: str
    why: str
    # Most aliases are math commands (\\le, \\lbrace) even where their target also works in text (|, \\{).
    text: bool = False

    @property
    def id(self) -> str:
        return make_key(self.package or "latex2e", "OT1", self.command)


def load_aliases(path: Path = ALIASES_PATH) -> list[Alias]:
    """Every alias of the file, `letters` entries expanded (one alias per letter)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    aliases = []
    for item in raw["aliases"]:
        for letter in item.get("letters", [None]):

            def fill(text: str, letter: str | None = letter) -> str:
                return text if letter is None else text.replace("$1", letter)

            aliases.append(
                Alias(
                    fill(item["command"]),
                    item.get("package"),
                    fill(item["same_as"]),
                    item["why"],
                    bool(item.get("text", False)),
                )
            )
    return aliases


def alias_entries(entries: list[dict], aliases: list[Alias], target_rank) -> list[dict]:
    """Catalogue entries for the aliases; `target_rank` orders the entries of a `same_as` command (the best
    one is the target). Entries carry `alias_of`, the target's id, which `assign_glyphs` uses and the writer
    drops."""
    by_command: dict[str, list[dict]] = {}
    for entry in entries:
        by_command.setdefault(entry["command"], []).append(entry)
    known = {entry["id"] for entry in entries}
    added = []
    for alias in aliases:
        if alias.same_as not in by_command:
            raise AliasError(f"aliases.json: {alias.command} is the same as {alias.same_as}, which is not catalogued")
        if alias.id in known:
            raise AliasError(f"aliases.json: {alias.command} ({alias.id}) is catalogued already")
        known.add(alias.id)
        target = min(by_command[alias.same_as], key=target_rank)
        name = alias.command[1:] if alias.command.startswith("\\") else alias.command
        added.append(
            {
                **target,
                "id": alias.id,
                "command": alias.command,
                "package": alias.package,
                "fontenc": "OT1",
                "math": True,
                "text": alias.text,
                "glyph": alias.id,
                "source": ALIAS_SOURCE,
                "names": list(dict.fromkeys([name, *target["names"][1:]])),
                "alias_of": target["id"],
            }
        )
    return added
