"""Light on-the-fly augmentation of rendered 32x32 ink tensors: small random affine warps per sample.

The renderer normalises every drawing (the longer side spans the canvas minus its margin, centred), so a
warped image must be normalised the same way or the model would learn from positions and sizes it never
sees at inference. Each warp (rotation, shear, aspect change) is therefore followed by the scale and shift
that bring the warped ink box back to the original ink box's longer side and centre, plus at most a pixel
of jitter. All of it is one `affine_grid` + `grid_sample` on the batch: cheap next to the CNN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class WarpConfig:
    probability: float = 0.8  # share of samples warped; the rest stay exactly as rendered (as at inference)
    rotation_degrees: float = 8.0  # handwriting slants by a few degrees; more would confuse e.g. < and ^
    shear: float = 0.15  # italic-like lean of upright strokes
    aspect: float = 0.15  # relative stretch of one axis: writers vary proportions, the renderer keeps them
    shift_pixels: float = 0.75  # the renderer centres, so only sub-pixel to one-pixel jitter is realistic


def _ink_boxes(images: torch.Tensor) -> torch.Tensor:
    """Per image [x0, y0, x1, y1] of the inked pixels in normalised coordinates (-1..1, pixel edges)."""
    n, size = images.shape[0], images.shape[-1]
    inked = images[:, 0] > 0
    columns, rows = inked.any(dim=1), inked.any(dim=2)
    positions = torch.arange(size, device=images.device)

    def extent(mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        low = torch.where(mask, positions, size).min(dim=1).values
        high = torch.where(mask, positions, -1).max(dim=1).values + 1
        empty = ~mask.any(dim=1)
        return torch.where(empty, 0, low), torch.where(empty, size, high)

    x0, x1 = extent(columns)
    y0, y1 = extent(rows)
    return torch.stack([x0, y0, x1, y1], dim=1).float().reshape(n, 4) * (2 / size) - 1


def random_affine(images: torch.Tensor, config: WarpConfig, generator: torch.Generator) -> torch.Tensor:
    """Warp each image of a float batch [N, 1, 32, 32] by its own random affine map (identity for some)."""
    n = images.shape[0]
    if n == 0 or config.probability <= 0:
        return images

    def uniform(limit: float) -> torch.Tensor:
        return (torch.rand(n, generator=generator) * 2 - 1) * limit

    angle = uniform(math.radians(config.rotation_degrees))
    shear = uniform(config.shear)
    stretch = 1 + uniform(config.aspect)
    on_x = torch.rand(n, generator=generator) < 0.5
    scale_x = torch.where(on_x, stretch, torch.ones(n))
    scale_y = torch.where(on_x, torch.ones(n), stretch)
    # Forward map (input -> output coordinates): rotation @ shear @ axis scaling.
    cos, sin = torch.cos(angle), torch.sin(angle)
    rotation = torch.stack([torch.stack([cos, -sin], 1), torch.stack([sin, cos], 1)], 1)
    shearing = torch.zeros(n, 2, 2)
    shearing[:, 0, 0] = 1
    shearing[:, 0, 1] = shear
    shearing[:, 1, 1] = 1
    scaling = torch.diag_embed(torch.stack([scale_x, scale_y], 1))
    forward = rotation @ shearing @ scaling

    # Renormalise: the warped box of the ink gets the original box's longer side and centre back.
    box = _ink_boxes(images).cpu()
    corners = torch.stack([box[:, [0, 1]], box[:, [2, 1]], box[:, [0, 3]], box[:, [2, 3]]], dim=2)  # [n, 2, 4]
    moved = forward @ corners
    low, high = moved.min(dim=2).values, moved.max(dim=2).values
    old_side = (box[:, 2:] - box[:, :2]).max(dim=1).values
    new_side = (high - low).max(dim=1).values.clamp_min(1e-6)
    zoom = old_side / new_side
    old_centre = (box[:, :2] + box[:, 2:]) / 2
    new_centre = (low + high) / 2
    size = images.shape[-1]
    target = old_centre + torch.stack(
        [uniform(config.shift_pixels * 2 / size), uniform(config.shift_pixels * 2 / size)], 1
    )
    # Output y = zoom * (forward x - new_centre) + target; affine_grid wants x as a function of y.
    inverse = torch.linalg.inv(forward)
    theta = torch.zeros(n, 2, 3)
    theta[:, :, :2] = inverse / zoom[:, None, None]
    theta[:, :, 2] = (inverse @ (new_centre - target / zoom[:, None]).unsqueeze(2)).squeeze(2)
    keep = torch.rand(n, generator=generator) >= config.probability
    theta[keep] = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])

    grid = F.affine_grid(theta.to(images.device, images.dtype), list(images.shape), align_corners=False)
    warped = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return torch.where(keep.to(images.device)[:, None, None, None], images, warped)
