"""The shipped model's metadata (`models/model.json`, contracts section 3), checked before anything is served.

A model that cannot be trusted must stop start-up with one sentence saying what is wrong: a missing file, a
file whose checksum differs from the one recorded at export, metadata of an unknown format, or a model fed by
a different renderer than the one the server runs (its answers would be quietly wrong).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend import render

MODEL_FORMAT = 1


class ModelLoadError(RuntimeError):
    """The model cannot be served; the message says why in one sentence."""


@dataclass(frozen=True)
class ModelCard:
    """What the server needs from model.json, validated."""

    onnx_path: Path
    version: str
    sha256: str
    labels: tuple[str, ...]
    input_name: str
    output_name: str
    # The L2-normalised embedding output (contracts section 3), None for models exported before it existed.
    embedding_name: str | None = None
    embedding_size: int | None = None


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ModelLoadError(f"model metadata {path} does not exist (run `make models` or set TEXSKETCH_MODEL_DIR)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"model metadata {path} is not readable JSON: {error}") from None
    if not isinstance(data, dict):
        raise ModelLoadError(f"model metadata {path} must be a JSON object")
    return data


def _field(data: dict[str, Any], name: str, kind: type, path: Path) -> Any:
    value = data.get(name)
    if not isinstance(value, kind):
        raise ModelLoadError(f"model metadata {path}: field {name!r} is missing or not a {kind.__name__}")
    return value


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_model_card(model_dir: Path) -> ModelCard:
    """Read and check `model_dir/model.json` and the checksum of the ONNX file it names."""
    path = model_dir / "model.json"
    data = _read_json(path)
    if data.get("format") != MODEL_FORMAT:
        raise ModelLoadError(f"model metadata {path}: format {data.get('format')!r} is not {MODEL_FORMAT}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, (str, int)) or version == "":
        raise ModelLoadError(f"model metadata {path}: field 'version' is missing or not a string")
    onnx_name = _field(data, "onnx", str, path)
    sha256 = _field(data, "sha256", str, path).lower()
    labels = _field(data, "labels", list, path)
    if not labels or not all(isinstance(label, str) for label in labels):
        raise ModelLoadError(f"model metadata {path}: 'labels' must be a non-empty list of catalogue ids")
    if len(set(labels)) != len(labels):
        raise ModelLoadError(f"model metadata {path}: 'labels' has duplicates")
    trained_render = data.get("render")
    if trained_render != render.parameters():
        raise ModelLoadError(
            f"model metadata {path}: the model was trained on renderer {trained_render}, "
            f"but this server renders with {render.parameters()}; re-export the model"
        )
    embedding_name = data.get("embedding_output")
    embedding_size = data.get("embedding_size")
    if embedding_name is not None and not (isinstance(embedding_name, str) and embedding_name):
        raise ModelLoadError(f"model metadata {path}: 'embedding_output' must be an output name")
    if embedding_name is not None and (isinstance(embedding_size, bool) or not isinstance(embedding_size, int)):
        raise ModelLoadError(f"model metadata {path}: 'embedding_size' must be an integer with 'embedding_output'")
    onnx_path = model_dir / onnx_name
    if not onnx_path.is_file():
        raise ModelLoadError(f"model file {onnx_path} does not exist (run `make models` or set TEXSKETCH_MODEL_DIR)")
    actual = file_sha256(onnx_path)
    if actual != sha256:
        raise ModelLoadError(
            f"model file {onnx_path} has sha256 {actual[:12]}..., but model.json records {sha256[:12]}...: "
            "the file is corrupt or does not belong to this metadata"
        )
    return ModelCard(
        onnx_path=onnx_path,
        version=str(version),
        sha256=sha256,
        labels=tuple(labels),
        input_name=data.get("input", "image"),
        output_name=data.get("output", "scores"),
        embedding_name=embedding_name,
        embedding_size=embedding_size if embedding_name is not None else None,
    )
