"""Relations between glyph groups, computed from their LaTeX previews: which symbol is another one turned,
mirrored, struck through, put in a circle or square, stretched, or stacked and lined up from others.

`python -m training.catalogue.relations` reads `models/symbols.json` and `models/previews/*.svg` and writes the
committed `training/catalogue/relations.json` (about a minute on 2 cores; rerun it whenever the catalogue
changes). The data build (`training.data.derive`) turns real drawings of one class into drawings of another with
it, so that classes without real handwriting learn from real hands.

Every picture is a group representative's preview rasterised as `training.data.synth.glyph_images` does,
cropped to its ink and compared as the renderer sees a drawing: centred and scaled to its box (`picture`).
Similarity is the cosine of mean-free, lightly blurred 24x24 pictures, so a serif or a stroke weight costs little
and a different shape costs much. The kinds (each row: kind, source(s), target, transform, score):

- `rotate` / `reflect`: target = source turned by a multiple of 45 degrees or mirrored about a horizontal,
  vertical or diagonal axis. The transform is the 2x2 matrix (y down, as drawings are stored) plus the aspect
  change that makes the source's box the target's (a turned `8` is as wide as `\\infty`).
- `self`: a group equal to itself under such a transform (augmentation for its own drawings).
- `stretch`: target = source with one axis longer (long arrows from short ones): alike only once each picture
  is stretched to fill a square, and their box aspects differ by at least `STRETCH_MIN`.
- `negate`: target = source with a slash (`/`) or vertical bar (`|`) through it: the target's longest straight
  run at a slash or vertical angle, removed, leaves the source.
- `enclose`: target = source inside a circle or square: the ring or frame along the target's box, removed,
  leaves the source.
- `stack` / `row`: target = parts one over another (`\\leqq` = `<` over `=`) or side by side (`\\ldots` =
  three `.`): the target cut at empty rows (columns), each part alike some group.

A composed row (`negate`, `enclose`, `stack`, `row`) lists its `parts`: each with the classes that fit it
(best first: any of them can supply the drawing), and its box in the target's frame (the target's box scaled
so that its longer side is 1, origin at the top left), so a derivation draws each part where the preview has
it.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO_ROOT = Path(__file__).resolve().parents[2]
TABLE = Path(__file__).resolve().parent / "relations.json"
TABLE_VERSION = 1

Ink = npt.NDArray[np.bool_]
Matrix = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class RelationsConfig:
    """One field per decision."""

    catalogue: Path = Path("models/symbols.json")
    output: Path = TABLE
    # Raster side of a preview's longer side: detail enough for a slash beside a bar, cheap to compare.
    raster: int = 64
    # Side of the compared pictures: 32, the renderer's side (a drawing is seen at this size).
    side: int = 32
    # Blur (pixels of the 32x32 picture) before comparing: stroke weight and contrast are what a hand leaves out.
    blur: float = 0.7
    # How far the shorter side of a thin picture is stretched before comparing (see `picture`): at 3, `\\leftarrow`
    # mirrored and `\\mapsto` fall from 0.93 to 0.82 (DejaVu Sans) while `+` turned by 45 and `\\times` stay at 0.99.
    stretch_cap: float = 3.0
    # Cosine similarity above which two pictures of one kind (both DejaVu Sans, both Noto Sans Math, or both
    # LaTeX previews) are the same shape. Checked by eye on 26 true and 18 wrong pairs (the test lists them):
    # true ones in a sans font score 0.95-1.0 (`A` turned / `\\forall` 0.996, `\\Rightarrow` turned / `\\Uparrow`
    # 0.954), wrong ones at most 0.89 on previews and 0.82 in fonts, except `\\Omega` turned / `\\textupsilon` (0.95,
    # the IPA letter is drawn as a turned Omega).
    threshold: float = 0.95
    # A composed part (a stacked piece, what is left inside a circle) has gaps where the slash or ring was cut
    # out; parts are matched a little more leniently since every part of the whole must fit.
    part_threshold: float = 0.9
    # What is left once a slash or bar is cut out has gaps; every class whose picture it resembles this much is a
    # candidate, and the whole (the candidate with the line drawn through it) must pass `threshold`.
    candidate_floor: float = 0.7
    # Alternatives kept per part: classes within this much of the part's best match (a dot is `.`, `\\cdot`
    # and `\\bullet` alike), so a derivation can take whichever has real drawings.
    part_margin: float = 0.03
    part_alternatives: int = 4
    # The smallest aspect change that counts as a stretch (long vs short arrows differ by 1.6 or more).
    stretch_min: float = 1.35
    # A slash or bar must be at least this long, as a fraction of the target's height (a negation slash crosses
    # the whole symbol; shorter straight pieces are the symbol's own).
    negation_min_length: float = 0.7
    # A ring or frame counts as enclosing when at least this fraction of it is ink.
    enclosure_coverage: float = 0.92
    # What remains after removing a slash, bar, ring or frame must be at least this share of the ink (else the
    # target was the slash, the circle or the square itself).
    remainder_min_share: float = 0.08
    progress: bool = True


# ---------------------------------------------------------------------------------------------------- transforms


@dataclass(frozen=True)
class Transform:
    name: str  # "rotate 90", "reflect |", ...
    kind: str  # "rotate" or "reflect"
    matrix: Matrix  # applied to (x, y) column vectors, y down


def _rotation(degrees: int) -> Matrix:
    # Counter-clockwise on screen; with y pointing down that is the matrix of a clockwise turn in y-up maths.
    radians = math.radians(degrees)
    c, s = round(math.cos(radians), 12), round(math.sin(radians), 12)
    return ((c, s), (-s, c))


def _matmul(a: Matrix, b: Matrix) -> Matrix:
    return tuple(tuple(sum(a[i][k] * b[k][j] for k in range(2)) for j in range(2)) for i in range(2))  # type: ignore[return-value]


MIRROR_LEFT_RIGHT: Matrix = ((-1.0, 0.0), (0.0, 1.0))
TRANSFORMS: tuple[Transform, ...] = tuple(
    [Transform(f"rotate {d}", "rotate", _rotation(d)) for d in range(45, 360, 45)]
    + [
        # Mirror axes: | (left-right), / , - (upside down), \\ ; each is a left-right mirror then a turn.
        Transform("reflect |", "reflect", MIRROR_LEFT_RIGHT),
        Transform("reflect /", "reflect", _matmul(_rotation(90), MIRROR_LEFT_RIGHT)),
        Transform("reflect -", "reflect", _matmul(_rotation(180), MIRROR_LEFT_RIGHT)),
        Transform("reflect \\", "reflect", _matmul(_rotation(270), MIRROR_LEFT_RIGHT)),
    ]
)
TRANSFORM_BY_NAME = {t.name: t for t in TRANSFORMS}


def transform_ink(ink: Ink, matrix: Matrix) -> Ink:
    """The ink image under `matrix` (about its centre), cropped to its ink: the same map the derivation applies to
    a drawing's points, so a relation found on pictures holds for drawings."""
    from scipy import ndimage

    h, w = ink.shape
    m = np.array(matrix, dtype=np.float64)
    corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64) - [w / 2, h / 2]
    moved = corners @ m.T
    out_w, out_h = (np.ceil(moved.max(axis=0) - moved.min(axis=0)) + 2).astype(int)
    # affine_transform maps output (row, col) to input (row, col): invert the (x, y) map and swap the axes.
    inverse = np.linalg.inv(m)
    swap = np.array([[0, 1], [1, 0]])
    inverse_rc = swap @ inverse @ swap
    out_centre = np.array([out_h / 2, out_w / 2])
    in_centre = np.array([h / 2, w / 2])
    offset = in_centre - inverse_rc @ out_centre
    moved_ink = ndimage.affine_transform(
        ink.astype(np.float32), inverse_rc, offset=offset, output_shape=(out_h, out_w), order=1
    )
    return crop(moved_ink > 0.5)


