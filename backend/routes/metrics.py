"""`GET /metrics`: Prometheus text format, summed over every worker process (backend.metrics)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.metrics import CONTENT_TYPE
from backend.routes.health import feedback_store_state
from backend.state import ServerState

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics (all worker processes together)",
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus text format 0.0.4"}},
)
async def metrics(request: Request) -> Response:
    state: ServerState = request.app.state.texsketch
    state.metrics.feedback_store_state(await feedback_store_state(request))
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)
