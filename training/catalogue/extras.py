"""Classes the training data brings that Detexify lacks (the rule is documented in training/catalogue/README.md).

- Digits 0-9 and Latin letters a-z A-Z: always (handwriting sets are full of them).
- Every CROHME label whose command no Detexify symbol has (`+`, `=`, `\\sin`, `\\ldots`, ...), after CROHME's
  own names are turned into LaTeX (`COMMA` -> `,`, `\\lt` -> `<`, `\\gt` -> `>`).
- Typst-only symbols from the detypify contributions: a character no catalogue symbol already has, named by
  the Unicode table (see `typst_candidates`); characters with no LaTeX command are reported, not added.
"""

from __future__ import annotations

import gzip
import json
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from training.catalogue.detexify import CatalogueInputError

# CROHME spells some symbols in its own way; these are the LaTeX spellings (Detexify writes the radical `\\sqrt{}`).
CROHME_TO_LATEX = {"COMMA": ",", "\\lt": "<", "\\gt": ">", "\\sqrt": "\\sqrt{}"}
# In OT1 text these ASCII characters print other glyphs (`<` gives an inverted exclamation mark), so the
# bare character is a math-mode symbol only.
MATH_ONLY_ASCII = frozenset("<>|")
# CROHME's function names are upright operator words: math mode only.
OPERATOR_WORDS = frozenset({"\\sin", "\\cos", "\\tan", "\\lim", "\\log"})


@dataclass(frozen=True)
class ExtraClass:
    """A class to add to the catalogue: its LaTeX command, modes and where it comes from."""

    command: str
    math: bool
    text: bool
    source: str


def read_labels(path: Path) -> dict[str, str | None]:
    """label -> `unicode` field (None where absent) of a JSONL(.gz) sample file, in first-seen order."""
    opener = gzip.open if str(path).endswith(".gz") else open
    labels: dict[str, str | None] = {}
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    label = str(record["label"])
                except (json.JSONDecodeError, KeyError, TypeError) as error:
                    raise CatalogueInputError(f"{path}:{number}: not a sample with a 'label'") from error
                if label not in labels or labels[label] is None:
                    labels[label] = record.get("unicode")
    except FileNotFoundError as error:
        raise CatalogueInputError(f"sample file not found: {path}") from error
    return labels


def ascii_modes(command: str) -> tuple[bool, bool]:
    """(math, text) for a command the extras add."""
    if command in OPERATOR_WORDS or command == "\\prime":
        return True, False
    if len(command) == 1:
        return True, command not in MATH_ONLY_ASCII
    return True, command == "\\ldots"


def crohme_and_alphanumeric_extras(crohme_labels: Iterable[str], known_commands: set[str]) -> list[ExtraClass]:
    """Digits, letters and CROHME classes whose command the catalogue lacks so far, in a stable order."""
    crohme_commands = [CROHME_TO_LATEX.get(label, label) for label in crohme_labels]
    extras: list[ExtraClass] = []
    seen = set(known_commands)
    for command in list(string.digits + string.ascii_lowercase + string.ascii_uppercase) + sorted(crohme_commands):
        if command in seen:
            continue
        seen.add(command)
        math, text = ascii_modes(command)
        extras.append(ExtraClass(command, math, text, "crohme" if command in crohme_commands else "alphanumeric"))
    return extras


@dataclass(frozen=True)
class TypstCharacter:
    """A character drawn in the Typst contributions, with its Typst names and the LaTeX commands for it."""

    char: str
    typst_names: tuple[str, ...]
    commands: tuple[str, ...]  # from the Unicode table, in its priority order


@dataclass(frozen=True)
class LeftOut:
    """A contribution label that gets no catalogue class, and why."""

    label: str
    char: str | None
    reason: str


def typst_characters(contributions: dict[str, str | None]) -> dict[str, tuple[str, ...]]:
    """character -> Typst names drawing it (labels without a character are skipped here)."""
    names: dict[str, list[str]] = {}
    for label, char in contributions.items():
        if char:
            names.setdefault(char, []).append(label)
    return {char: tuple(sorted(labels)) for char, labels in names.items()}


def typst_extras(
    contributions: dict[str, str | None], covered_chars: set[str], commands_for
) -> tuple[list[TypstCharacter], list[LeftOut]]:
    """Characters the catalogue lacks, with their LaTeX command candidates; and the labels left out.

    `commands_for(char)` gives the Unicode table's commands for a character.
    """
    wanted: list[TypstCharacter] = []
    left_out = [
        LeftOut(label, None, "the contribution data gives no Unicode character for this Typst name")
        for label, char in sorted(contributions.items())
        if not char
    ]
    for char, names in sorted(typst_characters(contributions).items()):
        if char in covered_chars:
            continue
        # A printable ASCII character is its own command (`;`), before any table name for it.
        commands = ((char,) if " " < char < "\x7f" else ()) + tuple(c for c in commands_for(char) if c != char)
        if commands:
            wanted.append(TypstCharacter(char, names, commands))
        else:
            for name in names:
                left_out.append(LeftOut(name, char, "no LaTeX command for this character in the Unicode tables"))
    return wanted, left_out
