"""The usage prior: how often a symbol is used, as a per-class log-prior that ranks common symbols first.

`models/usage.json` (written by `python -m training.catalogue --usage`) gives, per catalogue command, in how many
distinct files of TeX Live's documentation sources it occurs. A glyph group's count is the sum over its distinct
commands (`\\le` counts for the `\\leq` group). The prior of group g is add-alpha smoothed:

    P(g) = (files(g) + alpha) / (sum over groups of files + alpha * number of groups)

and a model's class scores become `log p(g | drawing) + strength * log P(g)` (the scores times P(g)^strength,
renormalised). `strength` 0 turns the prior off; 1 is Bayes' rule for a model trained on balanced classes.
The shipped value was chosen on the validation split's real drawings (`python -m training.measure.prior_strength`,
training/catalogue/README.md): the strength with the best top-1 whose top-5 is not lower than without a prior.
File counts, not occurrences: one generated table that repeats a symbol 3,000 times is one file.

Search ranks commands by the same file counts (`command_usage`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from backend.catalogue import Catalogue

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "models" / "usage.json"


class UsageError(ValueError):
    """usage.json is missing or not in its shape."""


@dataclass(frozen=True)
class PriorConfig:
    """How the usage counts become a prior."""

    # Pseudo-count added to every glyph group: a symbol no file uses keeps a small prior, so the prior can lower
    # a rare symbol but never rule it out; 1 is Laplace's rule.
    smoothing: float = 1.0
    # Exponent on the prior: 0 off, 1 full Bayes. Chosen on validation drawings (module docstring).
    strength: float = 0.3


@dataclass(frozen=True)
class Usage:
    """Files using each command, and the corpus they were counted in."""

    files: dict[str, int]
    corpus: dict

    def command_usage(self, command: str) -> int:
        return self.files.get(command, 0)


def load_usage(path: Path | str = DEFAULT_PATH) -> Usage:
    """Read usage.json; raises UsageError naming the file and the problem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise UsageError(f"usage counts not found: {path} (run `python -m training.catalogue --usage`)") from error
    except (OSError, json.JSONDecodeError) as error:
        raise UsageError(f"usage counts unreadable: {path}: {error}") from error
    usage = data.get("usage") if isinstance(data, dict) else None
    if not isinstance(usage, dict):
        raise UsageError(f"{path}: expected an object with a 'usage' map")
    files = {}
    for command, counts in usage.items():
        if not (isinstance(counts, list) and len(counts) == 2 and all(isinstance(c, int) and c >= 0 for c in counts)):
            raise UsageError(f"{path}: usage of {command!r} must be [files, occurrences], got {counts!r}")
        files[command] = counts[0]
    return Usage(files, data.get("corpus", {}))


def optional_usage(path: Path) -> Usage | None:
    """usage.json where a model folder has one, None where it has none (search then ranks without usage); a
    malformed file still raises UsageError."""
    return load_usage(path) if path.is_file() else None


def glyph_usage(catalogue: Catalogue, usage: Usage) -> dict[str, int]:
    """Glyph representative id -> files using any of its group's commands (each distinct command once)."""
    return {
        glyph: sum(usage.command_usage(command) for command in dict.fromkeys(m.command for m in members))
        for glyph, members in catalogue.groups.items()
    }


def log_prior(
    labels: Sequence[str], catalogue: Catalogue, usage: Usage, config: PriorConfig = PriorConfig()
) -> npt.NDArray[np.float32]:
    """`strength * log P(glyph of label)` per label (float32 [C]), to add to log scores or logits. A label the
    catalogue lacks gets the prior of an unused group; labels of one group share its prior."""
    counts = glyph_usage(catalogue, usage)
    total = sum(counts.values()) + config.smoothing * len(counts)
    values = []
    for label in labels:
        symbol = catalogue.get(label)
        count = counts.get(symbol.glyph, 0) if symbol is not None else 0
        values.append(config.strength * math.log((count + config.smoothing) / total))
    return np.array(values, dtype=np.float32)


def apply_prior(scores: npt.NDArray[np.floating], prior: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Softmax scores [N, C] times exp(prior), renormalised: what a model with the prior added to its logits
    outputs."""
    logits = np.log(np.clip(scores, 1e-30, None)) + prior
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)