# ------------------------------------------------------------------------------------------------------ pictures


def crop(ink: Ink) -> Ink:
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return np.zeros((0, 0), dtype=bool)
    return ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]


def picture(
    ink: Ink, side: int, blur: float, stretch_cap: float = 1.0, fill: bool = False
) -> npt.NDArray[np.float32] | None:
    """Unit, mean-free vector of the ink centred and scaled to its box (as `backend.render` scales a drawing).
    The shorter side is first stretched by up to `stretch_cap` (never past square): a long arrow and a line
    differ in their heads, which a box-scaled thin picture all but loses. With `fill`, each axis fills the
    square (aspect ignored)."""
    from PIL import Image
    from scipy import ndimage

    ink = crop(ink)
    if ink.size == 0:
        return None
    h, w = ink.shape
    image = Image.fromarray((ink * 255).astype(np.uint8))
    if fill:
        h = w = max(h, w)
    elif h < w:
        h = min(w, round(h * stretch_cap))
    else:
        w = min(h, round(w * stretch_cap))
    canvas_image = np.asarray(image.resize((w, h), Image.BILINEAR), np.float32) / 255
    longer = max(h, w)
    canvas = np.zeros((longer, longer), dtype=np.float32)
    top, left = (longer - h) // 2, (longer - w) // 2
    canvas[top : top + h, left : left + w] = canvas_image
    inner = side - 4  # a 2-pixel margin so the blur does not fall off the picture
    small = np.asarray(
        Image.fromarray((canvas * 255).astype(np.uint8)).resize((inner, inner), Image.BILINEAR), np.float32
    )
    small = np.pad(small, 2)
    if blur > 0:
        small = ndimage.gaussian_filter(small, blur)
    vector = small.ravel() - small.mean()
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else None


