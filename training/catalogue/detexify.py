"""Detexify's symbol list and its key format `<package>-<fontenc>-<command, with \\ written _>`.

The key is what the Detexify dump stores per sample, so catalogue ids keep it exactly; extra classes
reuse the format so every id reads the same way. Ids are opaque keys: a command may itself contain `-`
(`\\--`), so split a key only with `split_key`, which trusts the first two fields alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class CatalogueInputError(ValueError):
    """An input file of the catalogue generator is missing or not in the expected shape."""


@dataclass(frozen=True)
class DetexifySymbol:
    """One entry of detexify-symbols.json, with the package and encoding read from its key."""

    id: str
    command: str
    # The package the key names. Detexify files some kernel commands under amssymb, so this is the
    # package Detexify rendered it with, not necessarily the one a writer needs (see packages.py).
    key_package: str
    fontenc: str
    math: bool
    text: bool


def make_key(package: str, fontenc: str, command: str) -> str:
    """Detexify's key for a command: `make_key("latex2e", "OT1", "\\alpha") == "latex2e-OT1-_alpha"`."""
    return f"{package}-{fontenc}-{command.replace(chr(92), '_')}"


def split_key(key: str) -> tuple[str, str]:
    """The package and font encoding fields of a key (the command field may hold `-` itself)."""
    parts = key.split("-", 2)
    if len(parts) != 3 or not all(parts):
        raise CatalogueInputError(f"not a Detexify key <package>-<fontenc>-<command>: {key!r}")
    return parts[0], parts[1]


def load_detexify(path: Path) -> list[DetexifySymbol]:
    """Read detexify-symbols.json (a list of {id, command, mathmode, textmode}) in file order."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CatalogueInputError(f"Detexify symbol list not found: {path}") from error
    except json.JSONDecodeError as error:
        raise CatalogueInputError(f"Detexify symbol list is not valid JSON: {path}: {error}") from error
    if not isinstance(raw, list):
        raise CatalogueInputError(f"{path}: expected a JSON list of symbols, got {type(raw).__name__}")
    symbols = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        try:
            key, command = str(item["id"]), str(item["command"])
            math, text = bool(item["mathmode"]), bool(item["textmode"])
        except (KeyError, TypeError) as error:
            raise CatalogueInputError(f"{path}: symbol [{index}] lacks id/command/mathmode/textmode") from error
        if key in seen:
            raise CatalogueInputError(f"{path}: duplicate id {key!r}")
        seen.add(key)
        package, fontenc = split_key(key)
        symbols.append(DetexifySymbol(key, command, package, fontenc, math, text))
    return symbols
