"""`python -m backend.feedback export|migrate|stats`: the feedback database from the command line.

    python -m backend.feedback export --out data-cache/feedback.jsonl.gz [--skip-missing] [--exclude-suspect]
                                      [--database-url URL]
    python -m backend.feedback migrate [--database-url URL]
    python -m backend.feedback stats [--database-url URL]

Options go before or after the command name.

The database comes from `--database-url`, else `TEXSKETCH_DATABASE_URL`, else `DATABASE_URL`, else the
server's default SQLite file, so the command reads the same database as `make run`. The last line printed
is one JSON object, for scripts.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from backend.feedback.database import DatabaseUrlError, database_url_from_env, feedback_disabled, parse_database_url

EXIT_UNAVAILABLE = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class CommandConfig:
    """What one invocation does."""

    # export | migrate | stats
    command: str
    # Same resolution as the server (see module docstring), so no flag is needed next to `make run`.
    database_url: str
    # export: where the JSONL goes; a .gz name compresses it.
    out: Path | None = None
    # export: a SQLite file that does not exist (or feedback turned off) means no feedback was ever stored:
    # say so and succeed without writing, so `make train-export` works on a fresh clone.
    skip_missing: bool = False
    # A bar while exporting; off in scripts that parse the output.
    progress: bool = True
    # export: leave out contributions the serving model found wildly unlike their label (feedback/quality.py).
    exclude_suspect: bool = False


def parse_arguments(argv: list[str] | None) -> CommandConfig:
    # Shared by the main parser and every subcommand, so `--database-url` works before or after the command
    # name, as users type it. SUPPRESS: a subcommand that is not given it keeps the main parser's value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help="postgresql://... or sqlite:///path (default: as the server)",
    )
    parser = argparse.ArgumentParser(
        prog="python -m backend.feedback", description=__doc__.splitlines()[0], parents=[common]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", parents=[common], help="write every sample as JSON Lines for training")
    export.add_argument("--out", type=Path, required=True, help="output file, e.g. data-cache/feedback.jsonl.gz")
    export.add_argument("--skip-missing", action="store_true", help="no SQLite file yet: write nothing, exit 0")
    export.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    export.add_argument(
        "--exclude-suspect",
        action="store_true",
        help="leave out contributions whose label the model ranked below its 20th class (quality rule)",
    )
    commands.add_parser("migrate", parents=[common], help="create or upgrade the tables now")
    commands.add_parser("stats", parents=[common], help="counts per symbol, per day and by rank, as JSON")
    arguments = parser.parse_args(argv)
    return CommandConfig(
        command=arguments.command,
        database_url=getattr(arguments, "database_url", None) or database_url_from_env(),
        out=getattr(arguments, "out", None),
        skip_missing=getattr(arguments, "skip_missing", False),
        progress=getattr(arguments, "progress", True),
        exclude_suspect=getattr(arguments, "exclude_suspect", False),
    )


def nothing_stored_yet(database_url: str) -> str | None:
    """Why there can be no feedback to export (turned off, or no SQLite file), or None."""
    if feedback_disabled(database_url):
        return "feedback is turned off (database URL 'off')"
    url = parse_database_url(database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        return f"no feedback database at {url.database} yet"
    return None


def run(config: CommandConfig) -> dict[str, object]:
    from backend.feedback.database import EngineConfig
    from backend.feedback.store import FeedbackStore, StoreConfig

    if config.command == "export" and config.skip_missing:
        reason = nothing_stored_yet(config.database_url)
        if reason is not None:
            return {"exported": 0, "skipped": reason}
    if feedback_disabled(config.database_url):
        raise DatabaseUrlError("feedback is turned off (database URL 'off'): give --database-url")
    store = FeedbackStore(StoreConfig(engine=EngineConfig(url=config.database_url)))
    try:
        if config.command == "migrate":
            return {"applied": store.migrate(), "database": store.url}
        if config.command == "stats":
            return store.stats()
        from backend.feedback.export import export_jsonl

        assert config.out is not None
        result = export_jsonl(store, config.out, progress=config.progress, exclude_suspect=config.exclude_suspect)
        summary: dict[str, object] = {"exported": result.samples, "out": str(result.out), "database": store.url}
        if config.exclude_suspect:
            summary["suspect_left_out"] = store.count() - result.samples
        return summary
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    from backend.feedback.store import FeedbackUnavailable

    # The store logs why the database is unreachable; show that line.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    config = parse_arguments(argv)
    try:
        summary = run(config)
    except DatabaseUrlError as error:
        print(f"texsketch feedback: {error}", file=sys.stderr)
        return EXIT_USAGE
    except FeedbackUnavailable as error:
        print(f"texsketch feedback: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