def aspect(ink: Ink) -> float:
    """Width over height of the ink's box."""
    ink = crop(ink)
    return ink.shape[1] / ink.shape[0] if ink.size else 1.0


# Sans-serif fonts a class is also drawn in (a hand draws no serifs and no italic slant: in Computer Modern's
# math italic a mirrored `b` is no `d`); the LaTeX preview covers the classes that neither font has.
FONTS = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("NotoSansMath", "/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf"),
)


@dataclass(frozen=True)
class Glyph:
    class_id: str
    command: str
    inks: dict[str, Ink]  # picture kind ("preview" or a FONTS name) -> cropped ink


def load_glyphs(config: RelationsConfig, only: Sequence[str] | None = None) -> list[Glyph]:
    """Every glyph group's pictures (or those of the groups `only` names): its representative's LaTeX preview and
    its character in each font of FONTS that has it (groups with neither are left out)."""
    from tqdm import tqdm

    from training.data.labels import Catalogue
    from training.data.synth.glyph_images import character_ink, svg_ink

    catalogue_path = _resolve(config.catalogue)
    catalogue = Catalogue.load(catalogue_path)
    fonts = [(name, path) for name, path in FONTS if Path(path).is_file()]
    glyphs = []
    class_ids = catalogue.glyph_classes() if only is None else [c for c in catalogue.glyph_classes() if c in only]
    for class_id in tqdm(class_ids, desc="previews", unit="group", disable=not config.progress):
        members = sorted(catalogue.members(class_id), key=lambda m: m.id != class_id)
        inks: dict[str, Ink] = {}
        path = next((catalogue_path.parent / m.preview for m in members if m.preview), None)
        if path is not None and path.is_file():
            inks["preview"] = crop(svg_ink(path, config.raster))
        character = next((m.unicode for m in members if m.unicode), None)
        for name, font in fonts:
            drawn = character_ink(character, font, config.raster) if character else None
            if drawn is not None:
                inks[name] = crop(drawn)
        inks = {kind: ink for kind, ink in inks.items() if ink.size}
        if inks:
            glyphs.append(Glyph(class_id, catalogue.entries[class_id].command, inks))
    return glyphs


# ------------------------------------------------------------------------------------------------- the relations


@dataclass
class Relation:
    kind: str
    target: str
    sources: list[str]  # the classes it is made of (for composed kinds: each part's best class)
    transform: str  # a transform name, "stretch x 1.8", "slash", "bar", "circle", "square", "stack", "row"
    score: float  # the similarity behind it (for composed kinds: the weakest part's)
    matrix: list[list[float]] | None = None  # rotate / reflect / self / stretch: map of the source's points
    target_aspect: float | None = None  # width / height of the target's box (a derivation sets it)
    parts: list[dict[str, Any]] | None = None  # composed kinds: [{"classes": [...], "box": [x0, y0, x1, y1]}]

    def as_dict(self) -> dict[str, Any]:
        row = asdict(self)
        row["score"] = round(self.score, 4)
        if self.target_aspect is not None:
            row["target_aspect"] = round(self.target_aspect, 3)
        return {key: value for key, value in row.items() if value is not None}


