"""The generated junk set: every kind present, reproducible, renderable, and never a catalogue word."""

from __future__ import annotations

import numpy as np

from backend.render import render_point_arrays
from training.ship import junk


def _letter(x: float) -> list[list[list[float]]]:
    return [[[x, 0.0], [x + 5.0, 10.0], [x + 10.0, 0.0]]]


def _records() -> list[dict]:
    records = []
    for writer in ("w1", "w2"):
        for index, label in enumerate(["s", "i", "n", "a", "b", "2", "+"]):
            records.append(
                {
                    "label": label,
                    "strokes": _letter(20.0 * index),
                    "writer": writer,
                    "source_expr": f"{writer}-expr",
                    "group": f"writer:{writer}",
                }
            )
    return records


def test_generate_every_kind_the_same_for_a_seed() -> None:
    pieces = junk.CrohmePieces(_records(), ["sin"])
    first = junk.generate(4, pieces, seed=7)
    again = junk.generate(4, pieces, seed=7)
    assert [d.kind for d in first] == [kind for kind in junk.KINDS for _ in range(4)]
    for a, b in zip(first, again, strict=True):
        assert len(a.strokes) == len(b.strokes)
        assert all(np.array_equal(x, y) for x, y in zip(a.strokes, b.strokes, strict=True))
    for drawing in first:
        assert render_point_arrays(drawing.strokes).sum() > 0


def test_generate_other_seed_other_drawings() -> None:
    pieces = junk.CrohmePieces(_records())
    a = junk.generate(2, pieces, seed=1)[0].strokes
    b = junk.generate(2, pieces, seed=2)[0].strokes
    assert not np.array_equal(np.vstack(a), np.vstack(b))


def test_word_never_spells_a_catalogue_command() -> None:
    records = [r for r in _records() if r["label"] in "sin" and r["writer"] == "w1"]
    pieces = junk.CrohmePieces(records, junk.catalogue_words(["\\sin", "\\nis", "\\isn", "\\ins", "\\sni"]))
    # Three letters s, i, n: every order but "nsi" is a catalogue word, so each word drawn must be that one.
    for seed in range(5):
        word = pieces.word(np.random.default_rng(seed))
        left_edges = sorted((stroke[:, 0].min(), stroke[:, 0].max()) for stroke in word)
        assert len(word) == 3 and left_edges[0][1] <= left_edges[1][0]  # side by side, not on top of each other


def test_expression_keeps_its_symbols_in_their_places() -> None:
    pieces = junk.CrohmePieces(_records())
    strokes = pieces.expression(np.random.default_rng(0))
    assert 2 <= len(strokes) <= 4
    assert len({float(s[:, 0].min()) for s in strokes}) == len(strokes)


def test_generate_without_crohme_records_leaves_those_kinds_out() -> None:
    drawings = junk.generate(3, junk.CrohmePieces([]), seed=0)
    assert {d.kind for d in drawings} == {"scribble", "hatch", "coil", "taps", "zigzag"}


def test_catalogue_words_takes_word_commands_only() -> None:
    assert junk.catalogue_words(["\\sin", "\\alpha", "+", "\\{", "a", "\\l"]) == ["sin", "alpha"]
