"""Pictures of a symbol to trace: its LaTeX preview SVG, its Unicode character in a font, or Hershey lines.

Every function returns a bool ink image (True = ink) of the symbol alone, cropped to its ink with a
small margin, its longer side about `size` pixels; `training.data.synth.centerline` turns it into strokes.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

InkImage = npt.NDArray[np.bool_]
MARGIN = 4  # pixels of background around the ink, so the skeleton never touches the border


def crop_to_ink(ink: InkImage) -> InkImage:
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return np.zeros((0, 0), dtype=bool)
    cropped = ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    return np.pad(cropped, MARGIN)


def svg_ink(path: Path, size: int) -> InkImage:
    """Rasterise an SVG (resvg) so that its drawing's longer side is about `size` pixels."""
    import resvg_py
    from PIL import Image

    markup = svg_with_pixel_size(path.read_text(encoding="utf-8"))

    def rasterise(zoom: float) -> npt.NDArray[np.uint8]:
        png = resvg_py.svg_to_bytes(svg_string=markup, zoom=zoom)
        image = Image.open(io.BytesIO(bytes(png))).convert("RGBA")
        rgba = np.asarray(image)
        # Ink is whatever is opaque and dark (previews are black on transparent, or black on white).
        return ((rgba[:, :, 3] > 127) & (rgba[:, :, :3].mean(axis=2) < 128)).astype(np.uint8)

    probe = crop_to_ink(rasterise(4.0).astype(bool))
    longer = max(probe.shape) - 2 * MARGIN if probe.size else 0
    if longer <= 0:
        return probe
    return crop_to_ink(rasterise(4.0 * size / longer).astype(bool))


_UNIT_PIXELS = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
_SIZE_ATTRIBUTE = re.compile(r"""\b(width|height)\s*=\s*(["'])\s*([0-9.]+)\s*(px|pt|pc|mm|cm|in)\s*\2""")


def svg_with_pixel_size(markup: str) -> str:
    """The root element's width and height in plain pixels: dvisvgm writes points (`width='10.5pt'`),
    which the resvg binding refuses."""
    start = markup.find("<svg")
    end = markup.find(">", start)
    if start < 0 or end < 0:
        return markup
    root = _SIZE_ATTRIBUTE.sub(
        lambda m: f'{m.group(1)}="{float(m.group(3)) * _UNIT_PIXELS[m.group(4)]:.4f}"', markup[start:end]
    )
    return markup[:start] + root + markup[end:]


@functools.cache
def font_characters(font_path: str) -> frozenset[int]:
    """The code points a font has glyphs for (its Unicode cmap)."""
    from fontTools.ttLib import TTFont

    with TTFont(font_path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def character_ink(character: str, font_path: str, size: int) -> InkImage | None:
    """The character drawn with the font so its longer side is about `size` pixels; None if the font lacks it."""
    from PIL import Image, ImageDraw, ImageFont

    if any(ord(c) not in font_characters(font_path) for c in character):
        return None
    font = ImageFont.truetype(font_path, size)
    left, top, right, bottom = font.getbbox(character)
    longer = max(right - left, bottom - top)
    if longer <= 0:
        return None
    font = ImageFont.truetype(font_path, max(4, round(size * size / longer)))
    left, top, right, bottom = font.getbbox(character)
    image = Image.new("L", (int(right - left) + 2 * MARGIN, int(bottom - top) + 2 * MARGIN), 0)
    ImageDraw.Draw(image).text((MARGIN - left, MARGIN - top), character, fill=255, font=font)
    return crop_to_ink(np.asarray(image) > 127)


def polyline_ink(strokes: list[npt.NDArray[np.float64]], size: int, width_fraction: float = 0.07) -> InkImage:
    """Strokes drawn with a round pen `width_fraction` of the size wide: merges Hershey's parallel strokes."""
    from PIL import Image, ImageDraw

    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = float(max(high - low)) or 1.0
    scale = (size - 1) / extent
    width = max(2, round(size * width_fraction))
    pad = MARGIN + width
    canvas = Image.new(
        "L", (int((high[0] - low[0]) * scale) + 2 * pad + 1, int((high[1] - low[1]) * scale) + 2 * pad + 1)
    )
    draw = ImageDraw.Draw(canvas)
    radius = width / 2
    for stroke in strokes:
        xy = [(float((x - low[0]) * scale + pad), float((y - low[1]) * scale + pad)) for x, y in stroke[:, :2]]
        if len(xy) > 1:
            draw.line(xy, fill=255, width=width, joint="curve")
        for x, y in (xy[0], xy[-1]) if len(xy) > 1 else xy:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return crop_to_ink(np.asarray(canvas) > 127)
