"""The int8 file `quantize` writes runs exactly in onnxruntime's fast fused int8 kernels on this CPU: its fused scores
equal the unfused graph's (the server's reference where fused kernels saturate). On an x86 CPU without VNNI the
fused u8 x s8 kernels add pairs of products in 16 bits with saturation; 7-bit weights (`QuantizeConfig.reduce_range`)
keep every pair sum inside 16 bits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from backend.recognizer import fused_int8_is_exact
from training.ship.quantize import QuantizeConfig, quantize_file


def _tiny_float_model(path: Path) -> None:
    """image [N,1,32,32] -> conv -> relu -> conv -> pool -> softmax [N,8]. The first convolution's weights are all
    positive and of one size, so on dense ink neighbouring products are all large and of one sign: the case where a
    16-bit pair sum of 8-bit weights overflows (255 x 127 x 2 = 64,770)."""
    rng = np.random.default_rng(0)
    weights = {
        "w1": rng.uniform(0.5, 1.0, (8, 1, 3, 3)),
        "b1": np.zeros(8),
        "w2": rng.uniform(-1.0, 1.0, (8, 8, 3, 3)),
        "b2": np.zeros(8),
    }
    nodes = [
        helper.make_node("Conv", ["image", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("GlobalAveragePool", ["c2"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["scores"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 32, 32])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["N", 8])],
        [numpy_helper.from_array(value.astype(np.float32), name) for name, value in weights.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # what this onnxruntime reads
    onnx.save(model, path)


def _dense_ink(count: int, seed: int) -> npt.NDArray[np.float32]:
    return np.random.default_rng(seed).uniform(0.0, 1.0, (count, 1, 32, 32)).astype(np.float32)


def _fused_minus_unfused(int8_path: Path) -> float:
    """max |fused - unfused| over drawings the calibration did not see."""
    fused_options = ort.SessionOptions()
    fused_options.intra_op_num_threads = 1
    unfused_options = ort.SessionOptions()
    unfused_options.intra_op_num_threads = 1
    unfused_options.add_session_config_entry("session.disable_quant_qdq", "1")  # the server's reference
    images = {"image": _dense_ink(32, seed=2)}
    fused = ort.InferenceSession(str(int8_path), fused_options, providers=["CPUExecutionProvider"])
    unfused = ort.InferenceSession(str(int8_path), unfused_options, providers=["CPUExecutionProvider"])
    return float(np.abs(fused.run(["scores"], images)[0] - unfused.run(["scores"], images)[0]).max())


def _quantized(tmp_path: Path, reduce_range: bool) -> Path:
    _tiny_float_model(tmp_path / "float.onnx")
    int8_path = tmp_path / f"int8-{reduce_range}.onnx"
    percentile = QuantizeConfig().calibration_percentile
    quantize_file(tmp_path / "float.onnx", int8_path, _dense_ink(100, seed=1), percentile, reduce_range)
    return int8_path


def test_quantize_file_default_fused_scores_equal_the_unfused_graph(tmp_path: Path) -> None:
    assert _fused_minus_unfused(_quantized(tmp_path, QuantizeConfig().reduce_range)) < 1e-4


def test_quantize_file_8bit_weights_saturate_fused_on_a_cpu_without_vnni(tmp_path: Path) -> None:
    # The control: the tiny model does show saturation where the fused kernels saturate, so the test above can fail.
    if fused_int8_is_exact():
        pytest.skip("this CPU has VNNI: its fused int8 kernels do not saturate")
    assert _fused_minus_unfused(_quantized(tmp_path, reduce_range=False)) > 1e-2
