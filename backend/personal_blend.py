"""The personal blend: the model's candidates re-ranked by the writer's own examples (issue 12). One definition.

A personal example is a drawing the writer labelled (a correction: they picked a candidate that was not first;
or a personal symbol: a snippet drawn three times) kept as the model's embedding of that drawing. An answer is
re-ranked like this (the JavaScript port, `extension/src/shared/personal-blend.js`, does exactly the same and
is checked against this module on `tests/golden/personal_blend.json`):

1. **Quantise** every embedding (float32, L2-normalised by the model) to integers
   `q = floor(e * 32767 + 0.5)`. Integer dot products are exact in IEEE doubles in any summation order, so
   numpy, a browser's JIT and an unrolled loop all get bit-identical similarities.
2. **Similarity** of the drawing to example i: `sim_i = dot(q, q_i) / 32767^2` (about the cosine).
3. **Neighbours**: the `neighbours` examples of highest similarity (ties: the earlier example first) whose
   similarity exceeds `threshold`.
4. **Kernel**: each neighbour adds `w = x^power`, `x = (sim - threshold) / (1 - threshold)` (0 at the
   threshold, 1 for an identical drawing) to the bonus of its symbol, in neighbour order; `total` sums them.
5. **Blend**: every model candidate (the top `CANDIDATE_POOL` glyphs, model order) and every neighbour's symbol
   the model did not offer (a personal snippet, or a symbol outside the pool; order of first neighbour) scores
   `(p + weight * bonus) / (1 + weight * total)` with `p` its model probability (0 for the added ones).
   The result still sums to at most 1, and without a near example (`total == 0`) every score is exactly `p`:
   a writer who never corrects gets the model's answer unchanged.
6. **Order**: by blended score, highest first; a stable sort keeps model order (then neighbour order) on ties.

Every step after the integer dot products is a fixed sequence of double operations (no `pow`, no `exp`,
whose last bits differ between libraries), so both languages agree to the bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Integer range of a quantised component: 15 bits keep the cosine to about 1e-4, and 192-dimensional integer
# dot products (< 2^37) stay exact in doubles.
QUANT_SCALE = 32767
# Model candidates a blend can reorder: the server's largest k, so server and offline answers blend the same list.
CANDIDATE_POOL = 20


@dataclass(frozen=True)
class BlendParameters:
    """The blend's knobs. The defaults won a grid search (4 x 6 x 3 x 6 values, `make eval-personal-tune`) on
    one half of the held-out CROHME writers, by mean top-1 gain over 1, 3 and 10 corrections; the figures in the
    README come from the other half. Neighbours 3, 5 and 10 tied exactly; 5 is kept."""

    # How many of the nearest personal examples vote: a few, so one stray example cannot outvote three good ones.
    neighbours: int = 5
    # Cosine below which an example says nothing: other symbols of the same writer mostly sit under it.
    threshold: float = 0.6
    # Kernel sharpness (an integer: repeated multiplication, bit-identical everywhere): near-duplicates count most.
    power: int = 2
    # How much a perfect match counts against the model's probability: 2 lets one near-identical correction
    # outweigh a confident model, which the search preferred over 0.25-1 (too timid) and 4-8 (overrides more).
    weight: float = 2.0

    def __post_init__(self) -> None:
        if not (isinstance(self.neighbours, int) and self.neighbours >= 1):
            raise ValueError(f"neighbours must be a positive integer, got {self.neighbours!r}")
        if not 0.0 <= self.threshold < 1.0:
            raise ValueError(f"threshold must be in [0, 1), got {self.threshold!r}")
        if not (isinstance(self.power, int) and 1 <= self.power <= 8):
            raise ValueError(f"power must be an integer 1..8, got {self.power!r}")
        if not self.weight >= 0.0:
            raise ValueError(f"weight must be >= 0, got {self.weight!r}")


DEFAULT_PARAMETERS = BlendParameters()


@dataclass(frozen=True)
class BlendedCandidate:
    id: str
    score: float  # blended
    model_score: float  # the model's probability (0 for a symbol the model did not offer)
    bonus: float  # sum of the kernel weights of the neighbours with this symbol


def quantise(embeddings: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Embeddings (float32, [D] or [N, D]) -> integer-valued doubles `floor(e * 32767 + 0.5)`, clipped."""
    values = np.asarray(embeddings, dtype=np.float32).astype(np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("an embedding holds NaN or infinity")
    # float32 * 32767 is exact in a double (24 + 15 bits), and so is + 0.5: the floor is the same everywhere.
    return np.clip(np.floor(values * QUANT_SCALE + 0.5), -QUANT_SCALE, QUANT_SCALE)


def similarities(query: npt.NDArray[np.float64], examples: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """`dot(q, q_i) / 32767^2` for quantised `query` [D] and `examples` [N, D] (exact integer sums)."""
    if examples.shape[0] == 0:
        return np.zeros(0, dtype=np.float64)
    if examples.shape[1] != query.shape[0]:
        raise ValueError(f"examples have {examples.shape[1]} dimensions, the drawing's embedding {query.shape[0]}")
    return (examples @ query) / float(QUANT_SCALE * QUANT_SCALE)


def nearest(sims: npt.NDArray[np.float64], params: BlendParameters) -> list[int]:
    """Indices of the neighbours: highest similarity first, ties by index, only above the threshold."""
    above = np.flatnonzero(sims > params.threshold)
    if above.size == 0:
        return []
    # lexsort: last key first -> by -sim, then by index; exact comparisons of identical doubles in both languages.
    order = above[np.lexsort((above, -sims[above]))]
    return order[: params.neighbours].tolist()


def blend(
    candidates: Sequence[tuple[str, float]],
    sims: npt.NDArray[np.float64],
    example_ids: Sequence[str],
    params: BlendParameters = DEFAULT_PARAMETERS,
) -> list[BlendedCandidate]:
    """Re-rank model `candidates` ((id, probability), best first) by the examples' similarities (module doc)."""
    if len(sims) != len(example_ids):
        raise ValueError(f"{len(sims)} similarities for {len(example_ids)} examples")
    bonus: dict[str, float] = {}
    total = 0.0
    for index in nearest(sims, params):
        x = (float(sims[index]) - params.threshold) / (1.0 - params.threshold)
        w = x
        for _ in range(params.power - 1):
            w = w * x
        symbol = example_ids[index]
        bonus[symbol] = bonus.get(symbol, 0.0) + w
        total = total + w
    pool: list[tuple[str, float]] = [(symbol, float(p)) for symbol, p in candidates]
    offered = {symbol for symbol, _ in pool}
    pool += [(symbol, 0.0) for symbol in bonus if symbol not in offered]  # dicts keep first-neighbour order
    denominator = 1.0 + params.weight * total
    blended = [
        BlendedCandidate(symbol, (p + params.weight * bonus.get(symbol, 0.0)) / denominator, p, bonus.get(symbol, 0.0))
        for symbol, p in pool
    ]
    return sorted(blended, key=lambda c: -c.score)  # sorted() is stable: model order breaks ties


class PersonalSet:
    """A writer's examples prepared for many answers: quantised once, one matrix product per answer."""

    def __init__(self, embeddings: npt.ArrayLike, symbol_ids: Sequence[str], params: BlendParameters) -> None:
        values = np.asarray(embeddings, dtype=np.float32)
        self.matrix = quantise(values.reshape(len(symbol_ids), -1)) if len(symbol_ids) else np.zeros((0, 0))
        self.symbol_ids = list(symbol_ids)
        self.params = params

    def rerank(self, candidates: Sequence[tuple[str, float]], embedding: npt.ArrayLike) -> list[BlendedCandidate]:
        return blend(candidates, similarities(quantise(embedding), self.matrix), self.symbol_ids, self.params)
