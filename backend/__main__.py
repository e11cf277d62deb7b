"""`python -m backend [--port N ...]`: serve the recognizer (flags override TEXSKETCH_* settings).

A model or catalogue that cannot be served stops start-up here with one line and exit status 2, before the
port is bound, instead of a traceback from inside the server.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import ValidationError

EXIT_BAD_MODEL = 2


def parse_arguments(argv: list[str] | None) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m backend", description="Serve the TeXSketch recognizer.")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1: loopback only)")
    parser.add_argument("--port", type=int, help="port (default 8000)")
    parser.add_argument("--model-dir", type=Path, help="folder with model.onnx, model.json, symbols.json, previews/")
    parser.add_argument("--workers", type=int, help="server processes (each loads the model)")
    parser.add_argument("--threads", type=int, help="onnxruntime threads per process")
    parser.add_argument("--log-level", help="critical | error | warning | info | debug | trace")
    parser.add_argument("--batching", action=argparse.BooleanOptionalAction, default=None, help="micro-batching")
    parser.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=None, help="a line per request")
    arguments = vars(parser.parse_args(argv))
    return {name: value for name, value in arguments.items() if value is not None}


def main(argv: list[str] | None = None) -> int:
    from backend.settings import Settings

    overrides = parse_arguments(argv)
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        print(f"texsketch: invalid setting: {problems}", file=sys.stderr)
        return EXIT_BAD_MODEL

    from backend.metrics import prepare_multiprocess_dir

    # Before prometheus_client is first imported (by backend.app): it picks its storage at import time.
    prepare_multiprocess_dir(settings.workers)

    from backend.app import create_app, load_state
    from backend.metrics import Metrics
    from backend.model_card import ModelLoadError

    try:
        if settings.workers == 1:
            app = create_app(settings, load_now=True)
        else:
            load_state(settings, Metrics())  # check once here; each worker loads its own copy
            # Workers build their app from the environment: hand them the command-line overrides that way.
            for name, value in overrides.items():
                os.environ[f"TEXSKETCH_{name.upper()}"] = str(value)
            app = None
    except ModelLoadError as error:
        print(f"texsketch: cannot start: {error}", file=sys.stderr)
        return EXIT_BAD_MODEL

    import uvicorn

    print(f"texsketch: serving on http://{settings.host}:{settings.port}", file=sys.stderr, flush=True)
    uvicorn.run(
        app if app is not None else "backend.app:app_from_environment",
        factory=app is None,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        access_log=settings.access_log,
        loop="uvloop",
        http="httptools",
        # Loopback or a trusted proxy: clients keep connections open between strokes.
        timeout_keep_alive=30,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
