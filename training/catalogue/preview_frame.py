"""Previews at their true relative size: every preview SVG gets the same frame, on one baseline and one scale.

dvisvgm crops each page to its ink (`--exact-bbox`), so a preview shown in a fixed box is scaled to fill it and
`\\sum` looks like `\\Sigma`, `.` like `\\bullet`. This rewrites only the root element's `viewBox`, `width` and
`height` (the glyph paths stay as typeset): every preview becomes an `FRAME_WIDTH` x (`ASCENT` + `DESCENT`) pt
window with the baseline `ASCENT` pt from the top and the ink centred horizontally. Shown at one size (any box of
the frame's aspect ratio), all previews then share a scale and a baseline, like symbols typeset in one line.

Where the baseline is:
- LaTeX previews: every page's first (and only) line sits at y = `LATEX_BASELINE` pt in dvisvgm's page
  coordinates (1 in + the article class's top margin + \\topskip; it is the y of every text-font glyph's
  `<use>`). A box taller than \\topskip pushes the line down; the 10 pt frame ascent covers all but one.
- Unicode-font previews (`font_svg`, fonts without TeX metrics in the file): the ink is centred on the math
  axis, `MATH_AXIS` pt above the baseline (they are operators, arrows and relations).
- Text fallbacks (`text_svg`): the `<text>` baseline, y = 11.

A symbol larger than the frame (wide arrows such as `\\longleftrightarrow`, the integrals of `esint`, `\\skull`)
gets a proportionally larger window, so it is shown smaller than true size but whole; the root then carries
`data-shrunk` with the factor. Framed files carry `data-frame="1"` and `data-ink` (the original viewBox: the
typeset box plus its 1 pt margin); framing a framed file again
follows the frame constants here (a no-op while they stay).

    python -m training.catalogue.preview_frame models/previews    # frame every SVG in a folder, in place
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

FRAME_VERSION = "1"
FRAME_WIDTH = 18.0  # pt: the widest common symbols (\\Rightarrow 11 pt, \\sum 12 pt) fit with room to spare
ASCENT = 10.5  # pt above the baseline: capitals 6.8, \\sum's top 7.5, \\int 9.0 (text style)
DESCENT = 4.5  # pt below it: descenders 2, \\int 4.1, parentheses 2.5
LATEX_BASELINE = 62.76  # pt, dvisvgm page coordinates (see the module docstring)
MATH_AXIS = 2.5  # pt above the baseline, Computer Modern's axis height at 10 pt
TEXT_BASELINE = 11.0  # pt, text_svg's <text y="11">
INK_MARGIN = 1.0  # pt: previews.py asks dvisvgm and font_svg for a 1 pt margin around the ink

_ROOT = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_ATTRIBUTE = r"""\b{name}\s*=\s*(["'])(.*?)\1"""


def _attribute(tag: str, name: str) -> str | None:
    match = re.search(_ATTRIBUTE.format(name=re.escape(name)), tag)
    return match.group(2) if match else None


def _set_attribute(tag: str, name: str, value: str) -> str:
    pattern = re.compile(_ATTRIBUTE.format(name=re.escape(name)))
    if pattern.search(tag):
        return pattern.sub(lambda m: f"{name}={m.group(1)}{value}{m.group(1)}", tag, count=1)
    return tag[:-1].rstrip("/").rstrip() + f" {name}='{value}'" + ("/>" if tag.endswith("/>") else ">")


def baseline_of(svg: str, box_top: float, box_height: float) -> float:
    """The baseline's y in the SVG's own coordinates (see the module docstring)."""
    if "<text" in svg:
        return TEXT_BASELINE
    if "xlink:href" in svg or "<use" in svg:  # dvisvgm output
        return LATEX_BASELINE
    return box_top + box_height / 2 + MATH_AXIS


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != 0 else "0"


def frame_svg(svg: str) -> str:
    """The same SVG in the shared frame (idempotent)."""
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("not an SVG: no <svg> element")
    tag = match.group(0)
    # A framed file is framed again from its typeset box: a changed frame reaches every file, the same one is a no-op.
    view_box = _attribute(tag, "data-ink") or _attribute(tag, "viewBox")
    if view_box is None:
        raise ValueError("the SVG has no viewBox")
    x, y, width, height = (float(v) for v in view_box.replace(",", " ").split())
    baseline = baseline_of(svg, y, height)
    ink_left, ink_right = x + INK_MARGIN, x + width - INK_MARGIN
    ink_top, ink_bottom = y + INK_MARGIN, y + height - INK_MARGIN
    centre = (ink_left + ink_right) / 2
    # Half the frame on each side of the centre, the ascent above and the descent below the baseline.
    scale = max(
        1.0,
        (ink_right - ink_left) / (FRAME_WIDTH - 2 * INK_MARGIN),
        (baseline - ink_top) / (ASCENT - INK_MARGIN),
        (ink_bottom - baseline) / (DESCENT - INK_MARGIN),
    )
    frame_x = centre - scale * FRAME_WIDTH / 2
    frame_y = baseline - scale * ASCENT
    new_box = " ".join(_number(v) for v in (frame_x, frame_y, scale * FRAME_WIDTH, scale * (ASCENT + DESCENT)))
    new_tag = _set_attribute(tag, "viewBox", new_box)
    new_tag = _set_attribute(new_tag, "width", f"{_number(FRAME_WIDTH)}pt")
    new_tag = _set_attribute(new_tag, "height", f"{_number(ASCENT + DESCENT)}pt")
    new_tag = _set_attribute(new_tag, "data-frame", FRAME_VERSION)
    new_tag = _set_attribute(new_tag, "data-ink", view_box)  # the typeset box with its margin, as dvisvgm wrote it
    new_tag = re.sub(_ATTRIBUTE.format(name="data-shrunk"), "", new_tag).replace("  ", " ")
    if scale > 1.0:
        new_tag = _set_attribute(new_tag, "data-shrunk", f"{scale:.3f}")
    return svg[: match.start()] + new_tag + svg[match.end() :]


def frame_folder(folder: Path) -> tuple[int, int]:
    """Frame every SVG in `folder` in place; (files changed, files shown smaller than true size)."""
    changed = shrunk = 0
    for path in sorted(folder.glob("*.svg")):
        text = path.read_text(encoding="utf-8")
        framed = frame_svg(text)
        if framed != text:
            path.write_text(framed, encoding="utf-8")
            changed += 1
        shrunk += "data-shrunk=" in framed
    return changed, shrunk


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Put preview SVGs into the shared frame (in place).")
    parser.add_argument("folder", type=Path, nargs="?", default=Path("models/previews"))
    folder = parser.parse_args(argv).folder
    changed, shrunk = frame_folder(folder)
    print(f"{folder}: {changed} previews framed; {shrunk} larger than the frame are shown smaller (data-shrunk)")


if __name__ == "__main__":
    main()