class Matcher:
    """Every glyph's pictures of each kind, to find which glyphs a piece of ink (of that kind) looks like."""

    def __init__(self, glyphs: Sequence[Glyph], config: RelationsConfig) -> None:
        self.config = config
        self.glyphs = list(glyphs)
        self.kinds = sorted({kind for g in glyphs for kind in g.inks})
        self.index = {g.class_id: i for i, g in enumerate(self.glyphs)}
        # Per kind: the glyph indices that have such a picture, and the pictures (rows).
        self.members: dict[str, npt.NDArray[np.int64]] = {}
        self.pictures: dict[str, npt.NDArray[np.float32]] = {}
        for kind in self.kinds:
            rows, vectors = [], []
            for i, glyph in enumerate(self.glyphs):
                vector = self.vector(glyph.inks[kind]) if kind in glyph.inks else None
                if vector is not None:
                    rows.append(i)
                    vectors.append(vector)
            self.members[kind] = np.array(rows, dtype=np.int64)
            self.pictures[kind] = np.stack(vectors)

    def vector(self, ink: Ink) -> npt.NDArray[np.float32] | None:
        return picture(ink, self.config.side, self.config.blur, self.config.stretch_cap)

    def matches(self, ink: Ink, kind: str, threshold: float) -> list[tuple[str, float]]:
        """Classes whose `kind` picture is alike `ink` (at least `threshold`, within the part margin of the best)."""
        vector = self.vector(ink)
        if vector is None:
            return []
        scores = self.pictures[kind] @ vector
        best = float(scores.max())
        if best < threshold:
            return []
        order = np.argsort(-scores)[: self.config.part_alternatives]
        floor = max(threshold, best - self.config.part_margin)
        return [(self.glyphs[self.members[kind][i]].class_id, float(scores[i])) for i in order if scores[i] >= floor]

    def pair_scores(self, transformed: dict[str, list[Ink | None]]) -> npt.NDArray[np.float32]:
        """[source, target] similarity of every glyph's transformed picture with every glyph's picture: the best
        over the picture kinds both have (-1 where they share none). `transformed[kind][k]` is the k-th member's
        transformed ink of that kind."""
        n = len(self.glyphs)
        best = np.full((n, n), -1.0, dtype=np.float32)
        for kind in self.kinds:
            rows = self.members[kind]
            vectors = [self.vector(ink) if ink is not None else None for ink in transformed[kind]]
            stacked = np.stack([v if v is not None else np.zeros_like(self.pictures[kind][0]) for v in vectors])
            scores = stacked @ self.pictures[kind].T
            block = best[np.ix_(rows, rows)]
            best[np.ix_(rows, rows)] = np.maximum(block, scores)
        return best


def transform_relations(matcher: Matcher, config: RelationsConfig) -> list[Relation]:
    """`rotate`, `reflect` and `self` rows: every glyph under every transform against every glyph."""
    glyphs = matcher.glyphs
    identity = {kind: [glyphs[i].inks[kind] for i in matcher.members[kind]] for kind in matcher.kinds}
    same = matcher.pair_scores(identity)  # already alike without a transform: no relation to derive
    relations = []
    for transform in TRANSFORMS:
        turned = {
            kind: [transform_ink(glyphs[i].inks[kind], transform.matrix) for i in matcher.members[kind]]
            for kind in matcher.kinds
        }
        scores = matcher.pair_scores(turned)
        sources, targets = np.nonzero(scores >= config.threshold)
        for s, t in zip(sources.tolist(), targets.tolist(), strict=True):
            kind = "self" if s == t else transform.kind
            if s != t and same[s, t] >= config.threshold:
                continue
            relations.append(
                Relation(
                    kind, glyphs[t].class_id, [glyphs[s].class_id], transform.name, float(scores[s, t]),
                    matrix=[list(row) for row in transform.matrix], target_aspect=_aspect(glyphs[t]),
                )
            )  # fmt: skip
    return relations


def _aspect(glyph: Glyph) -> float:
    """The box aspect a hand copies: the sans font's where there is one (the preview's italic leans wider)."""
    for kind in (*(name for name, _ in FONTS), "preview"):
        if kind in glyph.inks:
            return aspect(glyph.inks[kind])
    return 1.0


STRETCH_FACTORS = (1.4, 1.6, 1.8, 2.0, 2.3, 2.6, 3.0)


def stretched_middle(ink: Ink, factor: float, axis: int) -> Ink:
    """The ink with its middle drawn out along `axis` (1: x, 0: y) so that side becomes `factor` times as long:
    the middle column (row) repeated, as a long arrow is a short one with a longer shaft (its head keeps its size)."""
    length = ink.shape[axis]
    extra = max(0, round(length * (factor - 1)))
    middle = length // 2
    column = np.take(ink, [middle], axis=axis)
    return np.concatenate(
        [np.take(ink, range(middle), axis=axis), np.repeat(column, extra + 1, axis=axis),
         np.take(ink, range(middle + 1, length), axis=axis)], axis=axis,
    )  # fmt: skip


