import json

import numpy as np
import pytest

from backend import render
from backend.catalogue import load_catalogue
from backend.drawing import strokes_to_arrays
from backend.model_card import ModelLoadError, load_model_card
from backend.recognizer import Recognizer
from tests.backend.model_fixtures import SYMBOLS, glyph_labels, symbol, write_catalogue, write_model, write_model_dir

PLUS = [[[0, 5], [10, 5]], [[5, 0], [5, 10]]]


@pytest.fixture
def model_dir(tmp_path):
    return write_model_dir(tmp_path / "models")


def load(model_dir):
    return Recognizer.load(model_dir, load_catalogue(model_dir / "symbols.json"))


def test_recognizer_ranks_every_label_best_first(model_dir):
    recognizer = load(model_dir)
    labels = glyph_labels(SYMBOLS)
    answer = recognizer.predict(strokes_to_arrays(PLUS), k=len(labels))
    scores = [entry["score"] for entry in answer]
    assert scores == sorted(scores, reverse=True)
    assert sorted(entry["id"] for entry in answer) == sorted(labels)
    assert sum(scores) == pytest.approx(1.0, abs=1e-4)


def test_recognizer_scores_equal_the_session_output(model_dir):
    recognizer = load(model_dir)
    image = render.render(PLUS)[None]
    expected = recognizer.session.run(None, {"image": image})[0][0]
    answer = recognizer.predict(strokes_to_arrays(PLUS), k=3)
    best = np.argsort(-expected)[:3]
    assert [entry["id"] for entry in answer] == [recognizer.card.labels[i] for i in best]
    assert [entry["score"] for entry in answer] == pytest.approx(expected[best].tolist())


def test_recognizer_lists_alias_members_as_alternatives(model_dir):
    recognizer = load(model_dir)
    answer = recognizer.predict(strokes_to_arrays(PLUS), k=20)
    by_id = {entry["id"]: entry for entry in answer}
    assert [a["command"] for a in by_id["latex2e-OT1-_rightarrow"]["alternatives"]] == ["\\to"]
    assert [a["command"] for a in by_id["latex2e-OT1-_leq"]["alternatives"]] == ["\\le"]
    assert by_id["latex2e-OT1-_alpha"]["alternatives"] == []
    assert by_id["latex2e-OT1-_textbackslash"]["mode"] == "text"
    assert by_id["latex2e-OT1-/"]["mode"] == "both"


def test_recognizer_never_shows_one_glyph_twice(tmp_path):
    # A model whose labels include two members of one glyph group (\to and \rightarrow).
    model_dir = tmp_path / "models"
    write_catalogue(model_dir)
    labels = [*glyph_labels(SYMBOLS), "latex2e-OT1-_to"]
    write_model(model_dir, labels)
    recognizer = load(model_dir)
    answer = recognizer.predict(strokes_to_arrays(PLUS), k=len(labels))
    glyphs = [next(s["glyph"] for s in SYMBOLS if s["id"] == entry["id"]) for entry in answer]
    assert len(glyphs) == len(set(glyphs)) == len(labels) - 1
    scores = recognizer.scores(render.render(PLUS)[None])[0]
    to, rightarrow = labels.index("latex2e-OT1-_to"), labels.index("latex2e-OT1-_rightarrow")
    kept = "latex2e-OT1-_to" if scores[to] > scores[rightarrow] else "latex2e-OT1-_rightarrow"
    assert kept in [entry["id"] for entry in answer]


def test_recognizer_rejects_label_count_other_than_model_width(tmp_path):
    model_dir = tmp_path / "models"
    write_catalogue(model_dir)
    labels = glyph_labels(SYMBOLS)
    write_model(model_dir, labels, classes=len(labels) + 1)
    with pytest.raises(ModelLoadError, match=f"outputs {len(labels) + 1} scores but model.json lists {len(labels)}"):
        load(model_dir)


def test_recognizer_rejects_missing_model_file(model_dir):
    (model_dir / "model.onnx").unlink()
    with pytest.raises(ModelLoadError, match="model.onnx does not exist"):
        load(model_dir)


