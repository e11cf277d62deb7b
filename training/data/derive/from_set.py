"""Derivation as a function of a set's own arrays (issue 23, item 5): donors are the set's real training rows'
packed drawings (`strokes.npy`), never a side file, so a copy of the set with some classes' real rows removed
derives as if those classes never had real drawings.

The data build calls `derive_from_set` once its real rows are assembled; `training.learn.trainset.load` calls
`rederived` when a set's real training rows are not those its derived rows were planned from (`planned_from`,
recorded in `meta.json` `derivation`); the transfer measure calls `rederived` after withholding.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from training.data.derive import packed
from training.data.derive.plan import DeriveConfig, DerivedRows, Plan, derive
from training.data.derive.rows import helper_classes

TRAIN = 0  # split.npy's training split (contracts.md section 2)
# Donor drawings per class: enough spread for 80 derived rows (each from a different one where a class has that
# many), a bounded cost (the big CROHME classes have thousands of rows to unpack). Chosen per class from
# (seed, class id), so removing another class's rows never changes which drawings a class gives.
DONORS_PER_CLASS = 400


def real_training_rows(arrays: dict[str, np.ndarray]) -> npt.NDArray[np.bool_]:
    """The rows derivation may draw from: real (not synthetic) training-split drawings."""
    return ~arrays["synthetic"].astype(bool) & (arrays["split"] == TRAIN)


def planned_from(arrays: dict[str, np.ndarray]) -> str:
    """A digest of what derivation reads (every real training row's class and packed drawing): equal digests give
    equal derived rows, so a set whose digest differs from its `meta.json` record must be derived again."""
    rows = np.flatnonzero(real_training_rows(arrays))
    digest = hashlib.sha256(np.ascontiguousarray(arrays["labels"][rows].astype(np.int64)).tobytes())
    digest.update(np.ascontiguousarray(arrays["strokes"][rows]).tobytes())
    return digest.hexdigest()


def donor_drawings(arrays: dict[str, np.ndarray], classes: Sequence[str], seed: int) -> dict[int, list]:
    """Per class index: up to DONORS_PER_CLASS of its real training drawings, unpacked from `strokes`."""
    rows = np.flatnonzero(real_training_rows(arrays) & packed.holds_drawing(arrays["strokes"]))
    labels = arrays["labels"][rows]
    donors: dict[int, list] = {}
    for label in np.unique(labels).tolist():
        own = rows[labels == label]
        if len(own) > DONORS_PER_CLASS:
            rng = np.random.default_rng([seed, 0xD0A0, zlib.crc32(classes[label].encode())])
            own = np.sort(rng.choice(own, DONORS_PER_CLASS, replace=False))
        donors[label] = [packed.unpack(arrays["strokes"][row]) for row in own.tolist()]
    return donors


def derive_from_set(
    arrays: dict[str, np.ndarray],
    classes: list[str],
    catalogue_path: Path,
    relations_path: Path,
    config: DeriveConfig,
    progress: bool = True,
) -> DerivedRows:
    """The derived rows a set's own real training rows give (its existing derived rows are not read)."""
    from training.data.labels import Catalogue

    catalogue = Catalogue.load(catalogue_path)
    own = {c: i for i, c in enumerate(classes)}
    # Relations name glyph groups; a set's classes are their representatives (any member's group maps to one).
    class_index = {glyph: own[class_id] for glyph, class_id in catalogue.class_by_group(classes).items()} | own
    relations = json.loads(relations_path.read_text(encoding="utf-8"))["relations"]
    donors = donor_drawings(arrays, classes, config.seed)
    plan = Plan(relations, class_index, donors, helper_classes(catalogue.by_command, class_index), config)
    counts = np.bincount(arrays["labels"][real_training_rows(arrays)], minlength=len(classes)).astype(np.int64)
    return derive(plan, classes, counts, progress=progress)


def record(
    rows: DerivedRows, arrays: dict[str, np.ndarray], catalogue: Path, relations: Path, config: DeriveConfig
) -> dict[str, Any]:
    """`meta.json` `derivation`: what the derived rows were planned from and with, so a loader can tell a copy whose
    real rows changed and derive it again the same way (paths inside the repository are kept relative to it, so a
    copy of the set on another checkout finds them)."""
    return {
        "planned_from": planned_from(arrays),
        "real_training_rows": int(real_training_rows(arrays).sum()),
        "catalogue": _relative(catalogue),
        "relations": _relative(relations),
        "config": dict(config.__dict__),
        **rows.stats,
    }


def rederived(
    arrays: dict[str, np.ndarray],
    meta: dict[str, Any],
    render: Callable[[Sequence[npt.NDArray[np.float64]]], npt.NDArray[np.uint8]],
    progress: bool = True,
) -> tuple[dict[str, np.ndarray], dict[str, Any], DerivedRows]:
    """The set without its derived rows, derived again from its own real training rows with the settings its
    `meta.json` records; returns the arrays, the meta to go with them and the new derived rows."""
    from training.data.derive.rows import appended, render_rows

    recorded = meta["derivation"]
    config = DeriveConfig(**recorded["config"])
    is_derived = arrays["donor"][:, 0] >= 0
    kept = {name: array[~is_derived] for name, array in arrays.items()}
    classes = list(meta["classes"])
    catalogue, relations = _resolved(recorded["catalogue"]), _resolved(recorded["relations"])
    rows = derive_from_set(kept, classes, catalogue, relations, config, progress)
    images = render_rows(rows, config.seed, render, progress)
    sources = list(meta["sources"]) + ([] if "derived" in meta["sources"] else ["derived"])
    first_group = int(kept["group"].max()) + 1 if len(kept["group"]) else 0
    out = appended(kept, rows, images, sources.index("derived"), first_group)
    derivation = record(rows, out, catalogue, relations, config)
    # Other derived rows, another set: a run trained on it must not record the content hash of the set it came from.
    content_hash = f"{meta.get('content_hash')}-derived-{derivation['planned_from'][:12]}"
    return out, dict(meta, sources=sources, derivation=derivation, content_hash=content_hash), rows


def _relative(path: Path) -> str:
    from training.data.build.config import REPO_ROOT  # here: the build package imports this module

    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def _resolved(path: str) -> Path:
    from training.data.build.config import REPO_ROOT

    return Path(path) if Path(path).is_absolute() else REPO_ROOT / path
