"""The parts that call TeX Live (package probe, LaTeX previews) and the Unicode-font fallback.

The TeX tests run where `make catalogue` installed TeX Live and are skipped elsewhere; the committed catalogue
means no other test needs TeX.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from training.catalogue.previews import (
    FALLBACK_FONTS,
    PreviewConfig,
    font_svg,
    minify_svg,
    render_latex_group,
    text_svg,
)
from training.catalogue.probe import working_commands

needs_tex = pytest.mark.skipif(
    shutil.which("latex") is None or shutil.which("dvisvgm") is None, reason="TeX Live / dvisvgm not installed"
)


@needs_tex
def test_working_commands_tells_kernel_from_package_commands():
    commands = ["\\alpha", "\\mathbb{R}", "\\nosuchcommand", "\\textbullet"]
    assert working_commands(commands) == {"\\alpha"}  # \textbullet is a text command: invalid in math mode
    assert working_commands(commands, ("amssymb",)) == {"\\alpha", "\\mathbb{R}"}
    assert working_commands(commands, math=False) == {"\\textbullet"}


@needs_tex
def test_working_commands_survives_more_than_100_errors():
    commands = [f"\\nosuch{letter}{other}" for letter in "abcdefghij" for other in "abcdefghijkl"] + ["\\beta"]
    assert working_commands(commands) == {"\\beta"}


@needs_tex
def test_render_latex_group_gives_one_svg_per_symbol_with_glyphs_as_paths():
    entries = [
        {"id": "latex2e-OT1-_alpha", "command": "\\alpha", "math": True},
        {"id": "latex2e-OT1-_nosuch", "command": "\\nosuch", "math": True},
        {"id": "latex2e-OT1-_textunderscore", "command": "\\textunderscore", "math": False},
    ] + [{"id": f"latex2e-OT1-{d}", "command": d, "math": True} for d in "0123456789"]
    svgs = render_latex_group(entries, None, None, PreviewConfig())
    assert "latex2e-OT1-_nosuch" not in svgs  # an error leaves the symbol to the fallback
    assert set(svgs) == {e["id"] for e in entries} - {"latex2e-OT1-_nosuch"}
    for svg in svgs.values():
        assert svg.startswith("<svg") and "<text" not in svg and "<!--" not in svg
    assert "<rect" in svgs["latex2e-OT1-_textunderscore"]  # a rule, not a glyph
    assert svgs["latex2e-OT1-9"] != svgs["latex2e-OT1-1"]


@pytest.mark.skipif(not any(p.is_file() for p in FALLBACK_FONTS), reason="no fallback font installed")
def test_font_svg_draws_the_character_as_a_path():
    svg = font_svg("⊕", FALLBACK_FONTS)
    assert svg is not None and svg.startswith("<svg") and '<path d="M' in svg
    assert font_svg("\U000f0000", FALLBACK_FONTS) is None  # private use: no font has it


def test_font_svg_without_fonts_gives_none(tmp_path: Path):
    assert font_svg("⊕", (tmp_path / "missing.otf",)) is None


def test_text_svg_escapes_markup():
    svg = text_svg("<&>")
    assert "&lt;&amp;&gt;" in svg and svg.startswith("<svg")


def test_minify_svg_drops_declaration_comments_and_whitespace():
    svg = "<?xml version='1.0'?>\n<!-- made by dvisvgm -->\n<svg>\n  <path d='M0 0'/>\n</svg>\n"
    assert minify_svg(svg) == "<svg><path d='M0 0'/></svg>\n"
