"""`python -m training.data build`: every source to one compact training set (contracts.md section 2).

One pass: real records are read, mapped to classes, rendered and assigned a split in the main process,
while worker processes trace and augment the synthetic samples of every class. The result is written
to a temporary folder and moved into place, so an interrupted build never leaves a half dataset.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import numpy as np

from backend.render import SIZE, parameters, render_point_arrays
from training.data.build.config import DataConfig
from training.data.build.content_hash import content_hash
from training.data.build.sources import SOURCE_ORDER, TEMPLATE_ONLY_SOURCES, SourceStream, configured_sources
from training.data.build.splits import TEST, TRAIN, SplitRule
from training.data.build.summary import class_count_rows, print_summary, summary_line
from training.data.build.synthetic import SynthesisResult, SynthesisSettings, synthesise_job
from training.data.derive import from_set, packed
from training.data.derive import rows as derived
from training.data.derive.plan import DONOR_SLOTS, DeriveConfig
from training.data.labels import Catalogue, LabelMap, hint_for
from training.data.synth import GlyphPictures, HandVariation
from training.data.synth.template_store import FILE_NAME as TEMPLATES_FILE
from training.data.synth.template_store import save_templates

ARRAY_NAMES = ("images", "labels", "split", "source", "group", "synthetic")
# What the arrays hold, in meta.json and the content hash. 2: real training rows keep their drawings in strokes.npy
# and derivation reads them there (training/data/derive/from_set.py).
SET_LAYOUT = 2


@dataclasses.dataclass
class RealSamples:
    images: list[np.ndarray] = dataclasses.field(default_factory=list)
    labels: list[int] = dataclasses.field(default_factory=list)
    splits: list[int] = dataclasses.field(default_factory=list)
    sources: list[int] = dataclasses.field(default_factory=list)
    groups: list[int] = dataclasses.field(default_factory=list)
    group_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    unmapped: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)  # source -> label -> why
    # Per row, the packed drawing (training split) or None: the donors of derived rows, kept in the set itself.
    strokes: list[np.ndarray | None] = dataclasses.field(default_factory=list)


def build(config: DataConfig) -> dict[str, Any]:
    started = time.monotonic()
    catalogue = Catalogue.load(config.resolve(config.catalogue))
    label_map = LabelMap(catalogue)
    classes = catalogue.glyph_classes()
    streams = configured_sources(config)
    rule = SplitRule(config.test_percent, config.validation_percent)
    pictures_base = _glyph_pictures(catalogue, config.resolve(config.catalogue).parent)
    augment_config = HandVariation()
    fonts = tuple(f for f in config.fonts if Path(f).is_file())

    settings = {
        key: value
        for key, value in dataclasses.asdict(config).items()
        if key not in ("force", "progress", "workers", "output", "data_root")
    }
    settings["augment"] = dataclasses.asdict(augment_config)
    # What a set's arrays hold, not only what they are made from: a set cached before real training rows kept
    # their drawings in strokes.npy cannot be derived again after withholding (issue 23 item 5), so it is rebuilt.
    settings["layout"] = SET_LAYOUT
    settings["fonts"] = [Path(f).name for f in fonts]
    if config.detexify_dsn:
        settings["live_database_read_at"] = time.time()  # a live database has no content hash: always rebuild
    inputs = [f for s in streams for f in s.files] + [config.resolve(config.catalogue)] + [Path(f) for f in fonts]
    inputs += [preview for p in pictures_base.values() for preview in p.previews]
    if config.derived_per_class > 0:
        inputs.append(config.resolve(config.relations))
    digest = content_hash(inputs, settings)
    output = config.resolve(config.output)
    cached = _cached_summary(output, digest)
    if cached is not None and not config.force:
        cached["cached"] = True
        print(f"dataset at {output} is up to date (content hash {digest[:12]}); --force rebuilds it")
        return cached

    # A private staging folder beside the output: concurrent builds never write into each other's files.
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    (staging / "heldout").mkdir()

    hershey = _hershey_templates(streams, label_map)
    synthesis = SynthesisSettings(
        config.synthetic_per_class,
        config.seed,
        fonts,
        config.template_size,
        config.fonts_per_class,
        augment_config,
    )
    jobs = [
        (index, dataclasses.replace(pictures_base[glyph], hershey=tuple(hershey.templates.get(glyph, ()))), synthesis)
        for index, glyph in enumerate(classes)
    ]
    real = RealSamples(unmapped=hershey.unmapped)
    synthetic_results = _run_synthesis(
        jobs, config, lambda: _read_real(streams, label_map, classes, rule, real, staging)
    )

    arrays = _assemble(real, synthetic_results)
    derivation = _derive(config, classes, arrays)
    if derivation is not None:
        arrays = derived.appended(arrays, derivation[0], derivation[1], SOURCE_ORDER.index("derived"),
                                  int(arrays["group"].max()) + 1 if len(arrays["group"]) else 0)  # fmt: skip
    for name in arrays:
        np.save(staging / f"{name}.npy", arrays[name])
    templates_by_class: list[list] = [[] for _ in classes]
    for result in synthetic_results:
        templates_by_class[result.class_index] = list(result.templates)
    save_templates(staging / TEMPLATES_FILE, templates_by_class)
    reports = {}
    for stream in streams:
        reports[stream.name] = stream.report
    summary = summary_line(arrays, classes, reports, real.unmapped, synthetic_results, output, digest)
    if derivation is not None:
        summary["derivation"] = derivation[0].stats
    summary["seconds"] = round(time.monotonic() - started, 1)
    rows = class_count_rows(arrays, classes, catalogue, synthetic_results)
    (staging / "class_counts.tsv").write_text("\n".join("\t".join(map(str, row)) for row in rows) + "\n")
    meta = {
        "format": 1,
        "layout": SET_LAYOUT,
        "classes": classes,
        "sources": list(SOURCE_ORDER),
        "summary": summary,
        "content_hash": digest,
        "render": parameters(),
        "splits": rule.describe(),
        "synthetic_per_class": config.synthetic_per_class,
        "reports": {name: report.as_dict() for name, report in reports.items()},
        "unmapped": real.unmapped,
    }
    if derivation is not None:
        meta["derivation"] = from_set.record(
            derivation[0], arrays, config.resolve(config.catalogue), config.resolve(config.relations), derivation[2]
        )
    (staging / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)
    print_summary(reports, real.unmapped, rows, output)
    if derivation is not None:
        derived.print_derivation(derivation[0].stats)
    return summary


def _derive(
    config: DataConfig, classes: list[str], arrays: dict[str, np.ndarray]
) -> tuple[derived.DerivedRows, np.ndarray, DeriveConfig] | None:
    """The derived rows of the build and their images, or None when derivation is off: made from the assembled
    set's own real training rows, exactly as a re-derivation of the written set would make them."""
    if config.derived_per_class <= 0:
        return None
    settings = DeriveConfig(per_class=config.derived_per_class, seed=config.seed)
    rows = from_set.derive_from_set(
        arrays, classes, config.resolve(config.catalogue), config.resolve(config.relations), settings, config.progress
    )
    return rows, derived.render_rows(rows, config.seed, render_point_arrays, progress=config.progress), settings


