"""Small but real model folders for server tests: a catalogue in the contract's format and an ONNX model
built with `onnx.helper` (Flatten -> MatMul -> Softmax), so fault tests can break one piece at a time.

The API tests proper run against the shipped model in models/; these serve the fault tests (missing,
corrupt, mismatched files) and the tests that must not depend on what the shipped model predicts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from backend import render


def symbol(
    id: str,  # noqa: A002 - the catalogue's own field name
    command: str,
    names: list[str],
    unicode: str | None = None,
    package: str | None = None,
    glyph: str | None = None,
    math: bool = True,
    text: bool = False,
) -> dict[str, Any]:
    return {
        "id": id,
        "command": command,
        "package": package,
        "fontenc": "OT1",
        "math": math,
        "text": text,
        "unicode": unicode,
        "glyph": glyph or id,
        "source": "detexify",
        "preview": f"previews/{hashlib.md5(id.encode()).hexdigest()}.svg",
        "preview_kind": "latex",
        "names": names,
    }


# Two alias groups (\to/\rightarrow, \leq/\le) and ids with the awkward characters real ids have.
SYMBOLS = [
    symbol("latex2e-OT1-_alpha", "\\alpha", ["alpha", "greek small letter alpha"], "α"),
    symbol("latex2e-OT1-_rightarrow", "\\rightarrow", ["rightwards arrow", "right arrow"], "→"),
    symbol("latex2e-OT1-_to", "\\to", ["to"], "→", glyph="latex2e-OT1-_rightarrow"),
    symbol("latex2e-OT1-_leq", "\\leq", ["less-than or equal to", "less than or equal"], "≤"),
    symbol("latex2e-OT1-_le", "\\le", ["le"], "≤", glyph="latex2e-OT1-_leq"),
    symbol("amssymb-OT1-_mathbb{R}", "\\mathbb{R}", ["double-struck capital r", "real numbers"], "ℝ", "amssymb"),
    symbol("latex2e-OT1-_|", "\\|", ["double vertical line", "norm"], "‖"),
    symbol(
        "latex2e-OT1-_textbackslash", "\\textbackslash", ["reverse solidus", "backslash"], "\\", math=False, text=True
    ),
    symbol("latex2e-OT1-/", "/", ["solidus", "slash"], "/", math=True, text=True),
    symbol("latex2e-OT1-_sum", "\\sum", ["n-ary summation", "sum"], "∑"),
    symbol("stmaryrd-OT1-_llbracket", "\\llbracket", ["left white square bracket"], "⟦", "stmaryrd"),
]


def glyph_labels(symbols: list[dict[str, Any]]) -> list[str]:
    """One label per glyph group, as the model's classes are (contracts section 1)."""
    return [s["id"] for s in symbols if s["glyph"] == s["id"]]


def write_catalogue(model_dir: Path, symbols: list[dict[str, Any]] = SYMBOLS) -> None:
    model_dir.mkdir(parents=True, exist_ok=True)
    catalogue = {"catalogue_version": 1, "about": "test fixture", "symbols": symbols}
    (model_dir / "symbols.json").write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    previews = model_dir / "previews"
    previews.mkdir(exist_ok=True)
    for s in symbols:
        (model_dir / s["preview"]).write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><!-- {s["id"]} --></svg>')


def onnx_model_bytes(classes: int, seed: int = 0, embedding_size: int | None = None) -> bytes:
    """A real classifier graph: image [N,1,32,32] -> Flatten -> MatMul -> Softmax -> scores [N, classes].

    With `embedding_size`, like the shipped export (contracts section 3): Flatten -> MatMul -> features [N, D],
    whose L2-normalised copy is the second output `embedding`, and features -> MatMul -> Softmax -> scores."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    side = render.SIZE
    rng = np.random.default_rng(seed)
    image = [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, side, side])]
    scores = helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N", classes])
    if embedding_size is None:
        weights = rng.normal(0, 1, (side * side, classes)).astype(np.float32)
        nodes = [
            helper.make_node("Flatten", ["image"], ["flat"], axis=1),
            helper.make_node("MatMul", ["flat", "weights"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["scores"], axis=1),
        ]
        graph = helper.make_graph(nodes, "fixture", image, [scores], [numpy_helper.from_array(weights, "weights")])
    else:
        features = rng.normal(0, 1, (side * side, embedding_size)).astype(np.float32)
        classifier = rng.normal(0, 0.3, (embedding_size, classes)).astype(np.float32)
        nodes = [
            helper.make_node("Flatten", ["image"], ["flat"], axis=1),
            helper.make_node("MatMul", ["flat", "features_w"], ["features"]),
            helper.make_node("LpNormalization", ["features"], ["embedding"], axis=1, p=2),
            helper.make_node("MatMul", ["features", "classifier_w"], ["logits"]),
            helper.make_node("Softmax", ["logits"], ["scores"], axis=1),
        ]
        embedding = helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", embedding_size])
        initial = [numpy_helper.from_array(features, "features_w"), numpy_helper.from_array(classifier, "classifier_w")]
        graph = helper.make_graph(nodes, "fixture", image, [scores, embedding], initial)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def write_model(
    model_dir: Path,
    labels: list[str],
    classes: int | None = None,
    version: str = "fixture-1",
    embedding_size: int | None = None,
) -> None:
    """model.onnx with `classes` outputs (default: one per label) and a model.json that records it; with
    `embedding_size`, also the `embedding` output and its two model.json fields."""
    model_dir.mkdir(parents=True, exist_ok=True)
    data = onnx_model_bytes(len(labels) if classes is None else classes, embedding_size=embedding_size)
    (model_dir / "model.onnx").write_bytes(data)
    card = {
        "format": 1,
        "version": version,
        "onnx": "model.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "labels": labels,
        "render": render.parameters(),
        "input": "image",
        "output": "scores",
        "training": {},
        "data": {},
        "metrics": {},
    }
    if embedding_size is not None:
        card.update(embedding_output="embedding", embedding_size=embedding_size)
    (model_dir / "model.json").write_text(json.dumps(card), encoding="utf-8")


def write_model_dir(model_dir: Path) -> Path:
    """A complete, valid model folder."""
    write_catalogue(model_dir)
    write_model(model_dir, glyph_labels(SYMBOLS))
    return model_dir
