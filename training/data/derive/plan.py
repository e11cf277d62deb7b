"""Which derived rows a build makes: for every class the relation table can draw from real drawings, up to
`per_class` rows, each from a relation (in turn) and random donor drawings, with the donor classes recorded.

Donors are real *training-split* drawings only (never validation or test), and every class whose drawings went
into a row is in its `donor` columns: a measure that withholds a class drops the rows that list it and nothing of
that class's drawings is left (`training.measure.transfer`). A composed row needing more donor classes than
DONOR_SLOTS is not made, so the columns are always complete.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from training.data.derive import compose, packed

DONOR_SLOTS = 3  # donor.npy columns: a part, a slash and a circle, or three stacked parts
DONOR_FILE = "donor.npy"
Strokes = list[npt.NDArray[np.float64]]
# Transforms of one drawing, for parts that have no real drawing themselves (a `\\leftarrow` in a stack, turned
# from a real `\\rightarrow`).
SIMPLE_KINDS = ("rotate", "reflect", "stretch")
# The classes whose real drawings draw a negation line or a frame, by command (resolved to classes by the build).
LINE_COMMANDS = {"slash": ("/",), "bar": ("|",)}
FRAME_COMMANDS = {"circle": ("\\circ", "o", "0", "O", "\\bigcirc"), "square": ("\\square", "\\Box")}


@dataclass(frozen=True)
class DeriveConfig:
    """One field per decision."""

    # Derived rows per class at most: as many as its synthetic rows (80), so neither kind outweighs the other, and
    # a class with one donor drawing sees it in many compositions and (every epoch) variations, not 80 copies.
    per_class: int = 80
    # "self" rows (a class's own drawings under its own symmetry) only for classes with fewer real training
    # drawings than this: they add variety where there is little.
    self_below: int = 80
    # Rows of the other kinds only for classes with fewer real training drawings than this: the point is real ink for
    # classes without it. On 6 Dec, deriving for every related class (letter swaps such as n/u, b/d, 6/9 included)
    # cost the CROHME classes with real data 2.5 points of top-1 in the transfer measure (89.5 -> 87.0) while the
    # withheld classes it reached gained 14 (46.3 -> 60.5); classes with this many real drawings learn from them.
    targets_below: int = 20
    # Probability of applying one of a donor class's own symmetries to its drawing first (more variety).
    symmetry_probability: float = 0.5
    seed: int = 0


@dataclass
class DerivedRows:
    strokes: npt.NDArray[np.uint8]  # [D, POINTS, 2] packed drawings
    labels: npt.NDArray[np.int32]  # [D]
    donors: npt.NDArray[np.int32]  # [D, DONOR_SLOTS] class indices, -1 where none
    kinds: list[str]  # [D] the relation kind each row comes from
    stats: dict[str, Any] = field(default_factory=dict)


class Plan:
    """The relation table resolved to the build's class indices, with the donor drawings at hand."""

    def __init__(
        self,
        relations: Sequence[dict[str, Any]],
        class_index: dict[str, int],
        donors: dict[int, list[Strokes]],
        helpers: dict[str, list[int]],
        config: DeriveConfig,
    ) -> None:
        self.config = config
        self.donors = {c: d for c, d in donors.items() if d}
        self.helpers = {name: [c for c in classes if c in self.donors] for name, classes in helpers.items()}
        self.by_target: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.simple_from: dict[int, list[dict[str, Any]]] = defaultdict(list)  # target -> rows turning a donor into it
        self.symmetries: dict[int, list[list[list[float]]]] = defaultdict(list)
        self._order: dict[int, list[int]] = {}  # per donor class: its drawings not yet used in this round
        for row in relations:
            resolved = _resolved(row, class_index)
            if resolved is None:
                continue
            self.by_target[resolved["target"]].append(resolved)
            if resolved["kind"] in SIMPLE_KINDS and resolved["sources"][0] in self.donors:
                self.simple_from[resolved["target"]].append(resolved)
            if resolved["kind"] == "self":
                self.symmetries[resolved["target"]].append(resolved["matrix"])

    # -- drawings of one class, real or one transform away from real
    def real(self, class_index: int, rng: np.random.Generator) -> tuple[Strokes, set[int]]:
        """The next of the class's drawings, in a shuffled order that goes through all of them before repeating
        one: a class's 80 derived rows come from as many different drawings as it has."""
        drawings = self.donors[class_index]
        order = self._order.get(class_index)
        if order is None or not order:
            order = self._order[class_index] = rng.permutation(len(drawings)).tolist()
        strokes = [s[:, :2].astype(np.float64) for s in drawings[order.pop()]]
        symmetries = self.symmetries.get(class_index)
        if symmetries and rng.random() < self.config.symmetry_probability:
            strokes = compose.transformed(strokes, symmetries[int(rng.integers(len(symmetries)))])
        return strokes, {class_index}

    def part(self, choices: Sequence[int], rng: np.random.Generator) -> tuple[Strokes, set[int]] | None:
        """A drawing of any of `choices`: a real one where some has real drawings, else one turned, mirrored or
        stretched from a class that has."""
        real = [c for c in choices if c in self.donors]
        if real:
            return self.real(real[int(rng.integers(len(real)))], rng)
        turned = [row for c in choices for row in self.simple_from.get(c, ())]
        if not turned:
            return None
        return self.simple(turned[int(rng.integers(len(turned)))], rng)

    def simple(self, row: dict[str, Any], rng: np.random.Generator) -> tuple[Strokes, set[int]]:
        strokes, used = self.real(row["sources"][0], rng)
        if row["kind"] == "stretch":  # "stretch x 1.6": the middle drawn out along x to 1.6 times the length
            _, axis, factor = row["transform"].split()
            return compose.stretched_middle(strokes, float(factor), 0 if axis == "x" else 1), used
        return compose.transformed(strokes, row["matrix"], row.get("target_aspect")), used

    def drawable(self, row: dict[str, Any]) -> bool:
        if row["kind"] in SIMPLE_KINDS or row["kind"] == "self":
            return row["sources"][0] in self.donors
        for part in row["parts"]:
            if "classes" in part:
                if not any(c in self.donors or self.simple_from.get(c) for c in part["classes"]):
                    return False
            elif not self.helpers.get(part.get("line") or part.get("frame"), []):
                return False
        return True

    def draw(self, row: dict[str, Any], rng: np.random.Generator) -> tuple[Strokes, set[int]] | None:
        """One drawing of the row's target, in the target's frame, and the classes whose drawings it used."""
        if row["kind"] in SIMPLE_KINDS or row["kind"] == "self":
            return self.simple(row, rng)
        strokes: Strokes = []
        used: set[int] = set()
        for part in row["parts"]:
            if "classes" in part:
                drawn = self.part(part["classes"], rng)
                if drawn is None:
                    return None
                strokes += compose.placed(drawn[0], part["box"])
            else:
                helper = part.get("line") or part["frame"]
                drawn = self.real(self.helpers[helper][int(rng.integers(len(self.helpers[helper])))], rng)
                box = compose.segment_box(part["segment"]) if "segment" in part else part["box"]
                strokes += compose.placed(drawn[0], box, free_aspect=True)
            used |= drawn[1]
        return strokes, used


