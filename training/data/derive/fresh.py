"""Images of derived rows: each row's packed drawing with a light hand variation, new for every epoch.

The donor drawing is already a hand's (its strokes' shapes, order and tremor); what varies is how the same hand
would draw it again: a little turn, slant and squeeze, a smooth warp, strokes a little off their places. Much
lighter than a template's variation (`training.data.synth.hand_variation`), which has to invent the hand. Epoch e's
images depend on (seed, e) only; the build draws epoch 0's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from training.data.derive import packed
from training.data.synth.hand_variation import HandVariation, vary_hand

# Half the template variation's strengths or less; no dropped strokes (a derived drawing's parts are all needed).
LIGHT = HandVariation(
    rotation_degrees=4.0,
    shear=0.08,
    aspect_log_sigma=0.08,
    elastic_amplitude=0.02,
    bend_log_sigma=0.1,
    stroke_shift=0.015,
    stroke_rotation_degrees=3.0,
    tremor=0.002,
    end_extension=0.015,
    point_spacing=(0.015, 0.04),
    split_probability=0.05,
    merge_probability=0.05,
    drop_probability=0.0,
    retrace_probability=0.02,
)


def draw_rows(
    rows: npt.NDArray[np.uint8],
    seed: int,
    epoch: int,
    render: Callable[[Sequence[npt.NDArray[np.float64]]], npt.NDArray[np.uint8]],
    config: HandVariation = LIGHT,
    progress: bool = False,
) -> npt.NDArray[np.uint8]:
    """One image per packed row (rows without a drawing stay blank); `progress` shows a bar when it takes more than
    a few seconds (the build's and a re-derivation's tens of thousands of rows)."""
    from tqdm import tqdm

    rng = np.random.default_rng([seed, 0xDE21, epoch])
    images = None
    shown = tqdm(rows, desc="derived drawings", unit="row", disable=not progress, delay=3, leave=False)
    for index, row in enumerate(shown):
        strokes = packed.unpack(row)
        image = render(vary_hand(strokes, rng, config)) if strokes else None
        if images is None:
            shape = image.shape if image is not None else (32, 32)
            images = np.zeros((len(rows), *shape), dtype=np.uint8)
        if image is not None:
            images[index] = image
    return images if images is not None else np.zeros((0, 32, 32), dtype=np.uint8)
