"""`GET /`: the demo page (plain HTML, CSS and JS from backend/static, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(tags=["demo"])


@router.get("/", response_class=FileResponse, include_in_schema=False)
async def demo_page() -> FileResponse:
    # no-cache: the page must pick up a new demo.js after an upgrade (the files are tiny).
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html", headers={"Cache-Control": "no-cache"})
