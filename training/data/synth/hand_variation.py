"""Make a clean template drawing look hand-drawn: many different, plausible variants of the same strokes.

A hand moves differently each time: the whole symbol is rotated, slanted, squeezed (affine jitter),
bent (a smooth elastic warp), each curve drawn flatter or rounder than the typeface's, each stroke lands a
little off its place, ends overshoot or stop short, the pen trembles (smooth per-point noise), strokes get
split in two or joined by a pen that did not lift, a small stroke is forgotten, a stroke is retraced, the order
and direction of strokes vary.

Stroke width cannot vary: the renderer draws every drawing with one brush after scaling it to a fixed
size. Retracing a stroke with a small offset is the one way to make a line look thicker, and is used.
Stroke order and direction do not change the rendered image; they are varied for stroke-based models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Strokes = list[npt.NDArray[np.float64]]


@dataclass(frozen=True)
class HandVariation:
    """How strongly each hand effect varies; lengths are fractions of the drawing's longer side."""

    # Writers slant and turn symbols by a few degrees; CROHME's spread is about this.
    rotation_degrees: float = 7.0
    # Italic-like slant; handwriting leans more than it rotates.
    shear: float = 0.15
    # log-normal aspect change: squeezed and stretched symbols (a wide sum sign, a narrow zero).
    aspect_log_sigma: float = 0.14
    # A smooth warp that bends straight lines into hand-drawn arcs.
    elastic_amplitude: float = 0.035
    # log-normal factor on each open stroke's bulge away from its chord: hands draw a bracket or an arc flatter
    # or rounder than a font does (real `(` of withheld writers ranged from near-straight to half-round).
    bend_log_sigma: float = 0.3
    # Each stroke lands a little off its ideal place (the crossbar of an A, the dot of an i).
    stroke_shift: float = 0.03
    stroke_rotation_degrees: float = 5.0
    # Tremor: small, smooth wiggles along a stroke.
    tremor: float = 0.006
    # Ends overshoot or stop short of where they should meet.
    end_extension: float = 0.035
    # Distance between resampled points: small is smooth like a tablet, large is angular like a mouse.
    point_spacing: tuple[float, float] = (0.015, 0.07)
    # Structural edits, per drawing.
    split_probability: float = 0.12
    merge_probability: float = 0.12
    drop_probability: float = 0.03
    retrace_probability: float = 0.05
    reverse_probability: float = 0.3
    shuffle_probability: float = 0.3


def vary_hand(template: Strokes, rng: np.random.Generator, config: HandVariation = HandVariation()) -> Strokes:
    """One hand-like variant of `template` (strokes of [n, 2] points, any unit); coordinates come out 0..~100."""
    strokes = normalised(template)
    if all(len(s) == 1 for s in strokes) and len(strokes) == 1:
        strokes = [scribble(rng)]  # a lone dot: hands draw a small blob, which the renderer scales up
    strokes = [resample(s, rng.uniform(*config.point_spacing)) for s in strokes]
    strokes = [bend(s, math.exp(rng.normal(0, config.bend_log_sigma))) for s in strokes]
    strokes = structural_edits(strokes, rng, config)
    strokes = [extend_ends(s, rng, config.end_extension) for s in strokes]
    strokes = [shift_stroke(s, rng, config) for s in strokes]
    strokes = [s + tremor(len(s), rng, config.tremor) for s in strokes]
    strokes = elastic_warp(strokes, rng, config.elastic_amplitude)
    strokes = affine_jitter(strokes, rng, config)
    if rng.random() < config.shuffle_probability:
        strokes = [strokes[i] for i in rng.permutation(len(strokes))]
    strokes = [s[::-1] if rng.random() < config.reverse_probability else s for s in strokes]
    return [s * 100.0 for s in strokes]