def stretch_relations(matcher: Matcher, config: RelationsConfig) -> list[Relation]:
    """`stretch` rows: the source with its middle drawn out (`stretched_middle`) is the target: long arrows from
    short ones, `\\Relbar`-like bars. Only along a source's longer side, by STRETCH_FACTORS, against targets whose
    aspect is that factor's (within 12 %)."""
    glyphs = matcher.glyphs
    relations = []
    for kind in matcher.kinds:
        rows = matcher.members[kind]
        pictures = matcher.pictures[kind]
        plain_same = pictures @ pictures.T
        inks = [glyphs[i].inks[kind] for i in rows]
        aspects = np.array([aspect(ink) for ink in inks])
        best: dict[tuple[int, int], Relation] = {}
        for s, ink in enumerate(inks):
            long_axis = 1 if aspects[s] >= 1 else 0
            elongation = max(aspects[s], 1 / aspects[s])
            # A round or square shape has no shaft to draw out, and a line (`|`, `'`, `l`) is every longer line.
            if not 1.2 <= elongation <= 3.0 or ink.mean() > 0.5:
                continue
            for factor in STRETCH_FACTORS:
                wanted = aspects[s] * factor if long_axis == 1 else aspects[s] / factor
                near = np.flatnonzero(np.abs(np.log(aspects / wanted)) < 0.12)
                near = near[near != s]
                if not len(near):
                    continue
                vector = matcher.vector(stretched_middle(ink, factor, long_axis))
                if vector is None:
                    continue
                scores = pictures[near] @ vector
                for t, score in zip(near.tolist(), scores.tolist(), strict=True):
                    if score < config.threshold or plain_same[s, t] >= config.threshold:
                        continue
                    if max(aspects[t], 1 / aspects[t]) > 6.0:
                        continue
                    axis = "x" if long_axis == 1 else "y"
                    key = (int(rows[s]), int(rows[t]))
                    if key not in best or score > best[key].score:  # one factor per pair: the best
                        best[key] = Relation(
                            "stretch", glyphs[rows[t]].class_id, [glyphs[rows[s]].class_id],
                            f"stretch {axis} {factor:.1f}", float(score), target_aspect=float(aspects[t]),
                        )  # fmt: skip
        relations += best.values()
    return relations


# --------------------------------------------------------------------------------------------- composed kinds


def _pictures_in_order(matcher: Matcher) -> Iterator[tuple[Glyph, str, Ink]]:
    """Each glyph's pictures, sans fonts first: a composed relation is looked for in each, and every picture kind
    that shows one adds a row (duplicates are removed at the end, keeping the best score)."""
    order = [name for name, _ in FONTS] + ["preview"]
    for glyph in matcher.glyphs:
        for kind in order:
            if kind in glyph.inks and kind in matcher.pictures:
                yield glyph, kind, glyph.inks[kind]


def _box_in_frame(part: Ink, full_shape: tuple[int, int], offset: tuple[int, int]) -> list[float]:
    """The part's ink box in the target's frame (longer side 1, origin top left): [x0, y0, x1, y1]."""
    rows, columns = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
    longer = float(max(full_shape))
    top, left = offset
    return [
        round((left + columns[0]) / longer, 4),
        round((top + rows[0]) / longer, 4),
        round((left + columns[-1] + 1) / longer, 4),
        round((top + rows[-1] + 1) / longer, 4),
    ]


def _half_width(ink: Ink) -> float:
    from scipy import ndimage
    from skimage.morphology import skeletonize

    skeleton = skeletonize(ink)
    if not skeleton.any():
        return 1.0
    return float(np.median(ndimage.distance_transform_edt(ink)[skeleton]))


def straight_run(ink: Ink, angles_degrees: Sequence[float]) -> tuple[float, npt.NDArray[np.float64]] | None:
    """The longest straight, continuous run of ink at one of `angles_degrees` (from the x axis, y up): its
    length in pixels and its two end points (x, y; y down). Lines are looked for where the ink, projected across
    the angle, piles up most (the few best offsets per angle)."""
    half = max(1.0, _half_width(ink))
    best: tuple[float, npt.NDArray[np.float64]] | None = None
    ys, xs = np.nonzero(ink)
    points = np.stack([xs, ys], axis=1).astype(np.float64) + 0.5
    for degrees in angles_degrees:
        radians = math.radians(degrees)
        direction = np.array([math.cos(radians), -math.sin(radians)])  # y down
        normal = np.array([-direction[1], direction[0]])
        offsets = points @ normal
        along = points @ direction
        low = math.floor(offsets.min())
        histogram = np.bincount((offsets - low).astype(np.int64))
        for peak in np.argsort(-histogram)[:4]:
            offset = low + peak + 0.5
            on_line = np.abs(offsets - offset) <= half + 0.5
            if on_line.sum() < 4:
                continue
            positions = np.sort(along[on_line])
            # The longest stretch without a gap wider than the stroke.
            gaps = np.flatnonzero(np.diff(positions) > 2 * half + 1.5)
            starts = np.concatenate([[0], gaps + 1])
            ends = np.concatenate([gaps, [len(positions) - 1]])
            lengths = positions[ends] - positions[starts]
            k = int(np.argmax(lengths))
            length = float(lengths[k])
            if best is None or length > best[0]:
                a = positions[starts[k]] * direction + offset * normal
                b = positions[ends[k]] * direction + offset * normal
                best = (length, np.stack([a, b]))
    return best


