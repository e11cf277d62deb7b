"""`python -m training.data build|preview`: build the training set, or draw real vs synthetic samples side by side.

The last line `build` prints is one JSON object ({"samples", "classes", "real", "synthetic", "unmapped", ...})
for scripts to read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from training.data.build.config import DataConfig


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = DataConfig()
    parser = argparse.ArgumentParser(prog="python -m training.data", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the training set folder")
    build.add_argument("--data-root", type=Path, default=defaults.data_root, help="the shared data folder")
    build.add_argument(
        "--sources", default=",".join(defaults.sources), help="JSONL sources under the data root, comma-separated"
    )
    build.add_argument("--detexify-dump", type=Path, help="Detexify PostgreSQL dump (detexify.sql or .sql.gz)")
    build.add_argument("--detexify-couch", type=Path, help="Detexify CouchDB JSON export")
    build.add_argument("--detexify-dsn", help="a live Detexify PostgreSQL database (libpq connection string)")
    build.add_argument("--feedback", type=Path, action="append", default=[], help="feedback export JSONL (repeatable)")
    build.add_argument("--catalogue", type=Path, default=defaults.catalogue)
    build.add_argument("--output", type=Path, default=defaults.output)
    build.add_argument("--synthetic-per-class", type=int, default=defaults.synthetic_per_class)
    build.add_argument("--seed", type=int, default=defaults.seed)
    build.add_argument(
        "--derived-per-class", type=int, default=defaults.derived_per_class,
        help="derived real drawings per class at most (training/data/derive; 0: none)",
    )  # fmt: skip
    build.add_argument("--workers", type=int, default=defaults.workers)
    build.add_argument("--force", action="store_true", help="rebuild even if the content hash is unchanged")
    build.add_argument("--no-progress", action="store_true")
    preview = commands.add_parser("preview", help="PNG grid: real vs synthetic samples of a few classes")
    preview.add_argument("--dataset", type=Path, default=defaults.output)
    preview.add_argument("--output", type=Path, default=Path("data-cache/preview.png"))
    preview.add_argument("--classes", help="comma-separated class ids (default: a fixed mix)")
    labels = commands.add_parser("labels", help="write the label -> class table of the sources (for review)")
    labels.add_argument("--data-root", type=Path, default=defaults.data_root)
    labels.add_argument("--catalogue", type=Path, default=defaults.catalogue)
    labels.add_argument("--output", type=Path, default=Path("tests/training/data/expected_label_map.json"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.command == "build":
        from training.data.build.dataset import build

        config = DataConfig(
            data_root=arguments.data_root,
            sources=tuple(s for s in arguments.sources.split(",") if s),
            detexify_dump=arguments.detexify_dump,
            detexify_couch=arguments.detexify_couch,
            detexify_dsn=arguments.detexify_dsn,
            feedback=tuple(arguments.feedback),
            catalogue=arguments.catalogue,
            output=arguments.output,
            synthetic_per_class=arguments.synthetic_per_class,
            seed=arguments.seed,
            derived_per_class=arguments.derived_per_class,
            workers=arguments.workers,
            force=arguments.force,
            progress=not arguments.no_progress,
        )
        try:
            summary = build(config)
        except (FileNotFoundError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    if arguments.command == "labels":
        from training.data.build.label_table import write_label_table

        config = DataConfig(data_root=arguments.data_root, catalogue=arguments.catalogue, progress=False)
        count = write_label_table(config, config.resolve(arguments.output))
        print(f"wrote {count} labels to {arguments.output}")
        return 0
    from training.data.build.preview import write_preview

    classes = arguments.classes.split(",") if arguments.classes else None
    config = DataConfig()
    path = write_preview(
        config.resolve(arguments.dataset), config.resolve(arguments.output), classes, config.resolve(config.catalogue)
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
