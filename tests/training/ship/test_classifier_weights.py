"""The classifier's weights stored as int8: a quarter of the bytes, scores as good as the float matrix's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime
import pytest
import torch

from training.learn import models
from training.ship.classifier_weights import classifier_node, store_classifier_int8
from training.ship.export import export_onnx, served_model

CLASSES = 600  # enough rows that the weight matrix dominates the file, as with the grown catalogue


def scores(path: Path, images: np.ndarray) -> np.ndarray:
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["scores"], {"image": images})[0]


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    torch.manual_seed(0)
    model = models.build("resnet_tiny", CLASSES).eval()
    path = tmp_path / "model.onnx"
    export_onnx(served_model(model), path)
    return path


@pytest.mark.parametrize("seven_bits", [True, False])
def test_store_classifier_int8_shrinks_the_file_and_keeps_the_ranking(
    exported: Path, tmp_path: Path, seven_bits: bool
) -> None:
    images = np.random.default_rng(0).random((64, 1, 32, 32), dtype=np.float32)
    before = scores(exported, images)
    size = exported.stat().st_size
    stored = tmp_path / "stored.onnx"
    stored.write_bytes(exported.read_bytes())

    result = store_classifier_int8(stored, seven_bits=seven_bits)
    after = scores(stored, images)

    assert result.rows == CLASSES and result.levels == (63 if seven_bits else 127)
    assert result.bytes_after < result.bytes_before / 3.5
    assert stored.stat().st_size < size - 0.7 * result.bytes_before  # the float matrix is gone from the file
    # Rounding happened, at most half a step of the row's scale (the largest row bounds every row's step).
    source = onnx.load(str(exported)).graph
    name = classifier_node(source).input[1]
    weight = next(onnx.numpy_helper.to_array(item) for item in source.initializer if item.name == name)
    assert 0 < result.max_abs_error <= np.abs(weight).max() / result.levels / 2 + 1e-7
    assert np.abs(after - before).max() < 2e-3
    assert (after.argmax(axis=1) == before.argmax(axis=1)).all()
    graph = onnx.load(str(stored)).graph
    assert [node.op_type for node in graph.node].count("DequantizeLinear") == 1
    assert {item.data_type for item in graph.initializer if item.name.endswith("_int8")} == {onnx.TensorProto.INT8}


def test_store_classifier_int8_refuses_a_file_already_stored(exported: Path) -> None:
    store_classifier_int8(exported)
    with pytest.raises(ValueError, match="not a constant"):
        store_classifier_int8(exported)


def test_store_classifier_int8_needs_a_classifier(tmp_path: Path) -> None:
    node = onnx.helper.make_node("Relu", ["x"], ["y"])
    graph = onnx.helper.make_graph(
        [node],
        "relu",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])],
    )
    path = tmp_path / "relu.onnx"
    onnx.save(onnx.helper.make_model(graph), str(path))
    with pytest.raises(ValueError, match="no Gemm"):
        store_classifier_int8(path)
