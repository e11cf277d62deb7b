"""Accuracy figures shared by training (PyTorch scores) and evaluation (onnxruntime scores): top-k hits,
per-group breakdowns and the most confused class pairs, all on plain numpy arrays."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import numpy.typing as npt


def top_k(scores: npt.NDArray[np.floating], k: int) -> npt.NDArray[np.int64]:
    """Indices of the k highest scores per row, best first (ties broken by lower index, like the server)."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    return np.take_along_axis(part, order, axis=1)


def hits(scores: npt.NDArray[np.floating], labels: npt.NDArray[np.int64], k: int = 5) -> npt.NDArray[np.int64]:
    """Rank of the true label among the top k per sample (0 = first), or k where it is not among them."""
    best = top_k(scores, k)
    found = best == labels[:, None]
    return np.where(found.any(axis=1), found.argmax(axis=1), best.shape[1])


def accuracy(ranks: npt.NDArray[np.int64]) -> dict[str, Any]:
    """{"n", "top1", "top5"} from the ranks that `hits` returns (accuracies are fractions in [0, 1])."""
    n = len(ranks)
    if n == 0:
        return {"n": 0, "top1": None, "top5": None}
    return {"n": n, "top1": float((ranks < 1).mean()), "top5": float((ranks < 5).mean())}


def accuracy_by(ranks: npt.NDArray[np.int64], keys: list[str]) -> dict[str, dict[str, Any]]:
    """`accuracy` for each distinct key (e.g. per source or per class), sorted by key."""
    keyed = np.array(keys, dtype=object)
    return {key: accuracy(ranks[keyed == key]) for key in sorted(set(keys))}


def confused_pairs(
    predicted: npt.NDArray[np.int64], labels: npt.NDArray[np.int64], limit: int = 20
) -> list[tuple[int, int, int]]:
    """The most frequent (true, predicted, count) top-1 mistakes, most frequent first."""
    wrong = predicted != labels
    counts = Counter(zip(labels[wrong].tolist(), predicted[wrong].tolist(), strict=True))
    return [(true, pred, count) for (true, pred), count in counts.most_common(limit)]


_GREEK = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "varpi",
    "rho",
    "varrho",
    "sigma",
    "varsigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Upsilon",
    "Phi",
    "Psi",
    "Omega",
}
_RELATIONS = re.compile(
    r"^(<|>|=|_(n?eq|leq?|geq?|ll|gg|ne|neq|sim|simeq|approx|cong|equiv|propto|prec|succ|"
    r"subset|supset|subseteq|supseteq|in|ni|notin|perp|parallel|mid|models|vdash|dashv))$"
)
_OPERATORS = re.compile(
    r"^(\+|-|/|\*|_(times|div|pm|mp|cdot|ast|star|circ|bullet|oplus|ominus|otimes|oslash|odot|"
    r"cup|cap|wedge|vee|setminus|sum|prod|int|oint|iint|iiint|sqrt\{\}|surd|nabla|partial))$"
)


def family_of(class_id: str) -> str:
    """The symbol family of a catalogue id, for per-family figures: digit, letter, greek, arrow, relation,
    operator, or other (by the command in the id; Detexify's key format, contracts.md section 1)."""
    command = class_id.split("-", 2)[-1]
    name = command[1:] if command.startswith("_") else None
    if re.fullmatch(r"[0-9]", command):
        return "digit"
    if re.fullmatch(r"[A-Za-z]", command):
        return "letter"
    if name is not None and (name in _GREEK or name.removeprefix("up").removeprefix("var") in _GREEK):
        return "greek"
    if "arrow" in command or "harpoon" in command or command in ("_mapsto", "_to", "_gets"):
        return "arrow"
    if _RELATIONS.match(command):
        return "relation"
    if _OPERATORS.match(command):
        return "operator"
    return "other"