@dataclasses.dataclass
class _HersheyTemplates:
    templates: dict[str, list[tuple[str, list[np.ndarray]]]]
    unmapped: dict[str, dict[str, str]]


def _hershey_templates(streams: list[SourceStream], label_map: LabelMap) -> _HersheyTemplates:
    templates: dict[str, list[tuple[str, list[np.ndarray]]]] = {}
    unmapped: dict[str, dict[str, str]] = {}
    for stream in streams:
        if stream.name not in TEMPLATE_ONLY_SOURCES:
            continue
        for record in stream.records():
            resolution = label_map.resolve(stream.name, record.label, hint_for(stream.name, record.original))
            if resolution.glyph is None:
                stream.report.unmapped[record.label] += 1
                unmapped.setdefault(stream.name, {})[record.label] = resolution.how
                continue
            templates.setdefault(resolution.glyph, []).append((record.label, record.strokes))
    for glyph, found in templates.items():
        templates[glyph] = sorted(found, key=lambda item: _hershey_preference(item[0]))[:MAX_HERSHEY_TEMPLATES]
    return _HersheyTemplates(templates, unmapped)


# Members of a glyph group render alike, but not identically (`\\sqrt{}` has a bar that `\\surd` lacks).
MAX_PREVIEW_TEMPLATES = 2
# A letter has up to seven Hershey forms (plain, \mathrm, \mathbf, \mathit, ...); serif and italic ones
# with their curls would outnumber the plain forms hands draw, so a class keeps the plainest two.
MAX_HERSHEY_TEMPLATES = 2
_FONT_ORDER = ("", "\\mathsf", "\\mathrm", "\\mathit", "\\mathbf", "\\mathtt")


def _hershey_preference(label: str) -> tuple[int, str]:
    prefix = label.split("{", 1)[0] if label.startswith("\\math") else ""
    return (_FONT_ORDER.index(prefix) if prefix in _FONT_ORDER else len(_FONT_ORDER), label)


def _glyph_pictures(catalogue: Catalogue, catalogue_folder: Path) -> dict[str, GlyphPictures]:
    pictures = {}
    for glyph in catalogue.glyph_classes():
        members = sorted(catalogue.members(glyph), key=lambda member: member.id != glyph)  # representative first
        previews = [catalogue_folder / m.preview for m in members if m.preview]
        existing = tuple(dict.fromkeys(p for p in previews if p.is_file()))[:MAX_PREVIEW_TEMPLATES]
        characters = tuple(dict.fromkeys(m.unicode for m in members if m.unicode))
        pictures[glyph] = GlyphPictures(glyph, existing, characters)
    return pictures