def test_recognizer_rejects_missing_metadata(model_dir):
    (model_dir / "model.json").unlink()
    with pytest.raises(ModelLoadError, match="model.json does not exist"):
        load(model_dir)


def test_recognizer_rejects_file_with_other_checksum(model_dir):
    data = bytearray((model_dir / "model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model_dir / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="corrupt"):
        load(model_dir)


def test_recognizer_rejects_garbage_onnx_even_with_matching_checksum(model_dir):
    import hashlib

    garbage = b"this is not a protobuf" * 10
    (model_dir / "model.onnx").write_bytes(garbage)
    card = json.loads((model_dir / "model.json").read_text())
    card["sha256"] = hashlib.sha256(garbage).hexdigest()
    (model_dir / "model.json").write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match="not a loadable ONNX model"):
        load(model_dir)


def test_recognizer_rejects_model_of_another_renderer(model_dir):
    card = json.loads((model_dir / "model.json").read_text())
    card["render"] = {**card["render"], "brush_radius_sq": card["render"]["brush_radius_sq"] + 1}
    (model_dir / "model.json").write_text(json.dumps(card))
    with pytest.raises(ModelLoadError, match="renderer"):
        load_model_card(model_dir)


def test_recognizer_rejects_labels_missing_from_catalogue(tmp_path):
    model_dir = tmp_path / "models"
    write_catalogue(model_dir)
    write_model(model_dir, [*glyph_labels(SYMBOLS), "nopackage-OT1-_nothing"])
    with pytest.raises(ModelLoadError, match="1 of the model's 10 labels are not in the symbol catalogue"):
        load(model_dir)


def test_recognizer_rejects_metadata_that_is_not_json(model_dir):
    (model_dir / "model.json").write_text("{not json")
    with pytest.raises(ModelLoadError, match="not readable JSON"):
        load(model_dir)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_recognizer_top_k_with_alias_labels_matches_brute_force(tmp_path, k):
    model_dir = tmp_path / "models"
    write_catalogue(model_dir)
    labels = [*glyph_labels(SYMBOLS), "latex2e-OT1-_to", "latex2e-OT1-_le"]
    write_model(model_dir, labels)
    recognizer = load(model_dir)
    glyph_of = {s["id"]: s["glyph"] for s in SYMBOLS}
    for strokes in (PLUS, [[[0, 0], [3, 9], [9, 1]]], [[[5, 5]]]):
        scores = recognizer.scores(render.render(strokes)[None])[0]
        best_per_glyph = {}
        for label, score in zip(labels, scores.tolist(), strict=True):
            glyph = glyph_of[label]
            if glyph not in best_per_glyph or score > best_per_glyph[glyph][1]:
                best_per_glyph[glyph] = (label, score)
        expected = [label for label, _ in sorted(best_per_glyph.values(), key=lambda entry: -entry[1])[:k]]
        assert [entry["id"] for entry in recognizer.predict(strokes_to_arrays(strokes), k)] == expected


def test_recognizer_leaves_out_a_few_labels_the_catalogue_no_longer_has(tmp_path):
    model_dir = tmp_path / "models"
    extra = [symbol(f"latex2e-OT1-_g{i}", f"\\g{i}", [f"g {i}"]) for i in range(60)]
    write_catalogue(model_dir, [*SYMBOLS, *extra])
    labels = [*glyph_labels(SYMBOLS), "latex2e-OT1-_gone", *(s["id"] for s in extra)]
    write_model(model_dir, labels)
    recognizer = load(model_dir)
    assert recognizer.unlisted_labels == ("latex2e-OT1-_gone",)
    gone = labels.index("latex2e-OT1-_gone")
    for strokes in (PLUS, [[[0, 0], [3, 9], [9, 1]]], [[[5, 5]]]):
        scores = recognizer.scores(render.render(strokes)[None])[0]
        scores_listed = np.delete(scores, gone)
        listed = [label for label in labels if label != "latex2e-OT1-_gone"]
        expected = [listed[i] for i in np.argsort(-scores_listed, kind="stable")[:20]]
        assert [entry["id"] for entry in recognizer.predict(strokes_to_arrays(strokes), 20)] == expected
