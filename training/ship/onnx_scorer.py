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
        import onnxruntime as ort

        model_dir = Path(model_dir)
        card_path = model_dir / "model.json"
        if not card_path.is_file():
            raise FileNotFoundError(f"{card_path} not found: export a model first (python -m training.ship.export)")
        self.card: dict[str, Any] = json.loads(card_path.read_text())
        self.labels: list[str] = list(self.card["labels"])
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        from backend.recognizer import fused_int8_is_exact

        if not fused_int8_is_exact():
            # The server's rule (backend/recognizer.py `create_session`): where onnxruntime's fused int8 kernels
            # saturate (x86 without VNNI), an int8 model is measured with the numbers the server answers with.
            options.add_session_config_entry("session.disable_quant_qdq", "1")
        self.session = ort.InferenceSession(
            str(model_dir / self.card.get("onnx", "model.onnx")),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
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
