"""Junk drawings: what a user may draw that is no single symbol, for calibrating the "not sure" answer.

The recognizer must say "not sure" for these instead of naming a symbol with confidence. Seven kinds, equal
counts, all deterministic for a seed:

- `scribble`: one or two smooth strokes through 8-20 random points of a box, a tangle of loops.
- `hatch`: one back-and-forth stroke with 6-12 turns at a random angle, like shading or crossing out.
- `coil`: a run of 4-8 cursive loops (`eeee`), like a signature or a spring.
- `expression`: 2-4 neighbouring symbols of one real CROHME expression, in their original positions
  (real handwriting of several symbols side by side, `x+1`, `2^n`, `(a`).
- `word`: 3-5 CROHME letters of one writer written side by side on a common baseline (`nxb`, `kta`); strings
  that the catalogue has as a single command (`\\sin`, `\\log`, `\\lim`, ...) are never formed.
- `taps`: a blank stroke (one point, a tap) or 2-5 taps scattered over the canvas.
- `zigzag`: one stroke of 8-14 straight runs between random points of the box, as a hand crosses something out.
  Added with issue 24: the rule that compares ink with the named symbol let such tangles pass when the model read
  them as a star (a star is crossing straight strokes too), and the browser tests draw exactly these.

What is deliberately *not* junk: a short line or a small hook. The renderer scales every drawing to one size
(backend/render.py), so a tiny stroke is exactly a full-size `-`, `/` or `(` to the model, and a user drawing
`-` small must get `-`. A tap is a dot in the middle of the image, which `.`/`\\cdot`/`\\bullet` all render as.

Expressions and words are built from the CROHME records they are given, so calibration uses drawings of the
validation split and evaluation those of the test split (`training.ship.calibrate`, `training.measure.evaluate`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

KINDS = ("scribble", "hatch", "coil", "expression", "word", "taps", "zigzag")
# CROHME letters usable in a word (digits and operators would make an expression instead).
LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Letters that hang below the baseline: their box bottom sits this share of their height under it.
DESCENDERS = frozenset("gjpqy")

Strokes = list[npt.NDArray[np.float64]]


@dataclass(frozen=True)
class JunkDrawing:
    kind: str  # one of KINDS
    strokes: Strokes  # float64 [n, 2] arrays, as backend.render.render_point_arrays takes them


def _smooth_path(points: npt.NDArray[np.float64], per_segment: int) -> npt.NDArray[np.float64]:
    """A Catmull-Rom curve through `points`: how a hand joins the places it passes."""
    padded = np.vstack([points[:1], points, points[-1:]])
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)[:, None]
    pieces = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        pieces.append(
            0.5
            * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3)
        )
    pieces.append(points[-1:])
    return np.vstack(pieces)


def _wobble(path: npt.NDArray[np.float64], rng: np.random.Generator, amount: float) -> npt.NDArray[np.float64]:
    return path + rng.normal(0.0, amount, path.shape)


def scribble(rng: np.random.Generator) -> Strokes:
    strokes = []
    for _ in range(rng.integers(1, 3)):
        points = rng.uniform(0.0, 100.0, (rng.integers(8, 21), 2))
        strokes.append(_wobble(_smooth_path(points, 8), rng, 0.3))
    return strokes


def hatch(rng: np.random.Generator) -> Strokes:
    turns = int(rng.integers(6, 13))
    width, height = rng.uniform(50, 100), rng.uniform(50, 100)
    xs = np.where(np.arange(turns + 1) % 2 == 0, 0.0, width) + rng.normal(0, 4, turns + 1)
    ys = np.linspace(0.0, height, turns + 1) + rng.normal(0, 2, turns + 1)
    angle = rng.uniform(0, np.pi)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = np.stack([xs, ys], axis=1) @ rotation.T
    # A straight run between turns, a few points each (a tablet samples along the line).
    path = np.vstack([np.linspace(a, b, 6, endpoint=False) for a, b in zip(corners[:-1], corners[1:], strict=True)])
    return [_wobble(np.vstack([path, corners[-1:]]), rng, 0.4)]


def coil(rng: np.random.Generator) -> Strokes:
    loops = int(rng.integers(4, 9))
    t = np.linspace(0.0, loops * 2 * np.pi, loops * 24)
    radius = rng.uniform(8, 14)
    step = rng.uniform(0.6, 1.4) * radius  # advance per loop: overlapping to spread-out loops
    x = t / (2 * np.pi) * step - radius * np.sin(t)
    y = -radius * np.cos(t) * rng.uniform(0.8, 1.3)
    slant = rng.uniform(-0.3, 0.3)
    return [_wobble(np.stack([x + slant * y, y], axis=1), rng, 0.3)]


def taps(rng: np.random.Generator) -> Strokes:
    count = 1 if rng.random() < 0.4 else int(rng.integers(2, 6))
    return [rng.uniform(0.0, 100.0, (1, 2)) for _ in range(count)]


def zigzag(rng: np.random.Generator) -> Strokes:
    corners = rng.uniform(0.0, 100.0, (int(rng.integers(9, 16)), 2))
    runs = [
        np.linspace(a, b, int(rng.integers(4, 9)), endpoint=False)
        for a, b in zip(corners[:-1], corners[1:], strict=True)
    ]
    return [_wobble(np.vstack([*runs, corners[-1:]]), rng, 0.3)]


def _record_strokes(record: dict[str, Any]) -> Strokes:
    return [np.asarray(stroke, dtype=np.float64)[:, :2] for stroke in record["strokes"]]


def _box(strokes: Strokes) -> tuple[float, float, float, float]:
    points = np.vstack(strokes)
    return float(points[:, 0].min()), float(points[:, 1].min()), float(points[:, 0].max()), float(points[:, 1].max())


class CrohmePieces:
    """CROHME records arranged for junk: symbols per expression in reading order, letters per writer."""

    def __init__(self, records: Iterable[dict[str, Any]], catalogue_words: Iterable[str] = ()) -> None:
        expressions: dict[tuple[str, str], list[tuple[float, str, Strokes]]] = defaultdict(list)
        letters: dict[str, list[tuple[str, Strokes]]] = defaultdict(list)
        for record in records:
            strokes = _record_strokes(record)
            if not strokes:
                continue
            writer = str(record.get("writer") or record.get("group") or "")
            expression = str(record.get("source_expr") or "")
            if expression:
                expressions[(writer, expression)].append((_box(strokes)[0], record["label"], strokes))
            if record["label"] in LETTERS:
                letters[writer].append((record["label"], strokes))
        self.expressions = [sorted(symbols, key=lambda s: s[0]) for _, symbols in sorted(expressions.items())]
        self.expressions = [symbols for symbols in self.expressions if len(symbols) >= 2]
        self.letters = [pieces for _, pieces in sorted(letters.items()) if len(pieces) >= 3]
        self.catalogue_words = frozenset(word.lower() for word in catalogue_words)

    def expression(self, rng: np.random.Generator) -> Strokes:
        symbols = self.expressions[rng.integers(len(self.expressions))]
        count = int(min(len(symbols), rng.integers(2, 5)))
        start = int(rng.integers(0, len(symbols) - count + 1))
        return [stroke for _, _, strokes in symbols[start : start + count] for stroke in strokes]

    def word(self, rng: np.random.Generator) -> Strokes:
        for _ in range(100):
            pieces = self.letters[rng.integers(len(self.letters))]
            count = int(min(len(pieces), rng.integers(3, 6)))
            chosen = [pieces[i] for i in rng.choice(len(pieces), count, replace=False)]
            if "".join(letter for letter, _ in chosen).lower() not in self.catalogue_words:
                return _write_side_by_side(chosen, rng)
        raise ValueError("could not form a word that is not a catalogue command")


def _write_side_by_side(letters: Sequence[tuple[str, Strokes]], rng: np.random.Generator) -> Strokes:
    """Letters in a row at their writer's own size: bottoms on one baseline, descenders below it."""
    out: Strokes = []
    x = 0.0
    for letter, strokes in letters:
        left, top, right, bottom = _box(strokes)
        height = max(bottom - top, 1.0)
        drop = 0.35 * height if letter in DESCENDERS else 0.0
        shift = np.array([x - left, drop - bottom])
        out.extend(stroke + shift for stroke in strokes)
        x += (right - left) + rng.uniform(0.15, 0.4) * height
    return out


def generate(count_per_kind: int, pieces: CrohmePieces, seed: int) -> list[JunkDrawing]:
    """`count_per_kind` drawings of every kind in KINDS, reproducible for a seed (each kind has its own random
    stream, so changing one kind leaves the others as they were)."""
    makers = {
        "scribble": scribble,
        "hatch": hatch,
        "coil": coil,
        "expression": pieces.expression,
        "word": pieces.word,
        "taps": taps,
        "zigzag": zigzag,
    }
    drawings = []
    for index, kind in enumerate(KINDS):
        if (kind == "expression" and not pieces.expressions) or (kind == "word" and not pieces.letters):
            continue  # no CROHME records to build it from (a file without writers or expressions)
        rng = np.random.default_rng([seed, index])
        drawings.extend(JunkDrawing(kind, makers[kind](rng)) for _ in range(count_per_kind))
    return drawings


_WORD_COMMAND = re.compile(r"^\\([A-Za-z]{2,})$")


def catalogue_words(commands: Iterable[str]) -> list[str]:
    """Commands that are words (`\\sin` -> `sin`): a drawn word equal to one of them is a real symbol."""
    return [match.group(1) for command in commands if (match := _WORD_COMMAND.match(command))]
