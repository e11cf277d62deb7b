"""An exported model run the server's way (onnxruntime, CPU), its labels checked against its output width."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


class OnnxScorer:
    """An exported model loaded with onnxruntime, its labels checked against its output width."""

    def __init__(self, model_dir: str | Path, threads: int = 1) -> None:
        from backend.recognizer import create_session

        model_dir = Path(model_dir)
        card_path = model_dir / "model.json"
        if not card_path.is_file():
            raise FileNotFoundError(f"{card_path} not found: export a model first (python -m training.ship.export)")
        self.card: dict[str, Any] = json.loads(card_path.read_text())
        self.labels: list[str] = list(self.card["labels"])
        # The server's session, options included (where onnxruntime's fused int8 kernels saturate, the graph's own
        # numbers: backend/recognizer.py `create_session`): a model is measured with the numbers it answers with.
        self.session = create_session(model_dir / self.card.get("onnx", "model.onnx"), threads)
        self.input_name = self.card.get("input", "image")
        self.output_name = self.card.get("output", "scores")
        width = self.scores(np.zeros((1, 32, 32), dtype=np.uint8)).shape[1]
        if width != len(self.labels):
            raise ValueError(f"{model_dir}: model.json lists {len(self.labels)} labels, the model outputs {width}")

    def scores(self, counts: npt.NDArray[np.uint8], batch_size: int = 512) -> npt.NDArray[np.float32]:
        """Softmax scores [N, C] for ink counts [N, 32, 32] (the renderer's output)."""
        from backend.render import counts_to_input

        outputs = []
        for start in range(0, len(counts), batch_size):
            x = counts_to_input(counts[start : start + batch_size])[:, None, :, :]
            outputs.append(self.session.run([self.output_name], {self.input_name: x})[0])
        return np.concatenate(outputs) if outputs else np.zeros((0, len(self.labels)), dtype=np.float32)
