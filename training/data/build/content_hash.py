"""The content hash of a build: inputs, settings and code. Same hash, same dataset: the build is skipped."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from training.data.build.config import REPO_ROOT

# The code whose change changes the dataset: the renderer and the whole data stage (readers, labels, synthesis,
# this build, and any room added to the stage later).
CODE_PATHS = (
    "backend/render.py",
    "backend/drawing.py",
    "training/data",
)


def file_digest(path: Path, digest: Any) -> None:
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)


def content_hash(input_files: Iterable[Path], settings: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for path in sorted(set(input_files)):
        digest.update(str(path.name).encode())
        if path.is_file():
            file_digest(path, digest)
        else:
            digest.update(b"<missing>")
    for name in CODE_PATHS:
        root = REPO_ROOT / name
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            file_digest(path, digest)
    return digest.hexdigest()