def _resolved(row: dict[str, Any], class_index: dict[str, int]) -> dict[str, Any] | None:
    """The row with class ids turned into the build's class indices; None when a class is not in the build."""
    target = class_index.get(row["target"])
    sources = [class_index.get(s) for s in row["sources"]]
    if target is None or any(s is None for s in sources):
        return None
    resolved = dict(row, target=target, sources=sources)
    if "parts" in row:
        parts = []
        for part in row["parts"]:
            if "classes" in part:
                classes = [class_index[c] for c in part["classes"] if c in class_index]
                if not classes:
                    return None
                parts.append(dict(part, classes=classes))
            else:
                parts.append(part)
        resolved["parts"] = parts
    return resolved


def derive(
    plan: Plan, class_ids: Sequence[str], real_train_counts: npt.NDArray[np.int64], progress: bool = False
) -> DerivedRows:
    """Every derived row of the build: per target class, relations in turn until `per_class` rows are made;
    `progress` shows a bar when it takes more than a few seconds."""
    from tqdm import tqdm

    config = plan.config
    strokes_rows: list[npt.NDArray[np.uint8]] = []
    labels: list[int] = []
    donors: list[list[int]] = []
    kinds: list[str] = []
    targets = tqdm(sorted(plan.by_target), desc="derived classes", unit="class", disable=not progress, delay=3,
                   leave=False)  # fmt: skip
    for target in targets:
        rows = [r for r in plan.by_target[target] if plan.drawable(r)]
        if real_train_counts[target] >= config.self_below:
            rows = [r for r in rows if r["kind"] != "self"]
        if real_train_counts[target] >= config.targets_below:
            rows = [r for r in rows if r["kind"] == "self"]
        if not rows:
            continue
        rng = np.random.default_rng([config.seed, zlib.crc32(class_ids[target].encode())])
        failures = 0
        made = 0
        while made < config.per_class and failures < 4 * config.per_class:
            row = rows[(made + failures) % len(rows)]
            drawn = plan.draw(row, rng)
            if drawn is None or len(drawn[1]) > DONOR_SLOTS or not drawn[0]:
                failures += 1
                continue
            strokes_rows.append(packed.pack(drawn[0]))
            labels.append(target)
            slots = sorted(drawn[1])
            donors.append(slots + [-1] * (DONOR_SLOTS - len(slots)))
            kinds.append(row["kind"])
            made += 1
    result = DerivedRows(
        strokes=np.stack(strokes_rows) if strokes_rows else packed.empty_rows(0),
        labels=np.array(labels, dtype=np.int32),
        donors=np.array(donors, dtype=np.int32).reshape(-1, DONOR_SLOTS),
        kinds=kinds,
    )
    result.stats = statistics(result, real_train_counts)
    return result


def statistics(rows: DerivedRows, real_train_counts: npt.NDArray[np.int64]) -> dict[str, Any]:
    """Per relation kind: classes that got derived rows from it, of them without real training drawings, rows."""
    per_kind: dict[str, dict[str, Any]] = {}
    by_kind_classes: dict[str, set[int]] = defaultdict(set)
    counts = Counter(rows.kinds)
    for kind, label in zip(rows.kinds, rows.labels.tolist(), strict=True):
        by_kind_classes[kind].add(label)
    for kind in sorted(counts):
        classes = by_kind_classes[kind]
        per_kind[kind] = {
            "classes": len(classes),
            "classes_without_real": sum(1 for c in classes if real_train_counts[c] == 0),
            "rows": counts[kind],
        }
    classes = set(rows.labels.tolist())
    return {
        "rows": len(rows.labels),
        "classes": len(classes),
        "classes_without_real": sum(1 for c in classes if real_train_counts[c] == 0),
        "by_kind": per_kind,
    }
