"""The classifier's weights stored as int8 in the shipped file, its arithmetic left in float.

Why: static quantization leaves the classifier float (`quantize.quantize_file` says why: int8 scores would tie).
With 1,067 classes it was 0.8 MB of the 1.5 MB file; with the grown catalogue's 4,807 it is 3.7 MB of 4.4 MB, and
the extension's offline recognizer reads the whole file before its first answer. Stored as int8 per class row with
one float scale per row (symmetric, no zero point) and turned back into float by a `DequantizeLinear` in the
graph, the matrix takes a quarter of the bytes; the Gemm still multiplies float features by float weights, so the
scores stay continuous (no ties), and the only change is each weight's rounding, at most half a step of its row's
scale. Every reader (onnxruntime, onnxruntime-web) runs the graph as it is; the quantization gates then judge the
whole file, these weights included.

Rows on 7 bits ([-63, 63]) when the convs' weights are (`QuantizeConfig.reduce_range`): onnxruntime may fuse the
dequantized input and weights into one integer Gemm on CPUs without VNNI, where 8-bit weights can saturate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class ClassifierInt8:
    """What changed: for the log and model.json."""

    rows: int  # classes (rows of the weight matrix)
    features: int  # the classifier's input width
    levels: int  # the largest stored magnitude: 127 (8 bits) or 63 (7 bits)
    bytes_before: int  # the float matrix
    bytes_after: int  # int8 matrix and float scales
    max_abs_error: float  # the largest change of one weight


def classifier_node(graph: Any) -> Any:
    """The classifier of an exported graph: its last Gemm (None in a graph without one)."""
    gemms = [node for node in graph.node if node.op_type == "Gemm"]
    return gemms[-1] if gemms else None


def store_classifier_int8(path: Path, seven_bits: bool = True) -> ClassifierInt8:
    """Rewrite the ONNX file at `path`: the last Gemm's constant weight matrix becomes int8 + per-row scales."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    gemm = classifier_node(graph)
    if gemm is None:
        raise ValueError(f"{path} has no Gemm: no classifier to store")
    initializers = {item.name: item for item in graph.initializer}
    name = gemm.input[1]
    if name not in initializers:
        raise ValueError(f"{path}: the classifier's weights are not a constant (already stored as int8?)")
    transposed = next((attribute.i for attribute in gemm.attribute if attribute.name == "transB"), 0)
    weight = numpy_helper.to_array(initializers[name]).astype(np.float32)
    rows = weight if transposed else weight.T  # one row per class
    levels = 63 if seven_bits else 127
    scale = np.maximum(np.abs(rows).max(axis=1), np.finfo(np.float32).tiny) / levels
    stored = np.clip(np.rint(rows / scale[:, None]), -levels, levels).astype(np.int8)
    error = float(np.abs(stored.astype(np.float32) * scale[:, None] - rows).max())

    quantized = stored if transposed else stored.T
    graph.initializer.remove(initializers[name])
    graph.initializer.extend(
        [
            numpy_helper.from_array(quantized, f"{name}_int8"),
            numpy_helper.from_array(scale.astype(np.float32), f"{name}_scale"),
            numpy_helper.from_array(np.zeros(len(scale), np.int8), f"{name}_zero_point"),
        ]
    )
    axis = 0 if transposed else 1  # the class axis of the stored matrix
    dequantize = helper.make_node(
        "DequantizeLinear",
        [f"{name}_int8", f"{name}_scale", f"{name}_zero_point"],
        [name],
        name=f"{name}_dequantize",
        axis=axis,
    )
    position = list(graph.node).index(gemm)
    graph.node.insert(position, dequantize)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return ClassifierInt8(
        rows=int(rows.shape[0]),
        features=int(rows.shape[1]),
        levels=levels,
        bytes_before=int(weight.nbytes),
        bytes_after=int(stored.nbytes + scale.nbytes),
        max_abs_error=error,
    )
