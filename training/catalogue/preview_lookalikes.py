"""New symbols that print the same shape as another glyph group join it, decided from the LaTeX previews.

A package symbol (`source` "package") forms a group of its own when no character ties it to an older group.
Hundreds of them (MnSymbol's, fdsymbol's, stix's versions of one shape) print what another group already prints,
and a drawing cannot tell them apart. The rule of the look-alike test (tests/training/catalogue/
test_catalogue_lookalike_previews.py), applied while building: each preview centred and scaled to its box as the
renderer scales a drawing, 24x24, cosine similarity above `SAME_SHAPE`, joins the group it is most alike, provided
both sit at the same height on the line (the documented position rule: `.` and `\\cdot` stay two answers). Only
groups made entirely of package symbols move; older groups (and so the shipped model's classes) keep their members.

The result is written to `preview_lookalikes.json` (generated, committed) so that `--regroup` and a build without
TeX apply the same joins; the catalogue README lists them.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.catalogue.preview_frame import INK_MARGIN, LATEX_BASELINE

PREVIEW_LOOKALIKES_PATH = Path(__file__).resolve().parent / "preview_lookalikes.json"
SAME_SHAPE = 0.97  # the look-alike test's threshold
# Same height on the line: the ink centres differ by at most this part of the taller ink.
SAME_POSITION = 0.25
PICTURE = 24
INK_PIXELS = 96  # the ink's longer side when rasterised, as the look-alike test rasterises it
_DATA_INK = re.compile(r"""data-ink=["']([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)["']""")


# Pictures by preview path, for the rounds of one build (`settle` measures the groups again after each round).
_PICTURES: dict[Path, np.ndarray | None] = {}


@dataclass(frozen=True)
class Join:
    id: str  # the package symbol's group representative that moves
    joins: str  # an id of the group it joins
    similarity: float


def box_scaled(svg_path: Path) -> np.ndarray | None:
    """The preview's ink, cropped, centred in a square, 24x24, mean-free and unit length (None: no ink)."""
    import resvg_py
    from PIL import Image

    # The resvg binding refuses sizes in pt (dvisvgm's unit): the root's width and height in pixels.
    markup = re.sub(
        r"""\b(width|height)=(["'])([\d.]+)pt\2""",
        lambda m: f'{m.group(1)}="{float(m.group(3)) * 4 / 3:.4f}"',
        svg_path.read_text(encoding="utf-8"),
        count=2,
    )

    def rasterise(zoom: float) -> np.ndarray:
        png = resvg_py.svg_to_bytes(svg_string=markup, zoom=zoom)
        rgba = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGBA"))
        return ((rgba[:, :, 3] > 127) & (rgba[:, :, :3].mean(axis=2) < 128)).astype(np.float32)

    ink = rasterise(4.0)
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return None
    longer = max(rows[-1] - rows[0], columns[-1] - columns[0]) + 1
    return ink_vector(rasterise(4.0 * INK_PIXELS / longer))


def ink_vector(ink: np.ndarray, size: int = PICTURE) -> np.ndarray | None:
    """An ink picture cropped to its box, centred on a square, scaled to size x size and made a zero-mean unit
    vector (the look-alike measure: a dot product of two is their cosine similarity); None for a blank picture."""
    from PIL import Image

    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return None
    ink = ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
    side = max(ink.shape)
    canvas = np.zeros((side, side), dtype=np.float32)
    top, left = (side - ink.shape[0]) // 2, (side - ink.shape[1]) // 2
    canvas[top : top + ink.shape[0], left : left + ink.shape[1]] = ink
    small = np.asarray(
        Image.fromarray((canvas * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR), np.float32
    )
    vector = small.ravel() - small.mean()
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else None


def vertical_extent(svg_path: Path) -> tuple[float, float] | None:
    """(centre above the baseline, height) of a LaTeX preview's ink in pt, from its frame's `data-ink`."""
    found = _DATA_INK.search(svg_path.read_text(encoding="utf-8")[:600])
    if not found:
        return None
    _, y, _, height = (float(v) for v in found.groups())
    ink_height = max(height - 2 * INK_MARGIN, 0.01)
    return LATEX_BASELINE - (y + height / 2), ink_height


def same_position(first: tuple[float, float] | None, second: tuple[float, float] | None) -> bool:
    if first is None or second is None:
        return True
    return abs(first[0] - second[0]) <= SAME_POSITION * max(first[1], second[1])


def find_joins(entries: Sequence[dict], models_dir: Path) -> list[Join]:
    """Joins for the groups made only of package symbols (see the module rule)."""
    return find_lookalikes(entries, models_dir)[0]


def find_lookalikes(entries: Sequence[dict], models_dir: Path) -> tuple[list[Join], list[Join]]:
    """(joins, pairs kept apart): each group made only of package symbols joins the most alike group at its
    height on the line; an alike group at another height is kept apart (`.` and `\\cdot`), and listed."""
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        groups.setdefault(entry["glyph"], []).append(entry)
    by_id = {entry["id"]: entry for entry in entries}
    ids, pictures, positions, movable = [], [], [], []
    from tqdm import tqdm

    for glyph in tqdm(groups, desc="preview look-alikes"):
        entry = by_id[glyph]
        path = models_dir / entry["preview"]
        if path not in _PICTURES:
            _PICTURES[path] = box_scaled(path) if path.is_file() else None
        picture = _PICTURES[path]
        if picture is None:
            continue
        ids.append(glyph)
        pictures.append(picture)
        # Font previews are centred on the math axis, not set on a baseline: their height says nothing.
        positions.append(vertical_extent(path) if entry.get("preview_kind") == "latex" else None)
        movable.append(all(member["source"] == "package" for member in groups[glyph]))
    if not ids:
        return [], []
    matrix = np.stack(pictures)
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, -1.0)
    joins: list[Join] = []
    apart: list[Join] = []
    for index in np.flatnonzero(movable):
        elsewhere: list[Join] = []
        for other in np.argsort(-similarity[index]):
            if similarity[index, other] <= SAME_SHAPE:
                break
            # A movable group joins a fixed one, or the movable one listed first (so two new twins become one).
            if movable[other] and other > index:
                continue
            pair = Join(ids[index], ids[other], round(float(similarity[index, other]), 4))
            if same_position(positions[index], positions[other]):
                joins.append(pair)
                break
            elsewhere.append(pair)
        # Kept even when the group joined another: the merged group may be represented by this one's member.
        apart += elsewhere
    return joins, apart


def settle(
    entries: list[dict], models_dir: Path, regroup: Callable[[Sequence[Join]], object], rounds: int = 5
) -> tuple[list[Join], list[Join]]:
    """Joins and kept-apart pairs that hold for the final groups: `find_lookalikes`, then `regroup(joins)` (which
    sets every entry's `glyph`), repeated while a round finds new joins (a merged group may be represented by
    another member, whose look-alikes are then measured)."""
    joins: list[Join] = []
    apart: list[Join] = []
    for _ in range(rounds):
        regroup(joins)
        found, found_apart = find_lookalikes(entries, models_dir)
        apart += [pair for pair in found_apart if pair not in apart]
        new = [join for join in found if join not in joins]
        if not new:
            break
        joins += new
    return joins, apart


def write_joins(joins: Sequence[Join], path: Path = PREVIEW_LOOKALIKES_PATH, apart: Sequence[Join] = ()) -> None:
    about = (
        "Generated by make catalogue (training/catalogue/preview_lookalikes.py): package symbols whose LaTeX preview, "
        "box-scaled, prints the same shape at the same height as another glyph group's; each joins that group."
    )
    about += " 'apart': alike shapes at another height on the line, kept two answers (the position rule)."

    def rows(items: Sequence[Join], key: str) -> str:
        return ",\n".join(
            "  " + json.dumps({"id": item.id, key: item.joins, "similarity": item.similarity}) for item in items
        )

    path.write_text(
        f'{{"about": {json.dumps(about)}, "joins": [\n{rows(joins, "joins")}\n], '
        f'"apart": [\n{rows(apart, "from")}\n]}}\n',
        encoding="utf-8",
    )


def load_joins(path: Path = PREVIEW_LOOKALIKES_PATH) -> list[Join]:
    if not path.is_file():
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [Join(row["id"], row["joins"], row["similarity"]) for row in raw["joins"]]