def _run_synthesis(jobs: list, config: DataConfig, read_real: Any) -> list[SynthesisResult]:
    """Synthesis in worker processes while the main process reads the real data."""
    from tqdm import tqdm

    if config.workers <= 1:
        read_real()
        bar = tqdm(total=len(jobs), desc="synthetic classes", unit="class", disable=not config.progress, leave=False)
        results = []
        for job in jobs:
            results.append(synthesise_job(job))
            bar.update(1)
        bar.close()
        return results
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(config.workers) as pool:
        pending = pool.imap_unordered(synthesise_job, jobs, chunksize=4)
        read_real()
        # Started after the real data, so its rate and estimate count only the time spent waiting for workers.
        bar = tqdm(total=len(jobs), desc="synthetic classes", unit="class", disable=not config.progress, leave=False)
        results = []
        for result in pending:
            results.append(result)
            bar.update(1)
    bar.close()
    return sorted(results, key=lambda r: r.class_index)


def _read_real(
    streams: list[SourceStream],
    label_map: LabelMap,
    classes: list[str],
    rule: SplitRule,
    real: RealSamples,
    staging: Path,
) -> None:
    class_index = {glyph: index for index, glyph in enumerate(classes)}
    heldout: dict[str, IO[str]] = {}
    try:
        for stream in streams:
            if stream.name in TEMPLATE_ONLY_SOURCES:
                continue
            source_index = SOURCE_ORDER.index(stream.name)
            for record in stream.records():
                resolution = label_map.resolve(stream.name, record.label, hint_for(stream.name, record.original))
                if resolution.glyph is None:
                    stream.report.unmapped[record.label] += 1
                    real.unmapped.setdefault(stream.name, {})[record.label] = resolution.how
                    continue
                split = rule.split_of(stream.name, record.group)
                real.images.append(render_point_arrays(record.strokes))
                real.labels.append(class_index[resolution.glyph])
                real.splits.append(split)
                real.sources.append(source_index)
                real.groups.append(real.group_ids.setdefault(f"{stream.name}|{record.group}", len(real.group_ids)))
                # Donors of derived rows are training drawings only: validation and test drawings are never stored.
                real.strokes.append(packed.pack(record.strokes) if split == TRAIN else None)
                if split == TEST:
                    if stream.name not in heldout:
                        heldout[stream.name] = _open_heldout(staging / "heldout" / f"{stream.name}.jsonl.gz")
                    heldout[stream.name].write(json.dumps(record.original, ensure_ascii=False) + "\n")
    finally:
        for handle in heldout.values():
            handle.close()


def _open_heldout(path: Path) -> IO[str]:
    return gzip.open(path, "wt", encoding="utf-8", compresslevel=6)  # type: ignore[return-value]


def _assemble(real: RealSamples, results: list[SynthesisResult]) -> dict[str, np.ndarray]:
    synthetic_images = [r.images for r in results if len(r.images)]
    synthetic_labels = [np.full(len(r.images), r.class_index, dtype=np.int32) for r in results if len(r.images)]
    n_real = len(real.labels)
    first_synthetic_group = len(real.group_ids)
    images = np.concatenate(
        [np.stack(real.images) if real.images else np.zeros((0, SIZE, SIZE), np.uint8), *synthetic_images]
    ).astype(np.uint8)
    labels = np.concatenate([np.array(real.labels, dtype=np.int32), *synthetic_labels]).astype(np.int32)
    n_synthetic = len(labels) - n_real
    strokes = packed.empty_rows(len(labels))
    for row, drawing in enumerate(real.strokes):
        if drawing is not None:
            strokes[row] = drawing
    return {
        "strokes": strokes,
        "donor": np.full((len(labels), DONOR_SLOTS), -1, np.int32),  # derived rows, appended later, fill theirs
        "images": images,
        "labels": labels,
        "split": np.concatenate([np.array(real.splits, np.uint8), np.zeros(n_synthetic, np.uint8)]),
        "source": np.concatenate(
            [np.array(real.sources, np.uint8), np.full(n_synthetic, SOURCE_ORDER.index("synthetic"), np.uint8)]
        ),
        # One group per class for the synthetic samples (they never leave the training split).
        "group": np.concatenate(
            [np.array(real.groups, np.int32), (first_synthetic_group + labels[n_real:]).astype(np.int32)]
        ),
        "synthetic": np.concatenate([np.zeros(n_real, bool), np.ones(n_synthetic, bool)]),
    }


def _cached_summary(output: Path, digest: str) -> dict[str, Any] | None:
    meta_path = output / "meta.json"
    if not meta_path.is_file() or not all((output / f"{name}.npy").is_file() for name in ARRAY_NAMES):
        return None
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError:
        return None
    return dict(meta["summary"]) if meta.get("content_hash") == digest else None
