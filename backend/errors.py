"""Client errors in FastAPI's own shape, `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}`.

Handlers that parse their body themselves raise `ApiError`; clients then see one error format whether
FastAPI's validation or ours found the problem.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

Location = list[str | int]


class ApiError(Exception):
    """A request the server will not answer, with the place of the problem."""

    def __init__(self, status: int, loc: Location, msg: str, kind: str = "value_error") -> None:
        super().__init__(msg)
        self.status = status
        self.loc = loc
        self.msg = msg
        self.kind = kind


def error_body(loc: Location, msg: str, kind: str) -> bytes:
    return orjson.dumps({"detail": [{"loc": loc, "msg": msg, "type": kind}]})


def error_response(status: int, loc: Location, msg: str, kind: str, headers: dict[str, str] | None = None) -> Response:
    return Response(error_body(loc, msg, kind), status_code=status, media_type="application/json", headers=headers)


async def api_error_handler(request: Request, error: Any) -> Response:
    return error_response(error.status, error.loc, error.msg, error.kind)


_INDEX = re.compile(r"\[(\d+)\]")


def field_to_loc(field: str) -> Location:
    """`strokes[2][5][0]` (a `DrawingError` field) -> `["body", "strokes", 2, 5, 0]`."""
    name, _, rest = field.partition("[")
    return ["body", name, *(int(index) for index in _INDEX.findall("[" + rest if rest else ""))]


def install_error_handlers(app: Any) -> None:
    """Every error in one shape, `{"detail": [{"loc", "msg", "type"}]}`: ours, FastAPI's validation errors and
    Starlette's own 404 / 405 (which would otherwise answer `{"detail": "Not Found"}`)."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(HTTPException, _http_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error_handler)


async def _http_error_handler(request: Request, error: Any) -> Response:
    status = error.status_code
    if status == 405:
        allowed = (error.headers or {}).get("Allow", "")
        loc: Location = ["method"]
        msg = f"{request.method} is not allowed on {request.url.path}" + (f"; use {allowed}" if allowed else "")
        kind = "method_not_allowed"
    elif status == 404:
        if _browser_page_wanted(request):
            return _not_found_page()
        loc, msg, kind = ["path"], f"nothing is served at {request.url.path}", "not_found"
    else:
        loc, msg, kind = [], str(error.detail), "http_error"
    return error_response(status, loc, msg, kind, headers=dict(error.headers or {}))


def _browser_page_wanted(request: Request) -> bool:
    """A browser opening a page (GET, `Accept: text/html,...`), not an API client: fetch(), httpx and curl send
    `*/*` or `application/json`, and keep the JSON error."""
    accept = request.headers.get("accept", "")
    return request.method in ("GET", "HEAD") and "text/html" in accept


def _not_found_page() -> Response:
    """A wrong URL opened in a browser: a small page with the way back, not raw JSON (issue 24)."""
    from backend.routes.demo import STATIC_DIR

    return Response((STATIC_DIR / "not-found.html").read_bytes(), status_code=404, media_type="text/html")


async def _validation_error_handler(request: Request, error: Any) -> Response:
    # FastAPI's items also echo the input back (`input`, `ctx`); keep the three fields every error has.
    items = [{"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]} for item in error.errors()]
    return Response(orjson.dumps({"detail": items}), status_code=422, media_type="application/json")
