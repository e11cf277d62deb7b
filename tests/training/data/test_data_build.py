"""The dataset build end to end on fixtures: the folder of contracts.md section 2, splits, held-out files, cache."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from backend.render import parameters
from training.data.__main__ import main
from training.data.build import DataConfig, SplitRule, build
from training.data.build.splits import TEST, TRAIN, VALIDATION
from training.data.labels import Catalogue
from training.data.readers import SourceMissing
from training.data.synth.template_store import FILE_NAME as TEMPLATES_FILE
from training.data.synth.template_store import load_templates

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_SOURCES = {"crohme": "crohme.jsonl.gz", "detypify": "detypify.jsonl.gz", "hershey": "hershey.jsonl"}


def fixture_config(output: Path, **changes: object) -> DataConfig:
    settings: dict[str, object] = {
        "data_root": FIXTURES,
        "source_files": dict(FIXTURE_SOURCES),
        "detexify_dump": FIXTURES / "detexify.sql.gz",
        "detexify_couch": FIXTURES / "detexify-couchdb.jsonl",
        "feedback": (FIXTURES / "feedback.jsonl",),
        "catalogue": FIXTURES / "symbols.json",
        "output": output,
        "synthetic_per_class": 4,
        "workers": 1,
        "progress": False,
        # Large held-out shares so the few fixture groups land on every side.
        "test_percent": 40,
        "validation_percent": 20,
        # Derived rows have their own test (tests/training/data/derive/test_build_derived.py).
        "derived_per_class": 0,
    }
    settings.update(changes)
    return DataConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    output = tmp_path_factory.mktemp("data") / "dataset"
    return output, build(fixture_config(output))


def load(output: Path) -> dict[str, np.ndarray]:
    return {
        name: np.load(output / f"{name}.npy") for name in ("images", "labels", "split", "source", "group", "synthetic")
    }


def test_build_writes_the_contract_folder(built: tuple[Path, dict]) -> None:
    output, summary = built
    arrays = load(output)
    n = len(arrays["labels"])
    assert arrays["images"].shape == (n, 32, 32) and arrays["images"].dtype == np.uint8
    assert arrays["images"].max() <= 16
    assert arrays["labels"].dtype == np.int32 and arrays["group"].dtype == np.int32
    assert arrays["split"].dtype == np.uint8 and arrays["source"].dtype == np.uint8
    assert arrays["synthetic"].dtype == bool
    meta = json.loads((output / "meta.json").read_text())
    assert meta["classes"] == Catalogue.load(FIXTURES / "symbols.json").glyph_classes()
    assert meta["render"] == parameters()
    assert meta["content_hash"] == summary["content_hash"]
    assert {"rule", "test_percent", "validation_percent"} <= set(meta["splits"])
    assert arrays["labels"].max() < len(meta["classes"])
    assert summary["samples"] == n and summary["real"] + summary["synthetic"] == n


def test_build_stores_drawings_of_real_training_rows_only(built: tuple[Path, dict]) -> None:
    """Derivation's donors live in the set itself (issue 23, item 5): every real training row carries its own
    drawing, packed; validation, test and synthetic rows carry none (their drawings never become donors)."""
    from backend.render import render_point_arrays
    from training.data.build.dataset import SET_LAYOUT
    from training.data.derive import packed

    output, _ = built
    arrays = load(output)
    # The layout is in meta.json and the content hash: a set cached before it has no drawings and is rebuilt.
    assert json.loads((output / "meta.json").read_text())["layout"] == SET_LAYOUT == 2
    strokes = np.load(output / packed.FILE_NAME)
    assert strokes.shape == (len(arrays["labels"]), packed.POINTS, 2) and strokes.dtype == np.uint8
    real_train = ~arrays["synthetic"] & (arrays["split"] == TRAIN)
    assert real_train.sum() > 0 and (~arrays["synthetic"] & (arrays["split"] != TRAIN)).sum() > 0
    np.testing.assert_array_equal(packed.holds_drawing(strokes), real_train)
    # Each row's drawing is its own: rendered again, it inks nearly the same pixels as the row's image.
    for row in np.flatnonzero(real_train).tolist():
        again = render_point_arrays(packed.unpack(strokes[row])) > 0
        image = arrays["images"][row] > 0
        assert (again & image).sum() / (again | image).sum() > 0.85  # measured on the fixtures: 0.92 to 1.0


def test_build_counts_real_samples_of_every_source(built: tuple[Path, dict]) -> None:
    output, summary = built
    arrays = load(output)
    sources = json.loads((output / "meta.json").read_text())["sources"]
    counts = Counter(sources[i] for i in arrays["source"][~arrays["synthetic"]])
    # crohme: 6 valid; detypify: 5; detexify: 5 from the dump + 2 from CouchDB, less 2 unmapped keys; feedback: 3.
    assert counts == {"crohme": 6, "detypify": 5, "detexify": 5, "feedback": 3}
    assert summary["real"] == 19


def test_build_reports_unmapped_labels_with_reasons(built: tuple[Path, dict]) -> None:
    output, summary = built
    meta = json.loads((output / "meta.json").read_text())
    assert meta["unmapped"]["detexify"] == {
        "no-such-key": "unknown key: not a catalogue id",
        "latex2e-OT1-_\\textbackslash\tx": "unknown key: not a catalogue id",
    }
    assert set(meta["unmapped"]["hershey"]) == {"\\sqrt{x}", "\\vec"}
    assert summary["unmapped"] == 4
    assert meta["reports"]["crohme"]["rejected"] == {
        "empty drawing": 1,
        "NaN or infinite coordinate": 1,
        "missing label": 1,
    }


def test_build_synthesises_every_class_with_a_template(built: tuple[Path, dict]) -> None:
    output, summary = built
    arrays = load(output)
    meta = json.loads((output / "meta.json").read_text())
    per_class = np.bincount(arrays["labels"][arrays["synthetic"]], minlength=len(meta["classes"]))
    no_template = {"latex2e-OT1-_sin", "tipa-T1-_textesh"}  # no character, no preview, no Hershey glyph
    for index, glyph in enumerate(meta["classes"]):
        assert per_class[index] == (0 if glyph in no_template else 4), glyph
    assert summary["classes_without_synthetic"] == 2
    rows = [line.split("\t") for line in (output / "class_counts.tsv").read_text().splitlines()]
    assert rows[0][:6] == ["class", "command", "real_train", "real_validation", "real_test", "synthetic"]
    box = next(row for row in rows if row[0] == "wasysym-OT1-_triangle")
    assert box[6] == "preview"


def test_build_saves_the_traced_templates_of_every_synthesised_class(built: tuple[Path, dict]) -> None:
    output, _ = built
    meta = json.loads((output / "meta.json").read_text())
    templates = load_templates(output / TEMPLATES_FILE)
    assert len(templates) == len(meta["classes"])
    for glyph, own in zip(meta["classes"], templates, strict=True):
        if glyph in {"latex2e-OT1-_sin", "tipa-T1-_textesh"}:
            assert own == [], glyph
        else:
            assert own and all(stroke.ndim == 2 and stroke.shape[1] == 2 for t in own for stroke in t), glyph


def test_build_splits_by_group_and_keeps_synthetic_in_train(built: tuple[Path, dict]) -> None:
    output, _ = built
    arrays = load(output)
    assert (arrays["split"][arrays["synthetic"]] == TRAIN).all()
    real = ~arrays["synthetic"]
    for group in np.unique(arrays["group"][real]):
        assert len(np.unique(arrays["split"][real & (arrays["group"] == group)])) == 1
    # The two CROHME samples of expression e1 share a group.
    assert len(np.unique(arrays["group"][real])) < real.sum()
    assert set(np.unique(arrays["split"][real])) == {TRAIN, VALIDATION, TEST}


def test_build_writes_test_records_as_heldout_jsonl(built: tuple[Path, dict]) -> None:
    output, _ = built
    arrays = load(output)
    meta = json.loads((output / "meta.json").read_text())
    held = {}
    for path in (output / "heldout").glob("*.jsonl.gz"):
        with gzip.open(path, "rt") as lines:
            held[path.name.removesuffix(".jsonl.gz")] = [json.loads(line) for line in lines]
    test = arrays["split"] == TEST
    expected = Counter(meta["sources"][i] for i in arrays["source"][test])
    assert {name: len(records) for name, records in held.items()} == dict(expected)
    for records in held.values():
        assert all({"label", "strokes"} <= set(r) for r in records)


def test_build_is_cached_by_content_hash(built: tuple[Path, dict], capsys: pytest.CaptureFixture[str]) -> None:
    output, summary = built
    before = (output / "images.npy").stat().st_mtime_ns
    again = build(fixture_config(output))
    assert again["cached"] is True and again["content_hash"] == summary["content_hash"]
    assert (output / "images.npy").stat().st_mtime_ns == before
    assert "up to date" in capsys.readouterr().out


def test_build_same_result_with_two_workers_and_forced(built: tuple[Path, dict], tmp_path: Path) -> None:
    output, _ = built
    summary = build(fixture_config(tmp_path / "parallel", workers=2, force=True))
    assert summary["cached"] is False
    for name, array in load(tmp_path / "parallel").items():
        np.testing.assert_array_equal(array, load(output)[name], err_msg=name)


def test_build_other_seed_changes_synthetic_only(built: tuple[Path, dict], tmp_path: Path) -> None:
    output, summary = built
    other = build(fixture_config(tmp_path / "seeded", seed=7))
    assert other["content_hash"] != summary["content_hash"]
    first, second = load(output), load(tmp_path / "seeded")
    real = ~first["synthetic"]
    np.testing.assert_array_equal(first["images"][real], second["images"][real])
    assert not np.array_equal(first["images"][~real], second["images"][~real])


def test_build_missing_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceMissing, match="crohme data not found.*--data-root"):
        build(fixture_config(tmp_path / "x", data_root=tmp_path))


def test_main_build_prints_json_last(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["build", "--data-root", str(FIXTURES), "--sources", "", "--catalogue", str(FIXTURES / "symbols.json"),
         "--output", str(tmp_path / "d"), "--synthetic-per-class", "2", "--workers", "1", "--no-progress",
         "--feedback", str(FIXTURES / "feedback.jsonl")]
    )  # fmt: skip
    assert code == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"samples", "classes", "real", "synthetic", "unmapped"} <= set(last)
    assert last["real"] == 3


def test_main_build_missing_catalogue_exits_with_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["build", "--catalogue", str(tmp_path / "none.json"), "--output", str(tmp_path / "d"), "--no-progress"])
    assert code == 2
    assert "make catalogue" in capsys.readouterr().err


def test_split_rule_is_fixed_and_proportional() -> None:
    rule = SplitRule(test_percent=10, validation_percent=10)
    splits = Counter(rule.split_of("crohme", f"writer:{i}") for i in range(20_000))
    assert abs(splits[TEST] / 20_000 - 0.10) < 0.01 and abs(splits[VALIDATION] / 20_000 - 0.10) < 0.01
    assert rule.split_of("crohme", "writer:7") == SplitRule(10, 10).split_of("crohme", "writer:7")
    with pytest.raises(ValueError):
        SplitRule(test_percent=60, validation_percent=50)


def test_preview_draws_real_and_synthetic_rows(built: tuple[Path, dict], tmp_path: Path) -> None:
    from PIL import Image

    from training.data.build.preview import write_preview

    output, _ = built
    path = write_preview(output, tmp_path / "preview.png", ["latex2e-OT1-_alpha", "wasysym-OT1-_triangle"])
    with Image.open(path) as image:
        assert image.width > 600 and image.height > 100
    with pytest.raises(ValueError, match="not classes"):
        write_preview(output, tmp_path / "x.png", ["no-such-class"])
    with pytest.raises(FileNotFoundError, match="make data"):
        write_preview(tmp_path / "missing", tmp_path / "x.png")
