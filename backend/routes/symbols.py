"""`GET /symbols` (search), `GET /symbols/{id}` and the preview images they point to."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response

from backend import symbol_json
from backend.api_schema import ErrorResponse, SymbolDetail, SymbolList
from backend.errors import ApiError
from backend.state import ServerState
from backend.symbol_search import ModeFilter, SearchHit

router = APIRouter(tags=["symbols"])

# Catalogue previews are named by the md5 of the symbol id; nothing else may be read from that folder.
_PREVIEW_NAME = re.compile(r"^[0-9a-f]{32}\.svg$")
# Previews change only with a new catalogue; a day of caching spares every repeated prediction a request.
PREVIEW_CACHE = "public, max-age=86400"


@router.get("/symbols", response_model=SymbolList, summary="Search the symbol catalogue")
async def search_symbols(
    request: Request,
    q: Annotated[str, Query(max_length=100, description="command, name, Unicode character or package")] = "",
    package: Annotated[str | None, Query(max_length=64, description="only this package (latex2e: none)")] = None,
    mode: Annotated[ModeFilter | None, Query(description="only commands that work in this mode")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict:
    state: ServerState = request.app.state.texsketch
    found = state.index.search(q, package, mode)
    return {"symbols": [_row(state, hit) for hit in found[:limit]], "total": len(found)}


def _row(state: ServerState, hit: SearchHit) -> dict:
    """A search row: the symbol, every package offering its command, its usage, and the group it belongs to."""
    symbol = hit.symbol
    representative = state.catalogue.by_id[symbol.glyph]
    alias_of = (
        None
        if representative.command == symbol.command
        else {"id": representative.id, "command": representative.command}
    )
    return {**symbol_json.summary(symbol), "packages": list(hit.packages), "usage": hit.usage, "alias_of": alias_of}


@router.get(
    "/symbols/{id:path}",
    response_model=SymbolDetail,
    summary="One symbol (url-encode the id: it may contain / { } [ ] | and the like)",
    responses={404: {"model": ErrorResponse}},
)
async def get_symbol(request: Request, id: str) -> dict:  # noqa: A002 - the path parameter is the symbol's id
    state: ServerState = request.app.state.texsketch
    symbol = state.catalogue.by_id.get(id)
    if symbol is None:
        raise ApiError(404, ["path", "id"], f"no symbol has the id {id!r}", "not_found")
    return symbol_json.detail(symbol, state.catalogue.members(symbol.glyph))


@router.get(
    "/previews/{name}",
    summary="A symbol's preview image (SVG)",
    response_class=FileResponse,
    responses={404: {"model": ErrorResponse}},
)
async def preview(request: Request, name: str) -> Response:
    state: ServerState = request.app.state.texsketch
    path = state.settings.model_dir / "previews" / name
    if not _PREVIEW_NAME.match(name) or not path.is_file():
        raise ApiError(404, ["path", "name"], f"no preview named {name!r}", "not_found")
    return FileResponse(path, media_type="image/svg+xml", headers={"Cache-Control": PREVIEW_CACHE})
