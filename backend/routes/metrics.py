"""`GET /metrics`: Prometheus text format (this process's counts)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from backend.state import ServerState

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
async def metrics(request: Request) -> PlainTextResponse:
    state: ServerState = request.app.state.texsketch
    info = state.recognizer.model_info
    extra = {}
    if state.batcher is not None:
        extra = {
            "texsketch_inference_batches_total": state.batcher.batches,
            "texsketch_inference_images_total": state.batcher.images,
        }
    text = state.metrics.render(info["version"], info["sha256"], extra)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")
