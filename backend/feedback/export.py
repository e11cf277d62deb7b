"""Write every stored sample to one JSON Lines file in the training readers' shape.

One line per sample: `{"label": <chosen catalogue id>, "strokes": [...], "id", "day", "shown",
"model_version", "client", "source", "label_rank", "suspect"}`, plus `"session"` for a contribution made on
a page visit (`training.data.readers.read_jsonl` reads it; `feedback_group` keeps a session on one split side).
`exclude_suspect` leaves out the samples the quality rule marked (backend/feedback/quality.py).
The file appears complete or not at all (written beside, then renamed), and a `.gz` name is gzip'd without
a timestamp, so exporting the same rows twice gives the same bytes and the training set's content hash does
not change.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson

from backend.feedback.store import FeedbackStore


@dataclass(frozen=True)
class ExportResult:
    out: Path
    samples: int


def export_jsonl(store: FeedbackStore, out: Path, progress: bool = True, exclude_suspect: bool = False) -> ExportResult:
    """Write all samples (or all not marked suspect), in id order, to `out` (gzip'd for .gz); the count written."""
    from tqdm import tqdm

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    total = store.count(exclude_suspect=exclude_suspect)
    written = 0
    try:
        with (
            _open_for_writing(partial, compress=out.suffix == ".gz") as stream,
            tqdm(total=total, unit="sample", desc="feedback export", disable=not progress, leave=False) as bar,
        ):
            for sample in store.iter_samples(exclude_suspect=exclude_suspect):
                stream.write(orjson.dumps(sample.to_record()) + b"\n")
                written += 1
                bar.update()
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return ExportResult(out=out, samples=written)


@contextmanager
def _open_for_writing(path: Path, compress: bool) -> Iterator[IO[bytes]]:
    with open(path, "wb") as file:
        if compress:
            # mtime=0 and no file name in the header: the bytes depend on the content only.
            with gzip.GzipFile(filename="", mode="wb", fileobj=file, mtime=0) as zipped:
                yield zipped  # type: ignore[misc]
        else:
            yield file
        file.flush()
        os.fsync(file.fileno())  # on disk before the rename makes it the export