def _without_band(ink: Ink, segment: npt.NDArray[np.float64], width: float) -> Ink:
    """`ink` without the pixels within `width` of the segment, and the strokes it crossed bridged again: a band
    pixel with ink on both sides of the band (across it) is the crossed stroke, not the line."""
    ys, xs = np.mgrid[0 : ink.shape[0], 0 : ink.shape[1]]
    points = np.stack([xs.ravel() + 0.5, ys.ravel() + 0.5], axis=1)
    a, b = segment
    ab = b - a
    t = np.clip((points - a) @ ab / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    distance = np.linalg.norm(points - (a + t[:, None] * ab), axis=1).reshape(ink.shape)
    band = distance <= width
    rest = ink & ~band
    normal = np.array([-ab[1], ab[0]]) / max(float(np.linalg.norm(ab)), 1e-9)
    reach = width + 1.5
    bridged = np.ones_like(band)
    for sign in (1.0, -1.0):
        across = np.rint(points + sign * reach * normal - 0.5).astype(np.int64)
        inside = (
            (across[:, 0] >= 0) & (across[:, 0] < ink.shape[1]) & (across[:, 1] >= 0) & (across[:, 1] < ink.shape[0])
        )
        hit = np.zeros(len(points), dtype=bool)
        hit[inside] = rest[across[inside, 1], across[inside, 0]]
        bridged &= hit.reshape(ink.shape)
    return rest | (band & ink & bridged)


SLASH_ANGLES = tuple(range(50, 86, 2))  # degrees from the x axis: a negation slash leans right, steeper than 45
BAR_ANGLES = (88.0, 90.0, 92.0)


def negation_relations(matcher: Matcher, config: RelationsConfig) -> list[Relation]:
    relations = []
    for glyph, kind, ink in _pictures_in_order(matcher):
        h = ink.shape[0]
        half = _half_width(ink)
        for name, angles in (("slash", SLASH_ANGLES), ("bar", BAR_ANGLES)):
            run = straight_run(ink, angles)
            if run is None or run[0] < config.negation_min_length * h:
                continue
            rest = crop_keep(_without_band(ink, run[1], half + 1.5))
            if rest is None or rest[0].sum() < config.remainder_min_share * ink.sum():
                continue
            part, offset = rest
            # Through the symbol: the line reaches beyond what remains (above or below), else it is an edge of
            # the shape itself (the diagonal of a `Z`, the stem of a `b`).
            top, bottom = offset[0], offset[0] + part.shape[0]
            line_top, line_bottom = run[1][:, 1].min(), run[1][:, 1].max()
            if not (line_top < top - 0.03 * h or line_bottom > bottom + 0.03 * h):
                continue
            # ... and across its middle, not along an edge (the stem of a `\\vdash`, the end of a `\\neg`): where
            # the line passes the remainder's middle height, it is within its middle 60 %.
            (x0, y0), (x1, y1) = run[1]
            middle_y = top + part.shape[0] / 2
            crossing_x = x0 + (x1 - x0) * (middle_y - y0) / (y1 - y0) if y1 != y0 else (x0 + x1) / 2
            if abs(crossing_x - (offset[1] + part.shape[1] / 2)) > 0.3 * part.shape[1]:
                continue
            if max(part.shape) < 0.3 * max(ink.shape):  # a speck left over is no symbol struck through
                continue
            # Candidates: what the remainder looks like; the score: the target against the candidate's own picture
            # put in the remainder's box with the line drawn through it (B = A + line, checked whole).
            candidates = [
                (c, sc) for c, sc in matcher.matches(part, kind, config.candidate_floor) if c != glyph.class_id
            ]
            scored = []
            target_vector = matcher.vector(ink)
            for class_id, _ in candidates:
                source = matcher.glyphs[matcher.index[class_id]].inks.get(kind)
                if source is None or target_vector is None:
                    continue
                composed = _with_line(source, ink.shape, offset, part.shape, run[1], half)
                vector = matcher.vector(composed)
                if vector is not None:
                    scored.append((class_id, float(vector @ target_vector)))
            scored.sort(key=lambda item: -item[1])
            found = [(c, sc) for c, sc in scored if sc >= max(config.threshold, scored[0][1] - config.part_margin)]
            if not found:
                continue
            longer = float(max(ink.shape))
            line_box = [round(float(v) / longer, 4) for v in (*run[1][0], *run[1][1])]
            relations.append(
                Relation("negate", glyph.class_id, [found[0][0]], name, found[0][1], target_aspect=aspect(ink),
                         parts=[{"classes": [c for c, _ in found], "box": _box_in_frame(part, ink.shape, offset)},
                                {"line": name, "segment": line_box}])
            )  # fmt: skip
    return relations


def _with_line(
    source: Ink,
    shape: tuple[int, int],
    offset: tuple[int, int],
    box: tuple[int, int],
    segment: npt.NDArray[np.float64],
    half: float,
) -> Ink:
    """`source` scaled into the box (`offset`, `box` size) of a `shape` canvas, with the segment drawn through it."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (shape[1], shape[0]), 0)
    scaled = Image.fromarray((crop(source) * 255).astype(np.uint8)).resize((box[1], box[0]), Image.BILINEAR)
    canvas.paste(scaled, (offset[1], offset[0]))
    ImageDraw.Draw(canvas).line([tuple(segment[0]), tuple(segment[1])], fill=255, width=max(1, round(2 * half)))
    return np.asarray(canvas) > 127


def crop_keep(ink: Ink) -> tuple[Ink, tuple[int, int]] | None:
    """The ink cropped to its box and the box's top-left (row, column) in the original; None when empty."""
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0:
        return None
    return ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1], (int(rows[0]), int(columns[0]))


