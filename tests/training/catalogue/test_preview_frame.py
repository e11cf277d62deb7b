"""Previews share one frame (training/catalogue/preview_frame.py): true relative size on one baseline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from training.catalogue import preview_frame
from training.catalogue.previews import text_svg

MODELS = Path(__file__).resolve().parents[3] / "models"
LATEX = (
    "<svg version='1.1' xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' "
    "width='{w}pt' height='{h}pt' viewBox='75.72 {y} {w} {h}'><g><use x='76.71' y='62.76' xlink:href='#g'/></g></svg>"
)


def view_box(svg: str) -> list[float]:
    return [float(v) for v in re.search(r"viewBox=['\"]([^'\"]+)", svg).group(1).split()]


def test_frame_puts_the_baseline_at_the_same_height_and_keeps_the_scale() -> None:
    dot = preview_frame.frame_svg(LATEX.format(w=3.91, h=3.05, y=60.71))
    sigma = preview_frame.frame_svg(LATEX.format(w=8.62, h=8.8, y=54.96))
    for svg in (dot, sigma):
        x, y, width, height = view_box(svg)
        assert (width, height) == (preview_frame.FRAME_WIDTH, preview_frame.ASCENT + preview_frame.DESCENT)
        assert y + preview_frame.ASCENT == pytest.approx(preview_frame.LATEX_BASELINE)
        assert "width='18pt'" in svg and "height='15pt'" in svg and "data-shrunk" not in svg
    # Centred: the ink's middle is the frame's middle.
    x, _, width, _ = view_box(dot)
    assert x + width / 2 == pytest.approx(75.72 + 3.91 / 2, abs=0.01)


def test_frame_is_idempotent() -> None:
    once = preview_frame.frame_svg(LATEX.format(w=8.62, h=8.8, y=54.96))
    assert preview_frame.frame_svg(once) == once


def test_frame_a_symbol_larger_than_the_frame_is_shrunk_whole() -> None:
    wide = preview_frame.frame_svg(LATEX.format(w=29.98, h=7.19, y=56.68))
    x, y, width, height = view_box(wide)
    factor = float(re.search(r"data-shrunk='([0-9.]+)'", wide).group(1))
    assert width == pytest.approx(preview_frame.FRAME_WIDTH * factor, abs=0.01)
    assert x <= 75.72 + 1 and x + width >= 75.72 + 29.98 - 1


def test_frame_text_fallback_uses_its_text_baseline() -> None:
    framed = preview_frame.frame_svg(text_svg("\\foo"))
    _, y, _, height = view_box(framed)
    factor = height / (preview_frame.ASCENT + preview_frame.DESCENT)
    assert y + preview_frame.ASCENT * factor == pytest.approx(preview_frame.TEXT_BASELINE, abs=0.01)  # 2 decimals


def test_frame_refuses_what_is_no_svg() -> None:
    with pytest.raises(ValueError, match="no <svg>"):
        preview_frame.frame_svg("<html></html>")


def _shipped(command: str) -> str:
    catalogue = json.loads((MODELS / "symbols.json").read_text())
    symbol = next(s for s in catalogue["symbols"] if s["command"] == command)
    return (MODELS / symbol["preview"]).read_text()


def test_shipped_previews_are_all_framed() -> None:
    unframed = [p.name for p in (MODELS / "previews").glob("*.svg") if "data-frame=" not in p.read_text()]
    assert unframed == []


@pytest.mark.parametrize(("larger", "smaller"), [("\\sum", "\\Sigma"), ("\\bullet", "."), ("\\int", "a")])
def test_shipped_previews_keep_true_relative_size(larger: str, smaller: str) -> None:
    def ink_height(svg: str) -> float:
        return float(re.search(r"data-ink='([^']+)'", svg).group(1).split()[3])

    big, small = _shipped(larger), _shipped(smaller)
    assert view_box(big)[2:] == view_box(small)[2:]
    assert ink_height(big) > ink_height(small)
