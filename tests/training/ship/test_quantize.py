"""int8 quantization: installed only when held-out accuracy and agreement with the float model hold; the int8
file keeps the float file's inputs and outputs; a refused quantization leaves the folder as it was."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from training.ship.export import ExportConfig, export
from training.ship.quantize import QuantizeConfig, QuantizeError, allowed_drop, quantize


@pytest.fixture()
def exported_copy(tmp_path: Path, run_dir: Path, dataset: Path) -> Path:
    out = tmp_path / "models"
    export(ExportConfig(run=str(run_dir), out=str(out), catalogue=str(dataset / "symbols.json")))
    return out


def _config(model: Path, dataset: Path, **overrides: float) -> QuantizeConfig:
    # The tiny model is small and barely trained, so the accuracy bounds are loose; the checks themselves are real.
    values = {"max_top1_drop": 0.1, "max_top5_drop": 0.1, "min_top1_agreement": 0.8, **overrides}
    return QuantizeConfig(
        model=str(model), data=str(dataset), catalogue=str(dataset / "symbols.json"), calibration_samples=64, **values
    )


@pytest.mark.slow
def test_quantize_installs_an_int8_model_with_the_same_outputs(exported_copy: Path, dataset: Path) -> None:
    float_bytes = (exported_copy / "model.onnx").read_bytes()
    result = quantize(_config(exported_copy, dataset))
    card = json.loads((exported_copy / "model.json").read_text())
    assert card["quantization"]["top1_agreement"] == result["top1_agreement"] >= 0.8
    assert (exported_copy / "model.float.onnx").read_bytes() == float_bytes
    int8_bytes = (exported_copy / "model.onnx").read_bytes()
    assert int8_bytes != float_bytes and card["sha256"] == hashlib.sha256(int8_bytes).hexdigest()
    session = ort.InferenceSession(str(exported_copy / "model.onnx"), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == ["scores", "embedding"]
    assert any(node.op_type == "QuantizeLinear" for node in onnx.load(exported_copy / "model.onnx").graph.node)
    # The classifier's weights are stored as int8 rows and the record says so.
    assert card["quantization"]["classifier_int8"]["rows"] == len(card["labels"])
    assert "classifier weights int8" in card["quantization"]["kind"]
    scores, embedding = session.run(None, {"image": np.zeros((2, 1, 32, 32), np.float32)})
    assert np.allclose(scores.sum(axis=1), 1, atol=1e-4)
    assert np.allclose(np.linalg.norm(embedding, axis=1), 1, atol=1e-3)
    with pytest.raises(QuantizeError, match="already holds a quantized model"):
        quantize(_config(exported_copy, dataset))


@pytest.mark.slow
def test_quantize_refused_changes_nothing(exported_copy: Path, dataset: Path) -> None:
    before = {p.name: p.read_bytes() for p in exported_copy.iterdir() if p.is_file()}
    with pytest.raises(QuantizeError, match="agree"):
        quantize(_config(exported_copy, dataset, min_top1_agreement=1.01))
    after = {p.name: p.read_bytes() for p in exported_copy.iterdir() if p.is_file()}
    assert after == before


@pytest.mark.slow
def test_quantize_refused_with_a_float_model_over_the_shipped_size_fails_even_when_refusal_is_ok(
    exported_copy: Path, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from training.ship import export as export_module
    from training.ship.quantize import main

    args = ["--model", str(exported_copy), "--data", str(dataset), "--catalogue", str(dataset / "symbols.json")]
    args += ["--calibration-samples", "64", "--min-top1-agreement", "1.01", "--refusal-ok"]
    main(args)  # under the shipped size, a refusal keeps the float model and is no failure
    monkeypatch.setattr(export_module, "SHIPPED_MAX_MEGABYTES", 0.01)
    with pytest.raises(SystemExit, match="over the shipped size and cannot ship"):
        main(args)


def test_quantize_allowed_drop_is_one_drawing_only_where_that_is_more_than_the_points() -> None:
    assert allowed_drop(0.003, 92, 1) == 1 / 92  # 92 contributed drawings: one drawing is 1.1 points
    assert allowed_drop(0.003, 7203, 1) == 0.003  # CROHME: one drawing is 0.014 points, the points limit holds
    assert allowed_drop(0.003, 92, 0) == 0.003
    assert allowed_drop(0.003, 0, 1) == 0.003