def normalised(strokes: Strokes) -> Strokes:
    """Centred on the origin, longer side 1 (a lone point stays a point)."""
    points = np.concatenate([s[:, :2] for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    extent = float(max(high - low))
    centre = (low + high) / 2
    scale = 1.0 / extent if extent > 0 else 1.0
    return [(s[:, :2] - centre) * scale for s in strokes]


def scribble(rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """A small filled-in dot as a hand draws it: a short closed wiggle."""
    turns = rng.uniform(1.0, 2.5)
    angles = np.linspace(0, 2 * math.pi * turns, int(8 * turns) + 2) + rng.uniform(0, 2 * math.pi)
    radius = rng.uniform(0.6, 1.0) * np.linspace(1.0, rng.uniform(0.2, 0.8), len(angles))
    return np.stack([radius * np.cos(angles), radius * np.sin(angles) * rng.uniform(0.7, 1.3)], axis=1)


def stroke_length(stroke: npt.NDArray[np.float64]) -> float:
    return float(np.hypot(*np.diff(stroke, axis=0).T).sum()) if len(stroke) > 1 else 0.0


def resample(stroke: npt.NDArray[np.float64], spacing: float) -> npt.NDArray[np.float64]:
    """Points every `spacing` along the stroke (ends kept), as a pen samples at a steady rate."""
    if len(stroke) < 2:
        return stroke
    steps = np.hypot(*np.diff(stroke, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    total = along[-1]
    if total == 0:
        return stroke[:1]
    count = max(2, int(math.ceil(total / spacing)) + 1)
    targets = np.linspace(0.0, total, count)
    return np.stack([np.interp(targets, along, stroke[:, 0]), np.interp(targets, along, stroke[:, 1])], axis=1)


def bend(stroke: npt.NDArray[np.float64], factor: float) -> npt.NDArray[np.float64]:
    """The stroke's bulge away from the chord between its ends times `factor` (1: unchanged). A closed or nearly
    closed stroke (an o, a loop) has no meaningful chord and is left alone."""
    if len(stroke) < 3 or factor == 1.0:
        return stroke
    first, last = stroke[0], stroke[-1]
    chord = last - first
    chord_length = math.hypot(*chord)
    if chord_length < 0.5 * stroke_length(stroke):
        return stroke
    along = np.clip((stroke - first) @ chord / chord_length**2, 0.0, 1.0)
    on_chord = first + along[:, None] * chord
    return on_chord + (stroke - on_chord) * factor


def structural_edits(strokes: Strokes, rng: np.random.Generator, config: HandVariation) -> Strokes:
    strokes = list(strokes)
    if rng.random() < config.split_probability:
        long = [i for i, s in enumerate(strokes) if len(s) >= 6]
        if long:
            i = int(rng.choice(long))
            cut = int(len(strokes[i]) * rng.uniform(0.3, 0.7))
            strokes[i : i + 1] = [strokes[i][: cut + 1], strokes[i][cut:]]
    if rng.random() < config.merge_probability and len(strokes) >= 2:
        # A pen that did not lift between two strokes whose ends are close: one stroke with a connector.
        i = int(rng.integers(len(strokes) - 1))
        if np.hypot(*(strokes[i][-1] - strokes[i + 1][0])) < 0.3:
            strokes[i : i + 2] = [np.concatenate([strokes[i], strokes[i + 1]])]
    if rng.random() < config.drop_probability and len(strokes) >= 3:
        lengths = [stroke_length(s) for s in strokes]
        total = sum(lengths)
        small = [i for i, length in enumerate(lengths) if 0 < length < 0.15 * total]
        if small:
            del strokes[int(rng.choice(small))]
    if rng.random() < config.retrace_probability:
        i = int(rng.integers(len(strokes)))
        if len(strokes[i]) >= 2:
            offset = rng.normal(0, 0.012, size=2)
            strokes.append(strokes[i][::-1] + offset)
    return strokes


def extend_ends(stroke: npt.NDArray[np.float64], rng: np.random.Generator, scale: float) -> npt.NDArray[np.float64]:
    """Lengthen (overshoot) or shorten (stop short) both ends along their direction."""
    if len(stroke) < 3:
        return stroke
    out = stroke.copy()
    for end, inner in ((0, 1), (-1, -2)):
        direction = out[end] - out[inner]
        norm = math.hypot(*direction)
        if norm > 0:
            out[end] = out[end] + direction / norm * rng.normal(0, scale)
    return out


def shift_stroke(
    stroke: npt.NDArray[np.float64], rng: np.random.Generator, config: HandVariation
) -> npt.NDArray[np.float64]:
    centre = stroke.mean(axis=0)
    angle = math.radians(rng.normal(0, config.stroke_rotation_degrees))
    c, s = math.cos(angle), math.sin(angle)
    rotated = (stroke - centre) @ np.array([[c, s], [-s, c]])
    return rotated + centre + rng.normal(0, config.stroke_shift, size=2)


def tremor(count: int, rng: np.random.Generator, amplitude: float) -> npt.NDArray[np.float64]:
    """Smooth noise: a random walk low-passed by a short moving average."""
    if count < 3 or amplitude <= 0:
        return np.zeros((count, 2))
    walk = np.cumsum(rng.normal(0, 1, size=(count + 4, 2)), axis=0)
    kernel = np.ones(5) / 5
    smooth = np.stack([np.convolve(walk[:, k], kernel, mode="valid") for k in range(2)], axis=1)[:count]
    smooth -= np.linspace(smooth[0], smooth[-1], count)  # keep the ends where they were
    peak = np.abs(smooth).max() or 1.0
    return smooth / peak * amplitude * rng.uniform(0.5, 1.5)


def elastic_warp(strokes: Strokes, rng: np.random.Generator, amplitude: float) -> Strokes:
    """A smooth displacement field: a sum of two low-frequency waves per axis."""
    waves = []
    for _ in range(2):
        frequency = rng.uniform(0.5, 1.6) * 2 * math.pi
        direction = rng.normal(size=2)
        direction /= np.linalg.norm(direction) or 1.0
        waves.append((frequency * direction, rng.uniform(0, 2 * math.pi), rng.normal(0, amplitude, size=2)))

    def warp(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        moved = points.copy()
        for wave_vector, phase, displacement in waves:
            moved += np.sin(points @ wave_vector + phase)[:, None] * displacement[None, :]
        return moved

    return [warp(s) for s in strokes]


def affine_jitter(strokes: Strokes, rng: np.random.Generator, config: HandVariation) -> Strokes:
    angle = math.radians(rng.normal(0, config.rotation_degrees))
    shear = rng.normal(0, config.shear)
    aspect = math.exp(rng.normal(0, config.aspect_log_sigma))
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    shearing = np.array([[1.0, shear], [0.0, 1.0]])  # x moves with y: a slant
    scaling = np.diag([math.sqrt(aspect), 1.0 / math.sqrt(aspect)])
    matrix = rotation @ shearing @ scaling
    return [s @ matrix.T for s in strokes]
