"""The catalogue generator on a tiny fixture data root (no TeX: tables from unicodeit, a stand-in package probe)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from backend.catalogue import load_catalogue
from training.catalogue.build import CatalogueConfig, build_catalogue, build_entries
from training.catalogue.detexify import CatalogueInputError, load_detexify

DETEXIFY = [
    {"id": "latex2e-OT1-_leq", "command": "\\leq", "mathmode": True, "textmode": False},
    {"id": "latex2e-OT1-_le", "command": "\\le", "mathmode": True, "textmode": False},
    {"id": "latex2e-OT1-_textless", "command": "\\textless", "mathmode": False, "textmode": True},
    {"id": "latex2e-OT1-_emptyset", "command": "\\emptyset", "mathmode": True, "textmode": False},
    {"id": "amssymb-OT1-_varnothing", "command": "\\varnothing", "mathmode": True, "textmode": False},
    {"id": "amssymb-OT1-_neq", "command": "\\neq", "mathmode": True, "textmode": False},
    {"id": "tipa-OT1-_textnosuchsymbol", "command": "\\textnosuchsymbol", "mathmode": False, "textmode": True},
    {"id": "latex2e-T1-_DH", "command": "\\DH", "mathmode": False, "textmode": True},
]
CROHME = ["COMMA", "\\lt", "1", "a", "\\sin", "\\leq", "\\sqrt"]
TYPST = [("lt.eq", "≤"), ("plus.circle", "⊕"), ("turtle.t", "🐢"), ("kai", None)]
OVERRIDES = {
    "unicode": [{"command": "\\textnosuchsymbol", "why": "fixture: no character"}],
    "distinct_looks": [{"pattern": "\\\\varnothing", "look": "round", "why": "fixture: drawn differently"}],
    "lookalikes": [{"commands": ["\\emptyset", "\\DH"], "why": "fixture: drawn alike"}],
}
ALIASES = {"aliases": [{"command": "\\ne", "package": None, "same_as": "\\neq", "why": "fixture: kernel alias"}]}


def _write_jsonl_gz(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")


@pytest.fixture()
def config(tmp_path: Path) -> CatalogueConfig:
    root = tmp_path / "data"
    root.mkdir()
    (root / "detexify-symbols.json").write_text(json.dumps(DETEXIFY), encoding="utf-8")
    stroke = [[[0, 0], [1, 1]]]
    _write_jsonl_gz(
        root / "crohme2014-isolated" / "samples.jsonl.gz", [{"label": x, "strokes": stroke} for x in CROHME]
    )
    _write_jsonl_gz(
        root / "detypify-contrib" / "samples.jsonl.gz",
        [{"label": name, "unicode": char, "strokes": stroke} for name, char in TYPST],
    )
    overrides = tmp_path / "overrides.json"
    overrides.write_text(json.dumps(OVERRIDES), encoding="utf-8")
    aliases = tmp_path / "aliases.json"
    aliases.write_text(json.dumps(ALIASES), encoding="utf-8")
    # A one-line stand-in for TeX Live's tree, so the result does not depend on what this machine has installed.
    dfu = tmp_path / "texmf" / "tex" / "latex" / "base" / "t1enc.dfu"
    dfu.parent.mkdir(parents=True)
    dfu.write_text("\\DeclareUnicodeCharacter{003C}{\\textless}\n", encoding="utf-8")
    return CatalogueConfig(
        data_root=root,
        models_dir=tmp_path / "models",
        use_tex=False,
        overrides=overrides,
        texmf=tmp_path / "texmf",
        aliases=aliases,
        readme=tmp_path / "README.md",
    )


def kernel_probe(commands, packages=(), fontenc=None, math=True):
    """Stands in for LaTeX: the kernel typesets \\oplus and \\neq, no package adds anything."""
    return {c for c in commands if c in {"\\oplus", "\\neq"}} if not packages else set()


def _by_id(entries):
    return {entry["id"]: entry for entry in entries}


def test_build_entries_keeps_every_detexify_id_once(config):
    entries, _ = build_entries(config, kernel_probe)
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    assert [e["id"] for e in entries if e["source"] == "detexify"] == [d["id"] for d in DETEXIFY]


def test_build_entries_adds_digits_letters_and_missing_crohme_classes(config):
    entries = _by_id(build_entries(config, kernel_probe)[0])
    for char in "0123456789azAZ":
        assert f"latex2e-OT1-{char}" in entries
    assert entries["latex2e-OT1-1"]["source"] == "crohme"
    assert entries["latex2e-OT1-7"]["source"] == "alphanumeric"
    assert entries["latex2e-OT1-,"]["command"] == ","
    assert entries["latex2e-OT1-<"]["math"] and not entries["latex2e-OT1-<"]["text"]
    assert entries["latex2e-OT1-_sin"]["math"] and not entries["latex2e-OT1-_sin"]["text"]
    assert entries["latex2e-OT1-_sqrt{}"]["source"] == "crohme"  # CROHME's \sqrt is Detexify's \sqrt{}
    assert sum(e["command"] == "\\leq" for e in entries.values()) == 1  # Detexify has it already


def test_build_entries_packages_follow_the_probe(config):
    entries = _by_id(build_entries(config, kernel_probe)[0])
    assert entries["amssymb-OT1-_neq"]["package"] is None  # the kernel typesets it
    assert entries["amssymb-OT1-_varnothing"]["package"] == "amssymb"
    assert entries["latex2e-T1-_DH"]["fontenc"] == "T1"
    assert entries["latex2e-OT1-_leq"]["package"] is None


def test_build_entries_groups_symbols_of_one_character(config):
    entries = _by_id(build_entries(config, kernel_probe)[0])
    assert entries["latex2e-OT1-_leq"]["glyph"] == entries["latex2e-OT1-_le"]["glyph"] == "latex2e-OT1-_le"
    assert entries["latex2e-OT1-_textless"]["glyph"] == "latex2e-OT1-<"  # math mode first
    assert entries["latex2e-OT1-_textless"]["unicode"] == "<"


def test_build_entries_distinct_look_keeps_its_own_group(config):
    entries = _by_id(build_entries(config, kernel_probe)[0])
    assert entries["amssymb-OT1-_varnothing"]["unicode"] == entries["latex2e-OT1-_emptyset"]["unicode"] == "∅"
    assert entries["amssymb-OT1-_varnothing"]["glyph"] == "amssymb-OT1-_varnothing"
    assert entries["latex2e-OT1-_emptyset"]["glyph"] == "latex2e-OT1-_emptyset"


def test_build_entries_symbol_without_character_stands_alone(config):
    entries = _by_id(build_entries(config, kernel_probe)[0])
    entry = entries["tipa-OT1-_textnosuchsymbol"]
    assert entry["unicode"] is None and entry["glyph"] == entry["id"]


def test_build_entries_typst_only_character_joins_with_its_latex_command(config):
    entries, report = build_entries(config, kernel_probe)
    typst = [e for e in entries if e["source"] == "typst"]
    assert [(e["id"], e["command"], e["package"], e["unicode"]) for e in typst] == [
        ("latex2e-OT1-_oplus", "\\oplus", None, "⊕")
    ]
    assert "plus.circle" in typst[0]["names"]
    left_out = {item.label: item.reason for item in report.left_out}
    assert set(left_out) == {"turtle.t", "kai"}
    assert "no LaTeX command" in left_out["turtle.t"]
    assert "no Unicode character" in left_out["kai"]


def test_build_entries_without_probe_leaves_packages_as_keys_name_them(config):
    entries = _by_id(build_entries(config, None)[0])
    assert entries["amssymb-OT1-_neq"]["package"] == "amssymb"


def test_build_entries_names_hold_command_unicode_and_typst_names(config):
    entries = _by_id(build_entries(config, kernel_probe)[0])
    assert entries["latex2e-OT1-_leq"]["names"] == ["leq", "less-than or equal to", "lt.eq"]


def test_build_catalogue_writes_a_loadable_catalogue_with_previews(config):
    report = build_catalogue(config)
    catalogue = load_catalogue(config.models_dir / "symbols.json")
    assert len(catalogue) == report.symbols
    for symbol in catalogue.symbols:
        assert catalogue.preview_path(symbol.id).is_file()
        assert symbol.preview_kind == "unicode-font"  # no TeX in this build
    assert {p.name for p in (config.models_dir / "previews").iterdir()} == {
        Path(s.preview).name for s in catalogue.symbols
    }


def test_build_catalogue_readme_section_is_replaced_not_repeated(config):
    config.readme.write_text("# Catalogue\n\nHand-written text.\n", encoding="utf-8")
    build_catalogue(config)
    build_catalogue(config)
    text = config.readme.read_text(encoding="utf-8")
    assert text.startswith("# Catalogue\n\nHand-written text.\n")
    assert text.count("BEGIN GENERATED BY make catalogue") == 1
    assert text.count("BEGIN GENERATED LOOK-ALIKES") == 1
    assert "`turtle.t`" in text
    assert "| `\\emptyset` | `\\DH` | fixture: drawn alike |" in text


def test_load_detexify_rejects_duplicates_and_bad_keys(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps(DETEXIFY[:1] * 2), encoding="utf-8")
    with pytest.raises(CatalogueInputError, match="duplicate id"):
        load_detexify(path)
    path.write_text(json.dumps([{**DETEXIFY[0], "id": "nokey"}]), encoding="utf-8")
    with pytest.raises(CatalogueInputError, match="not a Detexify key"):
        load_detexify(path)
    with pytest.raises(CatalogueInputError, match="not found"):
        load_detexify(tmp_path / "missing.json")
