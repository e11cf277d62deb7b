"""How a catalogue symbol looks in API answers (shared by /predict and /symbols)."""

from __future__ import annotations

from typing import Any, Literal

Mode = Literal["math", "text", "both"]


def mode_of(symbol: Any) -> Mode:
    """One word for where the command works; a symbol in neither mode is math (the catalogue's default)."""
    if symbol.math and symbol.text:
        return "both"
    return "text" if symbol.text else "math"


def preview_url(symbol: Any) -> str | None:
    """The catalogue stores `previews/<md5>.svg` relative to models/; the server serves it at the same path."""
    return f"/{symbol.preview}" if symbol.preview else None


def brief(symbol: Any) -> dict[str, Any]:
    """An alternative of a prediction: enough to insert it."""
    return {"id": symbol.id, "command": symbol.command, "package": symbol.package, "mode": mode_of(symbol)}


def summary(symbol: Any) -> dict[str, Any]:
    """A symbol as /predict and /symbols list it."""
    return {
        **brief(symbol),
        "unicode": symbol.unicode,
        "preview_url": preview_url(symbol),
    }


def detail(symbol: Any, alternatives: list[Any]) -> dict[str, Any]:
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
