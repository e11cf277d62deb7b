"""Settings of `python -m training.data`: where the sources are, how much to synthesise, where to write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]

# Debian fonts whose letterforms serve as extra templates (packages and licences: training/data/README.md). The
# order is the preference: even-stroked sans faces first (closest to a pen), then the math fonts of TeX (Latin
# Modern, TeX Gyre, STIX, Asana, Noto Sans Math), then text faces with wide Greek and IPA coverage. A class takes
# the first `fonts_per_class` that have its character; a missing font only removes its templates.
_TEXMF = "/usr/share/texmf/fonts/opentype/public"
DEFAULT_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf",
    "/usr/share/fonts/opentype/freefont/FreeSans.otf",
    "/usr/share/fonts/truetype/cmu/cmunss.ttf",
    f"{_TEXMF}/lm-math/latinmodern-math.otf",
    "/usr/share/fonts/opentype/stix/STIXGeneral-Regular.otf",
    f"{_TEXMF}/tex-gyre-math/texgyrepagella-math.otf",
    "/usr/share/fonts/opentype/asana-math/Asana-Math.otf",
    f"{_TEXMF}/tex-gyre-math/texgyretermes-math.otf",
    "/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf",
    "/usr/share/fonts/opentype/stix-word/STIXMath-Regular.otf",
    f"{_TEXMF}/tex-gyre-math/texgyreschola-math.otf",
    f"{_TEXMF}/tex-gyre-math/texgyrebonum-math.otf",
    "/usr/share/fonts/truetype/cmu/cmunrm.ttf",
    "/usr/share/fonts/opentype/freefont/FreeSerif.otf",
    "/usr/share/fonts/opentype/neohellenic/GFSNeohellenic.otf",
    "/usr/share/fonts/opentype/junicode/JunicodeTwoBeta-Regular.otf",
    "/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf",
)


@dataclass
class DataConfig:
    """One field per decision; relative paths are taken from the repository root."""

    # The shared data folder (read-only, never copied into the repo); `make data DATA_ROOT=...` overrides it.
    data_root: Path = Path("../shared/data")
    # Which JSONL sources to read, by name; each must exist under data_root (a missing one is an error).
    sources: tuple[str, ...] = ("crohme", "detypify", "hershey")
    # The Detexify data, when a user has it: a dump (.sql / .sql.gz), a CouchDB export, or a live database.
    detexify_dump: Path | None = None
    detexify_couch: Path | None = None
    detexify_dsn: str | None = None
    # Feedback exports of the running service (the same JSONL shape, labels are catalogue ids).
    feedback: tuple[Path, ...] = ()
    # The catalogue defines the classes; its previews are templates for synthetic samples.
    catalogue: Path = Path("models/symbols.json")
    # Git-ignored output; the trainer reads it (contracts.md section 2).
    output: Path = Path("data-cache/dataset")
    # Synthetic samples per class: enough that a class with no real data is learnt (about as many as
    # a mid-sized CROHME class has), few enough that 1,100+ classes build in a minute or two on 2 cores.
    synthetic_per_class: int = 80
    # Everything random (augmentation) derives from this, so a build is reproducible.
    seed: int = 0
    # Held-out shares of the real data, by group hash (fixed: figures stay comparable between builds).
    test_percent: int = 10
    validation_percent: int = 10
    # Two workers: this machine has 2 cores, shared with other work.
    workers: int = 2
    # Side in pixels of the pictures traced into templates: detail enough for small parts, fast to skeletonise.
    template_size: int = 80
    fonts: tuple[str, ...] = DEFAULT_FONTS
    # Fonts drawn per class: each is another letterform of the same symbol to start from (handwriting varies
    # more than one typeface does); six cost about 0.3 s of tracing per class.
    fonts_per_class: int = 6
    # Derived real drawings (training.data.derive) per class at most, from the relation table below; 0: none.
    # As many as the synthetic rows (80): derived drawings carry a real hand, templates the symbol's exact shape,
    # and neither should outweigh the other for a class without real data.
    derived_per_class: int = 80
    # The relations between classes, computed from the previews (`python -m training.catalogue.relations`).
    relations: Path = Path("training/catalogue/relations.json")
    # Rebuild even when the content hash says nothing changed.
    force: bool = False
    progress: bool = True
    # Source name -> file under data_root.
    source_files: dict[str, str] = field(
        default_factory=lambda: {
            "crohme": "crohme2014-isolated/samples.jsonl.gz",
            "detypify": "detypify-contrib/samples.jsonl.gz",
            "hershey": "hershey/hfmath-glyphs.jsonl",
        }
    )

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else REPO_ROOT / path

    def source_path(self, name: str) -> Path:
        return self.resolve(self.data_root) / self.source_files[name]
