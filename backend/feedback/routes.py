"""HTTP routes: `POST /feedback` stores a labelled drawing, `GET /feedback/stats` counts them.

The app puts a `FeedbackService` (or None when feedback is off) at `app.state.feedback` in its lifespan.
A retried POST with the same `Idempotency-Key` header answers 200 with the first id instead of 201.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, Field

from backend.api_schema import ErrorResponse
from backend.errors import ApiError, error_response
from backend.feedback.service import FeedbackService
from backend.feedback.store import FeedbackUnavailable, IdempotencyConflict
from backend.feedback.submission import (
    FeedbackCreated,
    FeedbackRequest,
    check_idempotency_key,
    parse_feedback_body,
)

router = APIRouter(tags=["feedback"])

# Tells clients when to try again; the store fails fast for about this long after losing its database.
RETRY_AFTER_S = "1"
_UNAVAILABLE = {
    "model": ErrorResponse,
    "description": "the feedback database is unreachable or feedback is turned off; nothing was stored",
}


class SymbolCount(BaseModel):
    id: str
    count: int


class DayCount(BaseModel):
    day: str = Field(description="UTC day, YYYY-MM-DD")
    count: int


class FeedbackStats(BaseModel):
    total: int
    per_symbol: list[SymbolCount] = Field(description="most first")
    per_day: list[DayCount] = Field(description="oldest first")
    chosen_rank: dict[str, int] = Field(
        description='how often the chosen symbol was shown 1st, 2nd, ... or "not_shown" (found by search)'
    )


@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackCreated,
    summary="Store a drawing with the symbol the user chose for it (opt-in, anonymous)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": FeedbackRequest.model_json_schema()}},
        }
    },
    responses={
        200: {"model": FeedbackCreated, "description": "a retry: this Idempotency-Key was stored before, same id"},
        422: {
            "model": ErrorResponse,
            "description": "a field is invalid (`loc` names it), or the Idempotency-Key was used for another sample",
        },
        503: _UNAVAILABLE,
    },
)
async def post_feedback(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(description="a fresh UUID per sample, sent again unchanged on retry: the sample is stored once"),
    ] = None,
) -> Any:
    service = _service(request)
    sample = parse_feedback_body(await request.body(), service.known_ids, service.limits)
    key = check_idempotency_key(idempotency_key)
    try:
        stored = await service.add(sample, key)
    except FeedbackUnavailable as error:
        return _unavailable(str(error))
    except IdempotencyConflict as error:
        raise ApiError(422, ["header", "Idempotency-Key"], str(error), "idempotency_conflict") from None
    return Response(
        FeedbackCreated(id=stored.id).model_dump_json(),
        status_code=201 if stored.created else 200,
        media_type="application/json",
    )


@router.get(
    "/feedback/stats",
    summary="Counts of stored feedback per symbol, per day and by the chosen symbol's rank",
    response_model=FeedbackStats,
    responses={503: _UNAVAILABLE},
)
async def feedback_stats(request: Request) -> Any:
    service = _service(request)
    try:
        return await service.stats()
    except FeedbackUnavailable as error:
        return _unavailable(str(error))


def _service(request: Request) -> FeedbackService:
    service: FeedbackService | None = getattr(request.app.state, "feedback", None)
    if service is None:
        raise ApiError(503, [], "feedback collection is turned off on this server", "service_unavailable")
    return service


def _unavailable(msg: str) -> Response:
    return error_response(503, [], msg, "service_unavailable", headers={"Retry-After": RETRY_AFTER_S})