def _ring_distance(shape: tuple[int, int], kind: str, inset: float) -> npt.NDArray[np.float64]:
    """Distance of every pixel centre from the circle (ellipse) or square (rectangle) along the box, `inset` in."""
    h, w = shape
    ys, xs = np.mgrid[0:h, 0:w] + 0.5
    cx, cy = w / 2, h / 2
    rx, ry = max(w / 2 - inset, 1.0), max(h / 2 - inset, 1.0)
    if kind == "circle":
        angle = np.arctan2((ys - cy) / ry, (xs - cx) / rx)
        return np.hypot(xs - (cx + rx * np.cos(angle)), ys - (cy + ry * np.sin(angle)))
    dx, dy = np.abs(xs - cx) - rx, np.abs(ys - cy) - ry
    outside = np.hypot(np.maximum(dx, 0), np.maximum(dy, 0))
    inside = np.minimum(np.maximum(dx, dy), 0)
    return np.abs(outside + inside)


def enclosure_relations(matcher: Matcher, config: RelationsConfig) -> list[Relation]:
    relations = []
    for glyph, kind, ink in _pictures_in_order(matcher):
        if not 0.75 <= aspect(ink) <= 1.33:
            continue
        half = _half_width(ink)
        for name in ("circle", "square"):
            distance = _ring_distance(ink.shape, name, half)
            ring = distance <= 0.75
            covered = (ring & _dilated(ink, 1)).sum() / max(ring.sum(), 1)
            if covered < config.enclosure_coverage:
                continue
            rest = crop_keep(ink & (distance > 2 * half + 1.5))
            if rest is None or rest[0].sum() < config.remainder_min_share * ink.sum():
                continue
            part, offset = rest
            found = [(c, s) for c, s in matcher.matches(part, kind, config.part_threshold) if c != glyph.class_id]
            if not found:
                continue
            relations.append(
                Relation("enclose", glyph.class_id, [found[0][0]], name, found[0][1], target_aspect=aspect(ink),
                         parts=[{"classes": [c for c, _ in found], "box": _box_in_frame(part, ink.shape, offset)},
                                {"frame": name, "box": [0.0, 0.0, round(ink.shape[1] / max(ink.shape), 4),
                                                        round(ink.shape[0] / max(ink.shape), 4)]}])
            )  # fmt: skip
            break
    return relations


def _dilated(ink: Ink, pixels: int) -> Ink:
    from scipy import ndimage

    return ndimage.binary_dilation(ink, iterations=pixels) if pixels > 0 else ink


def _bands(ink: Ink, axis: int) -> list[tuple[int, int]]:
    """Runs of non-empty rows (axis 0) or columns (axis 1): the pieces a cut at empty lines gives."""
    filled = ink.any(axis=1 - axis)
    bands, start = [], None
    for i, value in enumerate(filled.tolist() + [False]):
        if value and start is None:
            start = i
        elif not value and start is not None:
            bands.append((start, i))
            start = None
    return bands


def _groupings(count: int, most: int) -> Iterator[list[tuple[int, int]]]:
    """Ways to cut `count` consecutive bands into 2..`most` consecutive groups, as (first, last + 1) band ranges."""
    for parts in range(2, min(most, count) + 1):
        for cuts in itertools.combinations(range(1, count), parts - 1):
            edges = (0, *cuts, count)
            yield [(edges[i], edges[i + 1]) for i in range(parts)]


