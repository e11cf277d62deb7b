"""The served app plus `POST /bench/noop`: the baseline `make bench` compares /predict with.

The no-op route receives and parses the same stroke JSON and answers a constant, through the same
middleware, so real/no-op shows what rendering, inference and ranking add to the cost of HTTP and JSON
alone. It lives here, not in `backend`, so a production server never carries it.

    python -m bench.noop --port 8799 --workers 1 [--no-batching]   # TEXSKETCH_* settings as for the server
"""

from __future__ import annotations

import argparse
import os
import sys

import orjson
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

_ANSWER = orjson.dumps({"predictions": [], "model": {"version": "noop", "sha256": ""}})


@router.post("/bench/noop")
async def noop(request: Request) -> Response:
    orjson.loads(await request.body())
    return Response(_ANSWER, media_type="application/json")


def app_from_environment() -> FastAPI:
    """Factory for uvicorn (one per worker process): the real app from TEXSKETCH_* settings, plus /bench/noop."""
    from backend.app import app_from_environment as real_app

    app = real_app()
    app.include_router(router)
    return app


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.noop", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--model-dir")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batching", action=argparse.BooleanOptionalAction, default=True)
    arguments = parser.parse_args(argv)
    # Worker processes build their app from the environment, as under `python -m backend --workers N`.
    os.environ["TEXSKETCH_BATCHING"] = str(arguments.batching).lower()
    if arguments.model_dir:
        os.environ["TEXSKETCH_MODEL_DIR"] = arguments.model_dir
    # The same server options as `python -m backend`, so the baseline measures the same HTTP stack.
    uvicorn.run(
        "bench.noop:app_from_environment",
        factory=True,
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
        timeout_keep_alive=30,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
