"""Synthetic handwriting for every catalogue class: templates traced from its glyph, augmented like hands."""

from training.synth.augment import AugmentConfig, augment
from training.synth.templates import GlyphPictures, Template, templates_for

__all__ = ["AugmentConfig", "GlyphPictures", "Template", "augment", "templates_for"]
