"""`/docs` (Swagger UI), `/redoc` (ReDoc) and the favicon, all served by this server: they work offline.

FastAPI's own pages load their scripts from a CDN, so without internet they are blank. The same pages are
built here with FastAPI's page functions, pointing at the Swagger UI and ReDoc bundles that the
`fastapi-offline` package ships (a Python dependency, so nothing is fetched at run time).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
DOCS_ASSETS_URL = "/docs-assets"
# The favicon changes only with a release; a day of caching spares every page view a request.
FAVICON_CACHE = "public, max-age=86400"

router = APIRouter(include_in_schema=False)
# ReDoc's bundle shows Redocly's logo from https://cdn.redoc.ly: served here without that address, the page asks
# no other host for anything (the image is left out; its link to Redocly stays).
REDOC_JS_URL = "/redoc-assets/redoc.standalone.js"
REDOC_CDN_LOGO = b'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"'


def docs_assets_dir() -> Path:
    """The Swagger UI and ReDoc bundles of the fastapi-offline package."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def mount_docs_assets(app: FastAPI) -> None:
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=docs_assets_dir()), name="docs-assets")


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} API",
        swagger_js_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{DOCS_ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}/favicon.svg",
    )


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} API",
        redoc_js_url=f"{root}{REDOC_JS_URL}",
        redoc_favicon_url=f"{root}/favicon.svg",
        with_google_fonts=False,
    )


@router.get(REDOC_JS_URL)
async def redoc_js() -> Response:
    return Response(offline_redoc_js(), media_type="text/javascript", headers={"Cache-Control": FAVICON_CACHE})


@cache
def offline_redoc_js() -> bytes:
    """fastapi-offline's ReDoc bundle without the one address it would fetch from the internet (its logo). An
    `<img>` without a source fails at once, and ReDoc then leaves the logo out."""
    bundle = (docs_assets_dir() / "redoc.standalone.js").read_bytes()
    if REDOC_CDN_LOGO not in bundle:
        return bundle  # another ReDoc version: test_api_docs says whether it asks another host for anything
    return bundle.replace(REDOC_CDN_LOGO, b'src:""')


@router.get("/favicon.ico")
async def favicon_ico() -> FileResponse:
    return FileResponse(ASSETS_DIR / "favicon.ico", media_type="image/x-icon", headers={"Cache-Control": FAVICON_CACHE})


@router.get("/favicon.svg")
async def favicon_svg() -> FileResponse:
    return FileResponse(
        ASSETS_DIR / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": FAVICON_CACHE}
    )
