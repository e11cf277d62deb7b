"""A tool's configuration dataclass as its command-line flags: one `--name-with-dashes` per field, typed from the
field, booleans as `--x` / `--no-x`, defaults from the dataclass (so the dataclass stays the one place a default and
its reason are written)."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any, TypeVar

Config = TypeVar("Config")


def parse_config(config_type: type[Config], argv: list[str] | None, description: str | None) -> Config:
    """`config_type` filled from `argv` (None: sys.argv); fields typed int, float, str or bool."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    field: Any
    for field in dataclasses.fields(config_type):  # type: ignore[arg-type]
        flag = "--" + field.name.replace("_", "-")
        if field.type in ("bool", bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=field.default)
        else:
            kind = {"int": int, "float": float, "str": str}[str(field.type)]
            parser.add_argument(flag, type=kind, default=field.default, help=f"default {field.default!r}")
    return config_type(**vars(parser.parse_args(argv)))
