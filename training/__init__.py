"""TeXSketch training: data, models, training, evaluation and ONNX export."""
