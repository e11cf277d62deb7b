"""`POST /predict`: strokes in, ranked LaTeX commands out."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from backend.api_schema import ErrorResponse, PredictResponse
from backend.errors import ApiError
from backend.predict_request import PredictRequest, parse_predict_request
from backend.render import counts_to_input, render_point_arrays
from backend.state import ServerState

router = APIRouter(tags=["recognition"])

_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": PredictRequest.model_json_schema()}},
    }
}


@router.post(
    "/predict",
    summary="Recognise a drawing",
    response_model=None,
    openapi_extra=_REQUEST_BODY,
    responses={
        200: {"model": PredictResponse, "description": "candidates, best first, one per glyph"},
        413: {"model": ErrorResponse, "description": "the body is larger than the limit"},
        422: {"model": ErrorResponse, "description": "the body is not a valid drawing; `loc` names the field"},
    },
)
async def predict(request: Request) -> Response:
    """Render the strokes exactly as training did and return the top `k` symbols with their scores."""
    state: ServerState = request.app.state.texsketch
    parsed = parse_predict_request(await request.body(), state.limits)
    arrays, k = parsed.arrays, parsed.k
    try:
        counts = render_point_arrays(arrays)
        image = counts_to_input(counts)[None]
    except ValueError as error:  # a drawing that passed the checks but not the renderer (e.g. extent ~1e-320)
        raise ApiError(422, ["body", "strokes"], f"the drawing cannot be rendered: {error}") from None
    recognizer = state.recognizer
    if state.batcher is not None:
        row = await state.batcher.scores(image)
    else:
        row = recognizer.outputs(image[None])[0]
    scores, embedding = recognizer.split_row(row)
    # confidence / not_sure: how sure the first answer is, and whether the drawing looks like no one symbol.
    answer = {
        "predictions": recognizer.rank(scores, k),
        **recognizer.assess(scores, counts),
        "model": recognizer.model_info,
    }
    if parsed.embedding:
        # null, not an error, for a model exported before the embedding existed: the answer is still good.
        answer["embedding"] = embedding.tolist() if embedding is not None else None
    return Response(orjson.dumps(answer), media_type="application/json")
