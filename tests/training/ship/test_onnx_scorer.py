"""OnnxScorer (held-out accuracy, calibration, the int8 acceptance check) scores a model as the server does."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backend.catalogue import load_catalogue
from backend.recognizer import Recognizer
from backend.render import counts_to_input, render_counts
from tests.backend.live_server import NO_SHIPPED_MODEL, REPO_ROOT, SHIPPED_MODEL_DIR, shipped_model_present
from training.ship.onnx_scorer import OnnxScorer

# Real CROHME drawings (the extension's offline-equals-server set).
CROHME_DRAWINGS = REPO_ROOT / "extension" / "test" / "fixtures" / "crohme-drawings.json"


def test_onnx_scorer_scores_equal_the_servers_on_real_drawings() -> None:
    if not shipped_model_present():
        pytest.skip(NO_SHIPPED_MODEL)
    samples = json.loads(CROHME_DRAWINGS.read_text())["samples"]
    counts = np.stack([render_counts(sample["strokes"]) for sample in samples])
    server = Recognizer.load(SHIPPED_MODEL_DIR, load_catalogue(SHIPPED_MODEL_DIR / "symbols.json"))
    expected = server.scores(counts_to_input(counts)[:, None])
    assert np.abs(OnnxScorer(SHIPPED_MODEL_DIR).scores(counts) - expected).max() < 1e-4
