"""Synthetic handwriting for every catalogue class: templates traced from its glyph, augmented like hands."""

from training.data.synth.hand_variation import HandVariation, vary_hand
from training.data.synth.templates import GlyphPictures, Template, templates_for

__all__ = ["GlyphPictures", "HandVariation", "Template", "templates_for", "vary_hand"]
