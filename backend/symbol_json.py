"""How a catalogue symbol looks in API answers (shared by /predict and /symbols)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from backend.catalogue import Symbol

Mode = Literal["math", "text", "both"]


def preview_url(symbol: Symbol) -> str | None:
    """The catalogue stores `previews/<md5>.svg` relative to models/; the server serves it at the same path."""
    return f"/{symbol.preview}" if symbol.preview else None


def brief(symbol: Symbol) -> dict[str, Any]:
    """An alternative of a prediction: enough to insert it."""
    return {"id": symbol.id, "command": symbol.command, "package": symbol.package, "mode": symbol.mode}


# Packages a writer most likely loads already: a command several packages provide is listed with the lightest one.
COMMON_PACKAGES = ("amsmath", "amssymb")


def package_weight(symbol: Symbol) -> int:
    """0 for the kernel, 1 for amsmath/amssymb, 2 for any other package: which copy of a command to list."""
    if symbol.package is None:
        return 0
    return 1 if symbol.package in COMMON_PACKAGES else 2


def also(symbol: Symbol, members: Iterable[Symbol]) -> list[dict[str, Any]]:
    """The `alternatives` a prediction lists: the other commands of its look-alike group (`members`, in catalogue
    order), each once, and only those usable in a mode the answer is used in. Another package's copy of the
    answer's own command (`\\rightleftharpoons` of latex2e and of amssymb) and a second copy of one alternative are
    left out, and so is a text command under a math-only answer (and the other way round): the list offers
    different ways to write what the user drew, where the user writes it (issue 24). A command that several
    packages provide is listed with the lightest of them (the kernel's `\\lor`, not MnSymbol's): a package
    named beside it is one the user must load. The extension's offline answers apply the same rule
    (extension/src/background/catalogue.js `also`)."""
    chosen: dict[str, Symbol] = {}
    for member in members:
        if member.command == symbol.command or not (symbol.math and member.math or symbol.text and member.text):
            continue
        best = chosen.get(member.command)
        if best is None or package_weight(member) < package_weight(best):
            chosen[member.command] = member  # dict order: where the command first appears in the group
    return [brief(member) for member in chosen.values()]


def summary(symbol: Symbol) -> dict[str, Any]:
    """A symbol as /predict and /symbols list it."""
    return {
        **brief(symbol),
        "unicode": symbol.unicode,
        "preview_url": preview_url(symbol),
    }


def detail(symbol: Symbol, alternatives: Iterable[Symbol]) -> dict[str, Any]:
    """A symbol as /symbols/{id} answers: everything the catalogue knows, plus its look-alikes."""
    return {
        **summary(symbol),
        "fontenc": symbol.fontenc,
        "math": symbol.math,
        "text": symbol.text,
        "glyph": symbol.glyph,
        "source": symbol.source,
        "names": list(symbol.names),
        "alternatives": [brief(other) for other in alternatives if other.id != symbol.id],
    }
