"""Which derived rows a build makes: donors recorded completely, per-class caps, chained parts, self rows."""

from __future__ import annotations

import numpy as np

from training.data.derive import packed
from training.data.derive.plan import DONOR_SLOTS, DeriveConfig, Plan, derive

CLASSES = ["a", "b", "c", "d", "slash", "ring", "t_rot", "t_neg", "t_stack", "t_ring", "t_chain", "none"]
INDEX = {c: i for i, c in enumerate(CLASSES)}
QUARTER = [[0.0, 1.0], [-1.0, 0.0]]


def drawings(strokes: int, count: int, seed: int) -> list[list[np.ndarray]]:
    """`count` drawings of `strokes` strokes each: the stroke count tells a drawing's class after composition."""
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=(6, 2)).cumsum(axis=0) + 10 * k for k in range(strokes)] for _ in range(count)]


def relations() -> list[dict]:
    box = [0.0, 0.0, 1.0, 0.5]
    low_box = [0.0, 0.5, 1.0, 1.0]
    return [
        {"kind": "rotate", "target": "t_rot", "sources": ["a"], "transform": "rotate 90", "score": 0.99,
         "matrix": QUARTER, "target_aspect": 1.0},
        {"kind": "rotate", "target": "d", "sources": ["c"], "transform": "rotate 90", "score": 0.99,
         "matrix": QUARTER, "target_aspect": 1.0},
        {"kind": "negate", "target": "t_neg", "sources": ["b"], "transform": "slash", "score": 0.97,
         "parts": [{"classes": ["b"], "box": [0.1, 0.1, 0.9, 0.9]},
                   {"line": "slash", "segment": [0.3, 1.0, 0.7, 0.0]}]},
        {"kind": "stack", "target": "t_stack", "sources": ["a", "b"], "transform": "stack", "score": 0.96,
         "parts": [{"classes": ["a"], "box": box}, {"classes": ["b"], "box": low_box}]},
        {"kind": "enclose", "target": "t_ring", "sources": ["a"], "transform": "circle", "score": 0.96,
         "parts": [{"classes": ["a"], "box": [0.3, 0.3, 0.7, 0.7]}, {"frame": "circle", "box": [0.0, 0.0, 1.0, 1.0]}]},
        # A part with no real drawings of its own: `d` is drawn as a turned `c`, so `c` is its donor.
        {"kind": "row", "target": "t_chain", "sources": ["d", "a"], "transform": "row", "score": 0.95,
         "parts": [{"classes": ["d"], "box": [0.0, 0.0, 0.5, 1.0]}, {"classes": ["a"], "box": [0.5, 0.0, 1.0, 1.0]}]},
        {"kind": "self", "target": "a", "sources": ["a"], "transform": "rotate 180", "score": 0.99,
         "matrix": [[-1.0, 0.0], [0.0, -1.0]], "target_aspect": 1.0},
        {"kind": "self", "target": "c", "sources": ["c"], "transform": "rotate 180", "score": 0.99,
         "matrix": [[-1.0, 0.0], [0.0, -1.0]], "target_aspect": 1.0},
        {"kind": "rotate", "target": "none", "sources": ["t_rot"], "transform": "rotate 90", "score": 0.99,
         "matrix": QUARTER, "target_aspect": 1.0},
        {"kind": "rotate", "target": "b", "sources": ["unknown-class"], "transform": "rotate 90", "score": 0.99,
         "matrix": QUARTER, "target_aspect": 1.0},
    ]  # fmt: skip


STROKES = {"a": 1, "b": 2, "c": 3, "slash": 4, "ring": 5}


def make_plan(per_class: int = 12, self_below: int = 10, targets_below: int = 20) -> tuple[Plan, np.ndarray]:
    donors = {INDEX[c]: drawings(n, 3 if c != "c" else 40, seed=n) for c, n in STROKES.items()}
    helpers = {"slash": [INDEX["slash"]], "bar": [], "circle": [INDEX["ring"]], "square": []}
    counts = np.zeros(len(CLASSES), dtype=np.int64)
    for c, d in donors.items():
        counts[c] = len(d)
    config = DeriveConfig(per_class=per_class, self_below=self_below, targets_below=targets_below, seed=3)
    return Plan(relations(), INDEX, donors, helpers, config), counts


def test_every_derived_row_records_every_class_whose_drawings_it_used() -> None:
    plan, counts = make_plan()
    rows = derive(plan, CLASSES, counts)
    assert rows.donors.shape == (len(rows.labels), DONOR_SLOTS)
    for strokes, donors, label in zip(rows.strokes, rows.donors, rows.labels.tolist(), strict=True):
        used = [CLASSES[d] for d in donors if d >= 0]
        # Each class's drawings have their own stroke count: the row's strokes are exactly its donors' strokes.
        assert len(packed.unpack(strokes)) == sum(STROKES[c] for c in used), (CLASSES[label], used)
    chained = rows.donors[rows.labels == INDEX["t_chain"]]
    assert {CLASSES[d] for d in chained.ravel() if d >= 0} == {"a", "c"}


def test_derive_caps_rows_per_class_and_skips_what_it_cannot_draw() -> None:
    plan, counts = make_plan(per_class=12)
    rows = derive(plan, CLASSES, counts)
    per_class = np.bincount(rows.labels, minlength=len(CLASSES))
    for name in ("t_rot", "t_neg", "t_stack", "t_ring", "t_chain", "d"):
        assert per_class[INDEX[name]] == 12, name
    # `none` is a turned `t_rot`, which has no real drawings; `b`'s source is not a class of the build.
    assert per_class[INDEX["none"]] == 0 and per_class[INDEX["b"]] == 0
    # Self rows only where real drawings are few: `a` has 3 (< 10), `c` has 40.
    assert per_class[INDEX["a"]] == 12 and per_class[INDEX["c"]] == 0
    assert rows.stats["by_kind"]["rotate"] == {"classes": 2, "classes_without_real": 2, "rows": 24}
    assert rows.stats["classes_without_real"] == 6


def test_derive_is_repeatable_and_spreads_over_donor_drawings() -> None:
    first = derive(make_plan()[0], CLASSES, make_plan()[1])
    second = derive(make_plan()[0], CLASSES, make_plan()[1])
    assert np.array_equal(first.strokes, second.strokes)
    turned = first.strokes[first.labels == INDEX["d"]]  # 12 rows from 40 drawings of `c`
    assert len({row.tobytes() for row in turned}) == len(turned)


def test_derive_gives_classes_with_enough_real_drawings_only_their_own_symmetries() -> None:
    plan, counts = make_plan(self_below=100)
    counts[INDEX["d"]] = 25  # `d` now has real drawings of its own (25 >= targets_below 20): no turned `c` for it
    rows = derive(plan, CLASSES, counts)
    per_class = np.bincount(rows.labels, minlength=len(CLASSES))
    assert per_class[INDEX["d"]] == 0
    assert per_class[INDEX["t_rot"]] == 12  # no real drawings: derived as before
    # `c` has 40 real drawings, above targets_below, yet below self_below here: its own symmetry still applies.
    assert per_class[INDEX["c"]] == 12 and set(np.array(rows.kinds)[rows.labels == INDEX["c"]]) == {"self"}
