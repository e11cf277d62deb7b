"""`GET /`: the demo page (plain HTML, CSS and JS from backend/static, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from backend.errors import ApiError

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# The personal blend and set format: one JavaScript source for the extension and the demo page (issue 12).
SHARED_JS_DIR = Path(__file__).resolve().parents[2] / "extension" / "src" / "shared"
SHARED_JS = ("personal-blend.js", "personal-set.js", "integer-dots.js")

router = APIRouter(tags=["demo"])


@router.get("/", response_class=FileResponse, include_in_schema=False)
async def demo_page() -> FileResponse:
    # no-cache: the page must pick up a new demo.js after an upgrade (the files are tiny).
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers={"Cache-Control": "no-cache"})


@router.get("/personal/{name}", include_in_schema=False)
async def shared_script(name: str) -> FileResponse:
    """The extension's shared modules the demo page imports (static/personal.js); only the listed files."""
    if name not in SHARED_JS or not (SHARED_JS_DIR / name).is_file():
        raise ApiError(404, ["path", "name"], f"no script {name!r}", "not_found")
    return FileResponse(SHARED_JS_DIR / name, media_type="text/javascript", headers={"Cache-Control": "no-cache"})
