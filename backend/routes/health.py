"""Health for operators and load balancers: `/health` (each dependency and an overall status),
`/health/live` (the process answers: restart it if not) and `/health/ready` (it can serve /predict: send
it traffic). Readiness ignores the feedback database on purpose: every instance shares it, so taking one
out of rotation would not bring it back, and /predict does not need it.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend.api_schema import Health, Probe
from backend.feedback.service import FeedbackService
from backend.state import ServerState

router = APIRouter(tags=["operations"])


def _state(request: Request) -> ServerState | None:
    return getattr(request.app.state, "texsketch", None)


async def feedback_store_state(request: Request) -> str:
    service: FeedbackService | None = getattr(request.app.state, "feedback", None)
    if service is None:
        return "disabled"
    return "ok" if await service.reachable() else "down"


@router.get(
    "/health",
    response_model=Health,
    summary="Each dependency (model, catalogue, feedback store) and an overall status",
    responses={503: {"description": "nothing can be served: the model or catalogue is not loaded"}},
)
async def health(request: Request) -> JSONResponse:
    """`status` is `ok`, `degraded` (feedback store down: /predict works, POST /feedback answers 503) or
    `down` (HTTP 503). The feedback store is checked with a `SELECT 1` bounded to 1 s."""
    state = _state(request)
    if state is None:
        return JSONResponse({"status": "down"}, status_code=503)
    feedback_store = await feedback_store_state(request)
    state.metrics.feedback_store_state(feedback_store)
    answer = {
        "status": "degraded" if feedback_store == "down" else "ok",
        "dependencies": {"model": "ok", "catalogue": "ok", "feedback_store": feedback_store},
        "model": state.recognizer.model_info,
        "labels": state.recognizer.label_count,
        "unlisted_labels": len(state.recognizer.unlisted_labels),
        "symbols": len(state.catalogue.by_id),
        "uptime_s": round(time.monotonic() - state.started, 3),
        "batching": state.batcher is not None,
    }
    return JSONResponse(answer)


@router.get("/health/live", response_model=Probe, summary="Liveness: the process answers (no dependency checked)")
async def live() -> dict:
    return {"status": "ok"}


@router.get(
    "/health/ready",
    response_model=Probe,
    summary="Readiness: model and catalogue loaded, /predict can be served (503 otherwise)",
    responses={503: {"model": Probe, "description": "not ready: model or catalogue not loaded yet"}},
)
async def ready(request: Request) -> JSONResponse:
    if _state(request) is None:
        return JSONResponse({"status": "not_ready"}, status_code=503)
    return JSONResponse({"status": "ready"})
