"""The OpenAPI document states every limit the server enforces, with this server's own settings and catalogue.

The request models (`PredictRequest`, `FeedbackRequest`) describe the shape; this adds what depends on the
running server: stroke and point counts from its `DrawingLimits`, the coordinate bound, the catalogue ids a
feedback sample may name (an enum, from the loaded catalogue), and anchored patterns (JSON Schema patterns
match anywhere in a string; the server matches whole strings). A generated client or fuzzer then produces
only bodies the server accepts. One limit has no JSON Schema form, the points of all strokes together; it
is stated in the description and as `x-max-points-in-all`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from backend.drawing import MAX_ABS_COORDINATE, DrawingLimits
from backend.feedback.schema import MAX_IDEMPOTENCY_KEY
from backend.recognizer import MAX_K

# The largest finite float64: a timestamp may be any finite number (epoch milliseconds are common).
MAX_FINITE = 1.7976931348623157e308
CATALOGUE_ID = "CatalogueId"


def point_schema() -> dict[str, Any]:
    coordinate = {"type": "number", "minimum": -MAX_ABS_COORDINATE, "maximum": MAX_ABS_COORDINATE}
    return {
        "type": "array",
        "description": f"[x, y] or [x, y, t]: |x|, |y| <= {MAX_ABS_COORDINATE:g}; t (ms, optional) any finite number",
        "prefixItems": [
            {**coordinate, "description": "x"},
            {**coordinate, "description": "y (grows down)"},
            {"type": "number", "minimum": -MAX_FINITE, "maximum": MAX_FINITE, "description": "t in milliseconds"},
        ],
        "items": False,
        "minItems": 2,
        "maxItems": 3,
    }


def strokes_schema(limits: DrawingLimits) -> dict[str, Any]:
    return {
        "type": "array",
        "title": "Strokes",
        "description": (
            f"1 to {limits.max_strokes} strokes of 1 to {limits.max_points_per_stroke} points each, "
            f"at most {limits.max_points} points in all"
        ),
        "minItems": 1,
        "maxItems": limits.max_strokes,
        "x-max-points-in-all": limits.max_points,
        "items": {
            "type": "array",
            "description": "points in drawing order",
            "minItems": 1,
            "maxItems": limits.max_points_per_stroke,
            "items": point_schema(),
        },
    }


def document_limits(schema: dict[str, Any], limits: DrawingLimits, catalogue_ids: Collection[str] | None) -> None:
    """Rewrite `schema` (FastAPI's OpenAPI dict) in place; `catalogue_ids` None: the catalogue is not loaded yet."""
    paths = schema["paths"]
    for path in ("/predict", "/feedback"):
        body = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        body["properties"]["strokes"] = strokes_schema(limits)
    feedback = paths["/feedback"]["post"]
    properties = feedback["requestBody"]["content"]["application/json"]["schema"]["properties"]
    for name in ("model_version", "client"):
        properties[name]["pattern"] = _anchored(properties[name]["pattern"])
    properties["shown"].update(uniqueItems=True, maxItems=MAX_K)
    for parameter in feedback.get("parameters", []):
        if parameter["name"].lower() == "idempotency-key":
            parameter["schema"] = {
                "type": "string",
                "pattern": f"^[\\x21-\\x7e]{{1,{MAX_IDEMPOTENCY_KEY}}}$",
                "description": parameter["schema"].get("description", ""),
            }
    for parameter in paths["/previews/{name}"]["get"].get("parameters", []):
        if parameter["name"] == "name":
            parameter["schema"] = {"type": "string", "pattern": "^[0-9a-f]{32}\\.svg$"}
    if catalogue_ids is None:
        return
    schema.setdefault("components", {}).setdefault("schemas", {})[CATALOGUE_ID] = {
        "type": "string",
        "title": "Catalogue id",
        "description": "the id of a symbol of this server's catalogue (GET /symbols lists them)",
        "enum": sorted(catalogue_ids),
    }
    reference = {"$ref": f"#/components/schemas/{CATALOGUE_ID}"}
    properties["chosen_id"] = {**reference, "description": properties["chosen_id"].get("description", "")}
    properties["shown"]["items"] = reference
    for parameter in paths["/symbols/{id}"]["get"].get("parameters", []):
        if parameter["name"] == "id":
            parameter["schema"] = reference


def _anchored(pattern: str) -> str:
    return f"^(?:{pattern.removeprefix('^').removesuffix('$')})$"


def install(app: Any, limits: DrawingLimits) -> None:
    """Make `app.openapi()` return the document with this server's limits (built once the catalogue is loaded)."""
    plain_openapi = app.openapi

    def openapi_with_limits() -> dict[str, Any]:
        if getattr(app.state, "openapi_with_limits", None) is None:
            schema = plain_openapi()
            state = getattr(app.state, "texsketch", None)
            ids = None if state is None else state.catalogue.by_id.keys()
            document_limits(schema, limits, ids)
            for path in ("/predict", "/feedback"):
                paths = schema["paths"][path]["post"]["responses"]
                paths["415"] = {
                    "description": "the Content-Type is not application/json",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
                }
            if ids is None:
                app.openapi_schema = None  # the catalogue's ids come later: build again then
                return schema
            app.state.openapi_with_limits = schema
        return app.state.openapi_with_limits

    app.openapi = openapi_with_limits
