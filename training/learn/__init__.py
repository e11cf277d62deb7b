"""Stage 3, tensors -> checkpoint: the models, the training tensors, image warps and the training loop."""
