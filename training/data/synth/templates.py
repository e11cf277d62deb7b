"""Clean template drawings of one class, from every picture of its glyph there is.

Sources, all traced to centre-line strokes (`training.data.synth.centerline`):
- Hershey single-line glyphs (hfmath) that map to the class: drawn thick first, which merges the parallel
  strokes Hershey uses for thick parts, then traced.
- The class's LaTeX preview SVG (`models/previews/`, written by `make catalogue`): covers every
  catalogue symbol, in Computer Modern or the symbol's own package font.
- Its Unicode character in Debian fonts (DejaVu, STIX): other letterforms of the same glyph.
Several templates per class give the augmentation different skeletons to start from. Where hands draw a symbol
unlike any typeface (a radical with its bar), `training.data.synth.hand_forms` adds those drawings too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from training.data.synth.centerline import hatch_filled_parts, image_to_strokes
from training.data.synth.fill import scribble_fills
from training.data.synth.glyph_images import InkImage, character_ink, polyline_ink, svg_ink
from training.data.synth.hand_forms import hand_variants

Strokes = list[npt.NDArray[np.float64]]


@dataclass(frozen=True)
class Template:
    origin: str  # where it comes from, for the summary: "hershey:\\alpha", "preview", "font:DejaVuSans.ttf"
    strokes: Strokes


@dataclass(frozen=True)
class GlyphPictures:
    """Everything known about how one class looks; built in the main process, traced in a worker."""

    glyph: str
    previews: tuple[Path, ...]  # LaTeX preview SVGs of the group's members (the same glyph, other fonts)
    characters: tuple[str, ...]  # its Unicode character(s), from the catalogue
    hershey: tuple[tuple[str, Strokes], ...] = field(default=())  # (hfmath label, strokes)


def templates_for(
    pictures: GlyphPictures, fonts: tuple[str, ...], size: int, fonts_per_class: int = 2
) -> list[Template]:
    templates: list[Template] = []
    for label, strokes in pictures.hershey:
        _add(templates, f"hershey:{label}", polyline_ink(strokes, size))
    for preview in pictures.previews:
        if preview.is_file():
            _add(templates, "preview", svg_ink(preview, size))
    used_fonts = 0
    for character in pictures.characters:
        for font in fonts:
            if used_fonts >= fonts_per_class:
                break
            ink = character_ink(character, font, size)
            if ink is not None and _add(templates, f"font:{Path(font).name}", ink):
                used_fonts += 1
    hand_drawn = [
        Template(f"hand:{template.origin}", strokes)
        for template in templates
        for strokes in hand_variants(pictures.characters, template.strokes)
    ]
    return templates + hand_drawn


def _add(templates: list[Template], origin: str, ink: InkImage | None) -> bool:
    if ink is None or not ink.any():
        return False
    strokes = image_to_strokes(ink)
    if not strokes:
        return False
    templates.append(Template(origin, strokes))
    # A filled part (a black star) is also drawn as hands fill it otherwise: its outline with a spiral or a slanted
    # scribble inside instead of the row-by-row hatching (`training.data.synth.fill`).
    fills = scribble_fills(ink)
    if fills:
        outline = strokes[: len(strokes) - len(hatch_filled_parts(ink))]
        templates += [Template(f"{origin}+{name}", outline + fill) for name, fill in fills]
    return True
