"""Tests of the ship stage (training/ship): ONNX export, int8, the "not sure" calibration and its gates."""
