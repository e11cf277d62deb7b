"""Tests of the learn stage (training/learn): models, training tensors and the training loop."""
