"""How hands draw some symbols unlike any typeface: extra templates derived from the traced ones.

Fonts and LaTeX previews show a symbol as typeset; a few symbols are drawn differently by nearly everyone, and
a class taught only by typeset shapes then never matches real drawings. The one measured case so far:

- **Radicals** (√ ∛ ∜): typeset `\\sqrt{}` is the bare check mark, but hands draw the vinculum too, a bar from
  the radical's top going right, usually longer than the radical is wide. With bare templates only, 97 % of real
  radicals of withheld writers were read as `r` or `-` in the transfer run (`make eval-transfer`). Each radical
  template gains variants with bars of `RADICAL_BAR_LENGTHS` times its width; the bare one stays (`\\surd`
  alone is drawn bare).

A form is chosen by the class's Unicode characters, so every member of a look-alike group gets it.
"""

from __future__ import annotations

import numpy as np

from training.data.synth.template_store import Strokes

RADICALS = frozenset("√∛∜")
# Bar length in radical widths. Real CROHME radicals span short bars over one digit to bars over a whole
# fraction; the augmenter's aspect jitter fills the gaps between these.
RADICAL_BAR_LENGTHS: tuple[float, ...] = (0.8, 1.6, 3.0)


def hand_variants(characters: tuple[str, ...], strokes: Strokes) -> list[Strokes]:
    """Extra drawings of a traced template as hands draw the class (none for most classes)."""
    if any(c in RADICALS for c in "".join(characters)):
        return [radical_with_bar(strokes, length) for length in RADICAL_BAR_LENGTHS]
    return []


def radical_with_bar(strokes: Strokes, length: float) -> Strokes:
    """The radical plus a vinculum `length` times its width, drawn on from its top-right end.

    Coordinates are image-like (y grows downwards), as traced. The bar continues the stroke that ends (or
    starts) at the top-right point, as a pen that does not lift; a top-right point inside a stroke gets the
    bar as a stroke of its own."""
    points = np.concatenate([s[:, :2] for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    width = float(high[0] - low[0]) or float(high[1] - low[1]) or 1.0
    corner_score = [s[:, 0] - s[:, 1] for s in strokes]  # rightmost and highest
    which = int(np.argmax([score.max() for score in corner_score]))
    stroke = strokes[which]
    at = int(np.argmax(corner_score[which]))
    start = stroke[at, :2]
    steps = max(2, int(round(length * 8)))
    bar = np.stack([start[0] + np.linspace(0.0, length * width, steps + 1)[1:], np.full(steps, start[1])], axis=1)
    out = [s.copy() for s in strokes]
    if at == len(stroke) - 1:
        out[which] = np.concatenate([stroke[:, :2], bar])
    elif at == 0:
        out[which] = np.concatenate([bar[::-1], stroke[:, :2]])
    else:
        out.append(np.concatenate([start[None, :], bar]))
    return out
