"""Contribute mode (issue 15): `GET /contribute` (the page) and `GET /contribute/next` (what to ask for).

The page asks for the symbols the model has the fewest real drawings of (backend/feedback/contribute_queue.py)
and sends each drawing through `POST /feedback` with `"source": "contribute"` and a per-visit `session`.
"""

from __future__ import annotations

import json
import random
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from backend import symbol_json
from backend.feedback.contribute_queue import TrainingCounts, plan, real_drawings, training_counts
from backend.feedback.service import FeedbackService
from backend.feedback.store import FeedbackUnavailable
from backend.routes.demo import STATIC_DIR
from backend.state import ServerState
from backend.usage_prior import glyph_usage, optional_usage

router = APIRouter(tags=["contribute"])
MAX_ASKS = 50


class ContributeSymbol(BaseModel):
    id: str = Field(description="catalogue id to send as `chosen_id` (a glyph representative)")
    command: str
    package: str | None
    mode: str
    unicode: str | None
    preview_url: str | None
    name: str = Field(description="the symbol's first catalogue name, for people who do not read LaTeX")
    real_drawings: int = Field(description="real drawings known: training data + stored feedback")
    why: str = Field(description='"no real drawings yet", "few real drawings", "more drawings help" or "check symbol"')


class ContributeCounts(BaseModel):
    training: str = Field(description="where the training counts come from (or the documented default)")
    feedback: str = Field(description='"included", "unavailable" (database down) or "off" (feedback turned off)')


class ContributeNext(BaseModel):
    symbols: list[ContributeSymbol]
    counts: ContributeCounts
    model: dict[str, str]


@router.get("/contribute", response_class=FileResponse, include_in_schema=False)
async def contribute_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "contribute.html", media_type="text/html", headers={"Cache-Control": "no-cache"})


@router.get(
    "/contribute/next",
    response_model=ContributeNext,
    summary="Symbols to ask contributors for: the fewest real drawings first, 1 in 5 a check symbol",
)
async def contribute_next(
    request: Request,
    count: Annotated[int, Query(ge=1, le=MAX_ASKS, description="how many symbols")] = 10,
    seed: Annotated[
        int | None, Query(ge=0, description="fix the random order of ties (tests, reproducible runs)")
    ] = None,
) -> Any:
    state: ServerState = request.app.state.texsketch
    training = _training_counts(request, state)
    classes = [label for label in state.recognizer.card.labels if label in state.catalogue.by_id]
    feedback_per_glyph, feedback_status = await _feedback_counts(request, state)
    real = real_drawings(classes, training.per_class, feedback_per_glyph)
    asks = plan(classes, real, _usage(request, state), count, random.Random(seed))
    symbols = []
    for ask in asks:
        symbol = state.catalogue.by_id[ask.glyph]
        symbols.append(
            {
                **symbol_json.summary(symbol),
                "name": _plain_name(symbol.names, symbol.command),
                "real_drawings": ask.real_drawings,
                "why": ask.why,
            }
        )
    return {
        "symbols": symbols,
        "counts": {"training": training.origin, "feedback": feedback_status},
        "model": state.recognizer.model_info,
    }


def _plain_name(names: tuple[str, ...], command: str) -> str:
    """The first name that says more than the command itself ("circumflex accent" for \\textasciicircum)."""
    bare = command.lstrip("\\")
    return next((name for name in names if name != bare), names[0] if names else command)


def _training_counts(request: Request, state: ServerState) -> TrainingCounts:
    """model.json's per-class real counts, read once per process (the model does not change while serving)."""
    cached: TrainingCounts | None = getattr(request.app.state, "contribute_training_counts", None)
    if cached is None:
        model_json = json.loads((state.settings.model_dir / "model.json").read_text(encoding="utf-8"))
        cached = training_counts(model_json, state.recognizer.card.labels)
        request.app.state.contribute_training_counts = cached
    return cached


def _usage(request: Request, state: ServerState) -> dict[str, int]:
    cached: dict[str, int] | None = getattr(request.app.state, "contribute_usage", None)
    if cached is None:
        usage = optional_usage(state.settings.model_dir / "usage.json")
        cached = glyph_usage(state.catalogue, usage) if usage is not None else {}
        request.app.state.contribute_usage = cached
    return cached


async def _feedback_counts(request: Request, state: ServerState) -> tuple[dict[str, int], str]:
    """Stored drawings per glyph; the queue still answers (from training counts) when the store cannot."""
    service: FeedbackService | None = getattr(request.app.state, "feedback", None)
    if service is None:
        return {}, "off"
    try:
        per_id = await service.real_counts()
    except FeedbackUnavailable:
        return {}, "unavailable"
    per_glyph: dict[str, int] = {}
    for symbol_id, n in per_id.items():
        symbol = state.catalogue.get(symbol_id)
        if symbol is not None:
            per_glyph[symbol.glyph] = per_glyph.get(symbol.glyph, 0) + n
    return per_glyph, "included"
