"""The server scores the shipped int8 (QDQ) model with the graph's own numbers on every CPU, the numbers
onnxruntime-web computes offline (the extension's side: extension/test/offline-equals-server.test.mjs). On an
AVX2-only CPU onnxruntime's fused int8 kernels saturate and moved scores by up to 0.36."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backend import render
from backend.catalogue import load_catalogue
from backend.recognizer import Recognizer, fused_int8_is_exact
from tests.backend.live_server import NO_SHIPPED_MODEL, REPO_ROOT, SHIPPED_MODEL_DIR, shipped_model_present

# Real CROHME drawings, the same ones the offline-equals-server test draws.
CROHME_DRAWINGS = REPO_ROOT / "extension" / "test" / "fixtures" / "crohme-drawings.json"


def test_recognizer_scores_equal_the_unfused_graph_on_real_drawings() -> None:
    if not shipped_model_present():
        pytest.skip(NO_SHIPPED_MODEL)
    import onnxruntime as ort

    recognizer = Recognizer.load(SHIPPED_MODEL_DIR, load_catalogue(SHIPPED_MODEL_DIR / "symbols.json"))
    samples = json.loads(CROHME_DRAWINGS.read_text())["samples"]
    images = np.stack([render.render(sample["strokes"]) for sample in samples])
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # nothing fused: the reference
    reference = ort.InferenceSession(str(recognizer.card.onnx_path), options, providers=["CPUExecutionProvider"])
    expected = reference.run([recognizer.card.output_name], {recognizer.card.input_name: images})[0]
    assert np.abs(recognizer.scores(images) - expected).max() < 1e-4


@pytest.mark.parametrize(
    ("flags", "exact"),
    [
        ("fpu sse4_2 avx f16c avx2 fma", False),  # AVX2 alone: vpmaddubsw saturates
        ("avx2 avx512f avx512bw avx512vl", False),  # AVX-512 without VNNI: the same
        ("avx2 avx512f avx512_vnni", True),
        ("avx2 avx_vnni", True),
    ],
)
def test_fused_int8_is_exact_only_on_a_cpu_with_vnni(tmp_path, flags: str, exact: bool) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n")
    assert fused_int8_is_exact(cpuinfo) is exact


def test_fused_int8_is_not_trusted_where_the_cpu_cannot_be_read(tmp_path) -> None:
    arm = tmp_path / "cpuinfo"
    arm.write_text("processor\t: 0\nFeatures\t: fp asimd asimddp\n")
    assert not fused_int8_is_exact(arm)
    assert not fused_int8_is_exact(tmp_path / "absent")
