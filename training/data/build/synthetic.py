"""Synthetic samples of one class, made in a worker process: trace its templates, augment, render.

Each class gets its own random stream, derived from the build seed and the class id, so a class's
samples do not change when other classes are added or the work is spread differently over workers.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backend.render import SIZE, render_point_arrays
from training.data.synth import GlyphPictures, HandVariation, templates_for, vary_hand
from training.data.synth.template_store import Strokes


@dataclass(frozen=True)
class SynthesisSettings:
    count: int  # samples per class
    seed: int
    fonts: tuple[str, ...]
    template_size: int
    fonts_per_class: int = 6
    augment: HandVariation = HandVariation()


@dataclass(frozen=True)
class SynthesisResult:
    class_index: int
    images: npt.NDArray[np.uint8]  # [count, 32, 32], empty when the class has no template
    origins: tuple[str, ...]  # the templates used
    templates: tuple[Strokes, ...] = ()  # their traced strokes, saved for fresh samples during training


def synthesise_class(class_index: int, pictures: GlyphPictures, settings: SynthesisSettings) -> SynthesisResult:
    templates = templates_for(pictures, settings.fonts, settings.template_size, settings.fonts_per_class)
    if not templates:
        return SynthesisResult(class_index, np.zeros((0, SIZE, SIZE), dtype=np.uint8), ())
    rng = np.random.default_rng([settings.seed, zlib.crc32(pictures.glyph.encode())])
    images = np.stack(
        [
            render_point_arrays(vary_hand(templates[i % len(templates)].strokes, rng, settings.augment))
            for i in range(settings.count)
        ]
    )
    return SynthesisResult(class_index, images, tuple(t.origin for t in templates), tuple(t.strokes for t in templates))


def synthesise_job(job: tuple[int, GlyphPictures, SynthesisSettings]) -> SynthesisResult:
    """`synthesise_class` for Pool.imap (one picklable argument)."""
    return synthesise_class(*job)