def composition_relations(matcher: Matcher, config: RelationsConfig) -> list[Relation]:
    """`stack` and `row` rows: the target cut at empty rows (columns) into 2-3 parts that each match a glyph."""
    relations = []
    for glyph, picture_kind, ink in _pictures_in_order(matcher):
        for kind, axis in (("stack", 0), ("row", 1)):
            bands = _bands(ink, axis)
            if not 2 <= len(bands) <= 6:
                continue
            best: tuple[float, list[dict[str, Any]]] | None = None
            for grouping in _groupings(len(bands), 3):
                parts, weakest = [], 1.0
                for first, last in grouping:
                    lo, hi = bands[first][0], bands[last - 1][1]
                    piece = ink[lo:hi] if axis == 0 else ink[:, lo:hi]
                    kept = crop_keep(piece)
                    if kept is None:
                        break
                    part, (top, left) = kept
                    offset = (lo + top, left) if axis == 0 else (top, lo + left)
                    found = matcher.matches(part, picture_kind, config.part_threshold)
                    found = [(c, s) for c, s in found if c != glyph.class_id]
                    if not found:
                        break
                    weakest = min(weakest, found[0][1])
                    parts.append({"classes": [c for c, _ in found], "box": _box_in_frame(part, ink.shape, offset)})
                else:
                    if best is None or weakest > best[0]:
                        best = (weakest, parts)
            if best is not None:
                sources = list(dict.fromkeys(p["classes"][0] for p in best[1]))
                relations.append(
                    Relation(kind, glyph.class_id, sources, kind, best[0], target_aspect=aspect(ink), parts=best[1])
                )
    return relations


# ------------------------------------------------------------------------------------------------------ the table


def relations_of(matcher: Matcher, config: RelationsConfig) -> list[Relation]:
    """Every relation between the matcher's glyphs, one row per (kind, target, sources, transform)."""
    from tqdm import tqdm

    steps = (transform_relations, stretch_relations, negation_relations, enclosure_relations, composition_relations)
    relations: list[Relation] = []
    for step in tqdm(steps, desc="relation kinds", disable=not config.progress):
        relations += step(matcher, config)
    return _best_of_duplicates(relations)


SKIPPED = ("output", "progress")  # settings that do not change the table


def compute(config: RelationsConfig) -> dict[str, Any]:
    started = time.monotonic()
    matcher = Matcher(load_glyphs(config), config)
    relations = relations_of(matcher, config)
    relations.sort(key=lambda r: (r.kind, r.target, r.sources, r.transform))
    counts: dict[str, int] = {}
    targets: dict[str, set[str]] = {}
    for relation in relations:
        counts[relation.kind] = counts.get(relation.kind, 0) + 1
        targets.setdefault(relation.kind, set()).add(relation.target)
    return {
        "version": TABLE_VERSION,
        "about": "computed by `python -m training.catalogue.relations` from models/previews; see its docstring",
        "catalogue_groups": len(matcher.glyphs),
        "picture_kinds": {kind: len(rows) for kind, rows in matcher.members.items()},
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items() if k not in SKIPPED},
        "counts": dict(sorted(counts.items())),
        "targets": {kind: len(found) for kind, found in sorted(targets.items())},
        "seconds": round(time.monotonic() - started, 1),
        "relations": [r.as_dict() for r in relations],
    }  # fmt: skip


def _best_of_duplicates(relations: list[Relation]) -> list[Relation]:
    """One row per (kind, target, sources, transform): the best-scored picture kind's."""
    best: dict[tuple[str, str, tuple[str, ...], str], Relation] = {}
    for relation in relations:
        key = (relation.kind, relation.target, tuple(relation.sources), relation.transform)
        if key not in best or relation.score > best[key].score:
            best[key] = relation
    return list(best.values())


def write(table: dict[str, Any], path: Path) -> None:
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in table["relations"])
    head = {key: value for key, value in table.items() if key != "relations"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2] + ',\n "relations": [\n' + lines + "\n ]\n}\n"
    path.write_text(text, encoding="utf-8")


@functools.cache
def load(path: Path = TABLE) -> tuple[dict[str, Any], ...]:
    """The committed table's rows."""
    return tuple(json.loads(path.read_text(encoding="utf-8"))["relations"])


def _resolve(path: Path) -> Path:
    return path if path.is_absolute() else REPO_ROOT / path


def main(argv: list[str] | None = None) -> None:
    defaults = RelationsConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalogue", type=Path, default=defaults.catalogue)
    parser.add_argument("--output", type=Path, default=defaults.output)
    parser.add_argument("--threshold", type=float, default=defaults.threshold)
    parser.add_argument("--no-progress", action="store_true")
    arguments = parser.parse_args(argv)
    config = RelationsConfig(
        catalogue=arguments.catalogue, output=arguments.output, threshold=arguments.threshold,
        progress=not arguments.no_progress,
    )  # fmt: skip
    table = compute(config)
    write(table, _resolve(config.output))
    print(json.dumps({"counts": table["counts"], "targets": table["targets"], "seconds": table["seconds"]}))


if __name__ == "__main__":
    main()
