"""Domain-adversarial training: features that cannot tell a real drawing from a synthetic one (Ganin et al. 2016,
"Domain-adversarial training of neural networks").

Why: 600+ classes are learnt from synthetic samples only, and a real drawing of such a class tends to land on a
class with real data of similar shape (`)` on `,`, `(` on `1`): the net partly learns "looks real" as a cue. Here
a small adversary reads the classifier's input features and guesses whether the sample is synthetic; its
gradient reaches the features reversed (`GradientReversal`), so the trunk learns to hide what the adversary uses.

Only classes that have both real training drawings and synthetic samples take part: for a class without real
drawings "synthetic" is the right answer whatever the features, and hiding it would mean hiding the class. The
adversary is also told the true class (a learnt embedding), so it knows each class's share of synthetic samples
from the label and the features are not pushed to hide which class they show, only how it was drawn.

The reversal strength ramps from 0 to `weight` over the run (Ganin's `2 / (1 + exp(-10 p)) - 1`): early features
carry little of either, and a strong adversary from the first step slows learning the classes themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class DomainConfig:
    # Peak strength of the reversed gradient relative to the classification loss; 0 switches the adversary off.
    weight: float = 0.0
    # Width of the adversary's hidden layer: enough to find a style cue, small next to the 192 features.
    hidden: int = 128
    # Size of the class embedding the adversary is told: a class's synthetic share needs few numbers.
    class_embedding: int = 32

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ValueError(f"domain-adversarial weight {self.weight} must be >= 0")
        if self.hidden < 1 or self.class_embedding < 1:
            raise ValueError("the adversary needs a hidden layer and a class embedding of at least one unit")

    @property
    def enabled(self) -> bool:
        return self.weight > 0


def reversal_strength(progress: float, config: DomainConfig) -> float:
    """Ganin's ramp from 0 at the start of the schedule to `weight` at its end (progress in [0, 1])."""
    progress = min(max(progress, 0.0), 1.0)
    return config.weight * (2.0 / (1.0 + math.exp(-10.0 * progress)) - 1.0)


def mixed_classes(labels: npt.NDArray[np.int64], synthetic: npt.NDArray[np.bool_], num_classes: int) -> npt.NDArray:
    """Boolean per class: it has both real and synthetic training rows (the only classes the adversary sees)."""
    real = np.bincount(labels[~synthetic], minlength=num_classes) > 0
    drawn = np.bincount(labels[synthetic], minlength=num_classes) > 0
    return real & drawn


def build_adversary(features: int, num_classes: int, config: DomainConfig) -> Any:
    """The adversary module: (features, class) -> logit of "synthetic"."""
    import torch
    from torch import nn

    class GradientReversal(torch.autograd.Function):
        """Identity forward; backward multiplies the gradient by -strength."""

        @staticmethod
        def forward(ctx: Any, x: torch.Tensor, strength: torch.Tensor | float) -> torch.Tensor:
            ctx.strength = strength
            return x.view_as(x)

        @staticmethod
        def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
            return -ctx.strength * grad, None

    class Adversary(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(num_classes, config.class_embedding)
            self.head = nn.Sequential(
                nn.Linear(features + config.class_embedding, config.hidden),
                nn.ReLU(inplace=True),
                nn.Linear(config.hidden, 1),
            )

        def forward(self, features: torch.Tensor, labels: torch.Tensor, strength: torch.Tensor | float) -> torch.Tensor:
            reversed_features = GradientReversal.apply(features.float(), strength)
            return self.head(torch.cat([reversed_features, self.embed(labels)], dim=1)).squeeze(1)

    return Adversary()


def with_adversary(model: Any, adversary: Any) -> Any:
    """One module for the training step (and for DistributedDataParallel, which must see every parameter used):
    `(x, labels, strength) -> (logits, adversary logits)`. `model` is a registered net, a `Sequential` that ends
    in its `Linear` classifier, so the classifier's input is the features the adversary reads."""
    from torch import nn

    class ClassifierWithAdversary(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model
            self.adversary = adversary

        def forward(self, x: Any, labels: Any, strength: Any) -> tuple[Any, Any]:
            features = self.model[:-1](x)
            return self.model[-1](features), self.adversary(features, labels, strength)

    return ClassifierWithAdversary()


def adversary_loss(logits: Any, synthetic: Any, taking_part: Any) -> Any:
    """Binary cross-entropy of the adversary on the rows of mixed classes (0 when the batch has none)."""
    import torch.nn.functional as F

    if not bool(taking_part.any()):
        return logits.sum() * 0.0
    return F.binary_cross_entropy_with_logits(logits[taking_part], synthetic[taking_part].float())
