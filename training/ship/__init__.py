"""Stage 4, checkpoint -> ONNX -> models/: export, int8, the "not sure" calibration and the held-out gates."""
