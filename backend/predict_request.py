"""Parse a `POST /predict` body fast: orjson plus the drawing's own checks, no model object per request.

FastAPI would validate the same body through pydantic at several times the cost; the schema it documents
(`PredictRequest`) is the one enforced here, field for field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
import orjson
from pydantic import Field

from backend.drawing import Drawing, DrawingError, DrawingLimits, strokes_to_arrays
from backend.errors import ApiError, field_to_loc
from backend.recognizer import MAX_K

DEFAULT_K = 5
# Python's json module writes these for float('nan') / float('inf'); they are not JSON, so say so.
_NON_JSON_NUMBER = re.compile(rb"(?<![\w\"])-?(NaN|Infinity)(?![\w\"])")


class PredictRequest(Drawing):
    """A drawing and how many candidates to return (the documented request body)."""

    k: Annotated[int, Field(ge=1, le=MAX_K, description="how many candidates to return")] = DEFAULT_K
    embedding: Annotated[
        bool,
        Field(
            description="also return the model's L2-normalised embedding of the drawing (`embedding` in the "
            "answer; null when the model has no embedding output), for personal examples kept by the client"
        ),
    ] = False


@dataclass(frozen=True)
class ParsedPredict:
    arrays: list[npt.NDArray[np.float64]]
    k: int
    embedding: bool


def parse_predict_body(body: bytes, limits: DrawingLimits) -> tuple[list[npt.NDArray[np.float64]], int]:
    """The checked stroke arrays and k, or `ApiError` (422) naming the offending field."""
    parsed = parse_predict_request(body, limits)
    return parsed.arrays, parsed.k


def parse_predict_request(body: bytes, limits: DrawingLimits) -> ParsedPredict:
    """The checked stroke arrays, k and the embedding flag, or `ApiError` (422) naming the offending field."""
    try:
        data: Any = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        if _NON_JSON_NUMBER.search(body):
            msg = "NaN and Infinity are not JSON numbers: every coordinate must be a finite number"
        elif "infinity" in str(error):
            msg = f"a number is too large to be finite (coordinates must be finite numbers): {error}"
        else:
            msg = f"the body is not valid JSON: {error}"
        raise ApiError(422, ["body"], msg, "json_invalid") from None
    if not isinstance(data, dict):
        raise ApiError(422, ["body"], 'must be a JSON object like {"strokes": [...], "k": 5}', "model_attributes_type")
    if "strokes" not in data:
        raise ApiError(422, ["body", "strokes"], "is required", "missing")
    for key in data:
        if key not in ("strokes", "k", "embedding"):
            raise ApiError(
                422, ["body", key], "is not a field of the request (expected strokes, k, embedding)", "extra_forbidden"
            )
    k = data.get("k", DEFAULT_K)
    if isinstance(k, float) and k.is_integer() and 1 <= k <= MAX_K:
        k = int(k)  # JSON Schema's "integer" includes 5.0, as the OpenAPI document promises
    if isinstance(k, bool) or not isinstance(k, int):
        raise ApiError(422, ["body", "k"], "must be an integer", "int_type")
    if not 1 <= k <= MAX_K:
        raise ApiError(422, ["body", "k"], f"must be between 1 and {MAX_K}, got {k}", "less_than_equal")
    embedding = data.get("embedding", False)
    if not isinstance(embedding, bool):
        raise ApiError(422, ["body", "embedding"], "must be true or false", "bool_type")
    try:
        arrays = strokes_to_arrays(data["strokes"], limits)
    except DrawingError as error:
        raise ApiError(422, field_to_loc(error.field), error.message, "value_error") from None
    return ParsedPredict(arrays, k, embedding)
