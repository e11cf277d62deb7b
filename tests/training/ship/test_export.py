"""ONNX export: every registered model exports with parity, the shipped files follow contracts.md section 3,
and a broken export (other weights, too large, other renderer) is refused before anything is installed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from backend.render import parameters
from tests.training.tiny_trainset import CLASSES, write_tiny_trainset
from training.learn import models, trainset
from training.ship.export import ExportConfig, ExportError, check_parity, export, export_onnx, served_model


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, run_dir: Path, dataset: Path) -> Path:
    out = tmp_path_factory.mktemp("models")
    export(ExportConfig(run=str(run_dir), out=str(out), catalogue=str(dataset / "symbols.json")))
    return out


@pytest.mark.parametrize("name", sorted(models.MODELS))
def test_export_onnx_every_model_matches_pytorch(name: str, tmp_path: Path, dataset: Path) -> None:
    torch.manual_seed(0)
    served = served_model(models.build(name, len(CLASSES)).eval())
    path = tmp_path / "model.onnx"
    export_onnx(served, path)
    parity = check_parity(served, path, trainset.fixed_real_batch(trainset.load(dataset)), CLASSES)
    assert parity["max_abs_diff"] <= 1e-4
    assert parity["embedding_max_abs_diff"] <= 1e-4
    assert parity["top5_identical"]


def test_served_model_embedding_is_unit_length_penultimate_features(dataset: Path) -> None:
    torch.manual_seed(0)
    model = models.build("resnet_tiny", len(CLASSES)).eval()
    images = torch.from_numpy(trainset.load(dataset).images[:8, None].astype(np.float32) / 16)
    scores, embedding = served_model(model)(images)
    with torch.no_grad():
        features = torch.nn.Sequential(*list(model.children())[:-1])(images)
    assert embedding.shape == (8, features.shape[1])
    assert torch.allclose(embedding.norm(dim=1), torch.ones(8), atol=1e-5)
    assert torch.allclose(embedding * features.norm(dim=1, keepdim=True), features, atol=1e-5)
    assert torch.allclose(scores, torch.softmax(model(images), dim=1), atol=1e-6)


def test_served_model_log_prior_shifts_scores_like_bayes_rule(dataset: Path) -> None:
    torch.manual_seed(0)
    model = models.build("lenet5", len(CLASSES)).eval()
    images = torch.from_numpy(trainset.load(dataset).images[:4, None].astype(np.float32) / 16)
    log_prior = np.log(np.linspace(1, 3, len(CLASSES)))
    with torch.no_grad():
        plain, _ = served_model(model)(images)
        weighted, _ = served_model(model, log_prior)(images)
    expected = plain * torch.from_numpy(np.exp(log_prior)).float()
    assert torch.allclose(weighted, expected / expected.sum(dim=1, keepdim=True), atol=1e-6)


def test_served_model_refuses_a_prior_of_another_width() -> None:
    with pytest.raises(ExportError, match="log-prior"):
        served_model(models.build("lenet5", len(CLASSES)).eval(), np.zeros(len(CLASSES) + 1))


def test_check_parity_fails_for_other_weights(tmp_path: Path, dataset: Path) -> None:
    torch.manual_seed(0)
    path = tmp_path / "model.onnx"
    export_onnx(served_model(models.build("lenet5", len(CLASSES)).eval()), path)
    torch.manual_seed(1)
    other = served_model(models.build("lenet5", len(CLASSES)).eval())
    with pytest.raises(ExportError, match="parity failed"):
        check_parity(other, path, trainset.fixed_real_batch(trainset.load(dataset)), CLASSES)


def test_check_parity_fails_when_labels_do_not_match_the_output(tmp_path: Path, dataset: Path) -> None:
    model = served_model(models.build("lenet5", len(CLASSES)).eval())
    path = tmp_path / "model.onnx"
    export_onnx(model, path)
    with pytest.raises(ExportError, match="labels"):
        check_parity(model, path, trainset.fixed_real_batch(trainset.load(dataset)), [*CLASSES, "latex2e-OT1-_alpha"])


@pytest.mark.slow
def test_export_writes_the_contract_metadata(exported: Path) -> None:
    card = json.loads((exported / "model.json").read_text())
    for key in (
        "format",
        "version",
        "onnx",
        "sha256",
        "labels",
        "render",
        "input",
        "output",
        "training",
        "data",
        "metrics",
    ):
        assert key in card, key
    assert card["format"] == 1 and card["onnx"] == "model.onnx"
    assert card["input"] == "image" and card["output"] == "scores"
    assert card["embedding_output"] == "embedding" and card["embedding_size"] == 128
    assert card["usage_prior"]["strength"] > 0 and card["usage_prior"]["corpus"]["files"] > 0
    assert card["labels"] == CLASSES
    assert card["render"] == parameters()
    assert card["sha256"] == hashlib.sha256((exported / "model.onnx").read_bytes()).hexdigest()
    assert card["metrics"]["parity"]["max_abs_diff"] <= 1e-4
    assert card["metrics"]["heldout"]["crohme"]["n"] == 48
    assert card["data"]["classes"] == len(CLASSES)
    assert card["training"]["model"] == "resnet_tiny"
    assert (exported / "training_curves.png").is_file()


@pytest.mark.slow
def test_export_onnx_has_dynamic_batch_softmax_scores_and_unit_embeddings(exported: Path, dataset: Path) -> None:
    proto = onnx.load(str(exported / "model.onnx"))
    assert proto.opset_import[0].version >= 17
    session = ort.InferenceSession(str(exported / "model.onnx"), providers=["CPUExecutionProvider"])
    images = trainset.load(dataset).images
    for batch in (1, 7):
        x = images[:batch, None].astype(np.float32) / 16
        scores = session.run(["scores"], {"image": x})[0]
        assert scores.shape == (batch, len(CLASSES)) and scores.dtype == np.float32
        assert np.allclose(scores.sum(axis=1), 1, atol=1e-5)
        embedding = session.run(["embedding"], {"image": x})[0]
        assert embedding.shape == (batch, 128) and np.allclose(np.linalg.norm(embedding, axis=1), 1, atol=1e-5)


@pytest.mark.slow
def test_export_strips_local_paths(exported: Path, run_dir: Path) -> None:
    data = (exported / "model.onnx").read_bytes()
    for path in (Path.cwd(), run_dir, Path(__file__).resolve().parents[3]):
        assert str(path).encode() not in data
    proto = onnx.load(str(exported / "model.onnx"))
    assert not proto.doc_string and not proto.metadata_props
    assert all("/" not in node.name and not node.doc_string for node in proto.graph.node)
    card = (exported / "model.json").read_text()
    assert str(run_dir.parent) not in card


@pytest.mark.slow
def test_export_over_the_size_limit_installs_nothing(tmp_path: Path, run_dir: Path, dataset: Path) -> None:
    out = tmp_path / "models"
    with pytest.raises(ExportError, match="MB"):
        export(
            ExportConfig(run=str(run_dir), out=str(out), catalogue=str(dataset / "symbols.json"), max_megabytes=0.01)
        )
    assert not (out / "model.onnx").exists() and not (out / "model.json").exists()


@pytest.mark.slow
def test_export_refuses_data_from_another_renderer(tmp_path: Path, run_dir: Path, dataset: Path) -> None:
    other = write_tiny_trainset(tmp_path / "data")
    meta = json.loads((other / "meta.json").read_text())
    meta["render"] = {**meta["render"], "brush_radius_sq": 5}
    (other / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ExportError, match="renderer"):
        export(ExportConfig(run=str(run_dir), out=str(tmp_path / "models"), data=str(other)))


@pytest.mark.slow
def test_export_metadata_names_no_absolute_path(exported: Path) -> None:
    def strings(value: object) -> list[str]:
        if isinstance(value, dict):
            return [s for item in value.values() for s in strings(item)]
        if isinstance(value, list):
            return [s for item in value for s in strings(item)]
        return [value] if isinstance(value, str) else []

    card = json.loads((exported / "model.json").read_text())
    assert not [s for s in strings(card) if s.startswith("/")]


@pytest.mark.slow
def test_export_without_usage_counts_is_refused_with_a_hint(tmp_path: Path, run_dir: Path, dataset: Path) -> None:
    config = ExportConfig(
        run=str(run_dir), out=str(tmp_path / "m"), catalogue=str(dataset / "symbols.json"), usage=str(tmp_path / "no")
    )
    with pytest.raises(ExportError, match="--no-usage-prior"):
        export(config)
    assert not (tmp_path / "m" / "model.onnx").exists()
