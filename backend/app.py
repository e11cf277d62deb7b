"""The FastAPI application: `create_app(settings)` wires routers, middleware and the model's lifespan.

The model and catalogue are loaded once per process, in the lifespan (or eagerly, when `python -m backend`
wants a bad model to stop start-up before the server binds its port); requests only read that state.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from backend import openapi_limits
from backend.batcher import InferenceBatcher
from backend.body_limit import BodyLimitMiddleware
from backend.content_type import JsonOnlyMiddleware
from backend.errors import install_error_handlers
from backend.feedback import routes as feedback
from backend.feedback.service import open_feedback_service
from backend.metrics import Metrics, MetricsMiddleware
from backend.model_card import ModelLoadError
from backend.recognizer import Recognizer
from backend.routes import contribute, demo, docs, health, metrics, predict, symbols
from backend.settings import Settings
from backend.state import ServerState
from backend.symbol_search import SymbolIndex
from backend.usage_prior import UsageError, optional_usage

API_VERSION = "1"


def load_state(settings: Settings, metrics: Metrics) -> ServerState:
    """Catalogue, checked model and search index; `ModelLoadError` says in one sentence what is wrong."""
    from backend.catalogue import load_catalogue

    catalogue_path = settings.model_dir / "symbols.json"
    if not catalogue_path.is_file():
        raise ModelLoadError(f"symbol catalogue {catalogue_path} does not exist (run `make catalogue`)")
    try:
        catalogue = load_catalogue(catalogue_path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelLoadError(f"symbol catalogue {catalogue_path} cannot be read: {error}") from None
    try:
        usage = optional_usage(settings.model_dir / "usage.json")
    except UsageError as error:
        raise ModelLoadError(str(error)) from None
    recognizer = Recognizer.load(settings.model_dir, catalogue, threads=settings.threads)
    if recognizer.unlisted_labels:
        logging.getLogger("texsketch").warning(
            "texsketch: warning: %d model labels are not in %s and will not be shown: %s",
            len(recognizer.unlisted_labels),
            catalogue_path,
            ", ".join(recognizer.unlisted_labels[:5]),
        )
    batcher = InferenceBatcher(recognizer.outputs, settings.max_batch) if settings.batching else None
    metrics.serving_model(recognizer.model_info["version"], recognizer.model_info["sha256"])
    if batcher is not None:
        metrics.watch_batcher(batcher)
    return ServerState(
        settings=settings,
        limits=settings.drawing_limits(),
        catalogue=catalogue,
        recognizer=recognizer,
        index=SymbolIndex(catalogue.symbols, usage),
        metrics=metrics,
        batcher=batcher,
    )


def create_app(settings: Settings | None = None, load_now: bool = False) -> FastAPI:
    """The app for `settings` (default: environment). `load_now` loads the model here instead of at start-up."""
    settings = settings or Settings()
    request_metrics = Metrics()
    preloaded = load_state(settings, request_metrics) if load_now else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = preloaded or load_state(settings, request_metrics)
        app.state.texsketch = state
        # Not connected yet: a database that is down costs POST /feedback a 503, never the start-up.
        app.state.feedback = open_feedback_service(settings.database_url, state.catalogue.by_id, state.limits)
        yield
        if app.state.feedback is not None:
            app.state.feedback.close()
        if state.batcher is not None:
            state.batcher.close()

    app = FastAPI(
        title="TeXSketch",
        version=API_VERSION,
        summary="Draw a symbol, get its LaTeX command.",
        lifespan=lifespan,
        # Served by routes.docs from local files instead of FastAPI's CDN pages: they work offline.
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    openapi_limits.install(app, settings.drawing_limits())
    app.include_router(predict.router)
    app.include_router(symbols.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(demo.router)
    app.include_router(contribute.router)
    app.include_router(feedback.router)
    app.include_router(docs.router)
    docs.mount_docs_assets(app)
    app.mount("/static", StaticFiles(directory=demo.STATIC_DIR), name="static")
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        # Only the listed origins, only what the API needs; see backend/README.md (origin rule).
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", "idempotency-key"],
            max_age=600,
        )
    app.add_middleware(JsonOnlyMiddleware, paths=("/predict", "/feedback"))
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Outermost, so refused bodies (413) are counted too.
    app.add_middleware(MetricsMiddleware, metrics=request_metrics)
    return app


def app_from_environment() -> FastAPI:
    """Factory for uvicorn worker processes (`--workers N`): settings come from TEXSKETCH_* variables."""
    return create_app(Settings())
