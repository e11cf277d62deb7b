"""`GET /health`: is a model loaded, which one, for how long."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request

from backend.api_schema import Health
from backend.state import ServerState

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health, summary="Liveness and the model being served")
async def health(request: Request) -> dict:
    state: ServerState = request.app.state.texsketch
    return {
        "status": "ok",
        "model": state.recognizer.model_info,
        "labels": state.recognizer.label_count,
        "unlisted_labels": len(state.recognizer.unlisted_labels),
        "symbols": len(state.catalogue.by_id),
        "uptime_s": round(time.monotonic() - state.started, 3),
        "batching": state.batcher is not None,
    }
