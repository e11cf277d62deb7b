"""TeXSketch recognition server and the pieces every other part shares.

`backend.render` is the one stroke-to-image renderer, `backend.drawing` the request schema for a
drawing; training imports both, so what the model learns from is exactly what the server feeds it.
"""
