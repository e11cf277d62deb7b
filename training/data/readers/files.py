"""Opening source files as streams of text lines, plain or gzip'd, with a progress bar over the bytes read."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


class SourceMissing(FileNotFoundError):
    """A data file the configuration names is not there; the message says which setting to change."""


def require_file(path: Path, what: str) -> Path:
    if not path.is_file():
        raise SourceMissing(
            f"{what} not found at {path}: set the data root (--data-root / DATA_ROOT) or the file's own option"
        )
    return path


@contextmanager
def open_binary_with_progress(path: Path, description: str, progress: bool = True) -> Iterator[BinaryIO]:
    """The file's (decompressed when .gz) bytes; the bar counts the bytes read from disk, so it ends at 100%."""
    from tqdm import tqdm

    size = path.stat().st_size
    with (
        open(path, "rb") as raw,
        tqdm(total=size, unit="B", unit_scale=True, desc=description, disable=not progress, leave=False) as bar,
    ):
        counted = io.BufferedReader(_CountingReader(raw, bar), buffer_size=1 << 20)
        if path.suffix == ".gz":
            with gzip.GzipFile(fileobj=counted) as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            yield counted  # type: ignore[misc]


@contextmanager
def open_text_with_progress(path: Path, description: str, progress: bool = True) -> Iterator[io.TextIOBase]:
    with open_binary_with_progress(path, description, progress) as binary:
        yield io.TextIOWrapper(binary, encoding="utf-8", newline="\n")  # type: ignore[arg-type]


class _CountingReader(io.RawIOBase):
    """A read-only wrapper that advances a tqdm bar by the bytes it hands out."""

    def __init__(self, raw: BinaryIO, bar: object) -> None:
        self._raw = raw
        self._bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if count:
            self._bar.update(count)  # type: ignore[attr-defined]
        return count or 0
