"""HTTP routes: `POST /feedback` stores a labelled drawing, `GET /feedback/stats` counts them.

The app puts a `FeedbackService` (or None when feedback is off) at `app.state.feedback` in its lifespan.
A retried POST with the same `Idempotency-Key` header answers 200 with the first id instead of 201.
A contribution (`"source": "contribute"`) is judged by the serving model first (`quality.py`): a label wildly
unlike the drawing is stored all the same, marked suspect.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, Field

from backend.api_schema import ErrorResponse
from backend.drawing import strokes_to_arrays
from backend.errors import ApiError, error_response
from backend.feedback.quality import UNCHECKED, Judgement, judge_drawing
from backend.feedback.service import FeedbackService
from backend.feedback.store import FeedbackUnavailable, IdempotencyConflict
from backend.feedback.submission import (
    FeedbackCreated,
    FeedbackRequest,
    FeedbackSample,
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


class ContributedCount(BaseModel):
    id: str
    count: int
    suspect: int = Field(description="how many of them the quality rule marked suspect")


class ContributionStats(BaseModel):
    total: int
    suspect: int
    per_symbol: list[ContributedCount] = Field(description="most first")


class FeedbackStats(BaseModel):
    total: int
    per_symbol: list[SymbolCount] = Field(description="most first")
    per_day: list[DayCount] = Field(description="oldest first")
    chosen_rank: dict[str, int] = Field(
        description='how often the chosen symbol was shown 1st, 2nd, ... or "not_shown" (found by search)'
    )
    contributions: ContributionStats = Field(
        description='samples with "source": "contribute" (drawn when the contribute page asked); '
        "also in the counts above"
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
    judgement = _judge(request, sample, service)
    try:
        stored = await service.add(sample, key, judgement)
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


def _judge(request: Request, sample: FeedbackSample, service: FeedbackService) -> Judgement:
    """The serving model's judgement of a contribution's label; picks (and apps without a model) go unchecked."""
    state = getattr(request.app.state, "texsketch", None)
    if sample.source != "contribute" or state is None:
        return UNCHECKED
    arrays = strokes_to_arrays(orjson.loads(sample.strokes_json), service.limits)
    try:
        return judge_drawing(state.recognizer, state.catalogue, arrays, sample.chosen_id)
    except ValueError:  # a drawing the renderer refuses (as /predict would say): keep it, unjudged
        return UNCHECKED


def _service(request: Request) -> FeedbackService:
    service: FeedbackService | None = getattr(request.app.state, "feedback", None)
    if service is None:
        raise ApiError(503, [], "feedback collection is turned off on this server", "service_unavailable")
    return service


def _unavailable(msg: str) -> Response:
    return error_response(503, [], msg, "service_unavailable", headers={"Retry-After": RETRY_AFTER_S})
