"""Knowledge distillation: a finished, stronger run (a wider net, an ensemble, trained longer) teaches the small
shipped one through its full answer, not only the label (Hinton et al. 2015, "Distilling the knowledge in a
neural network").

Why it helps here: a label says "this drawing is `\\Sigma`"; the teacher says "`\\Sigma`, or perhaps `\\sum`,
certainly not `\\int`". Those soft targets carry which symbols look alike, and they are as informative on a fresh
synthetic sample as on a real one, so the small model learns from every draw what it could not find alone.

The rule (`distillation_loss`): `(1 - w) * CE(student, label) + w * T^2 * KL(teacher_T || student_T)`, where
`x_T` is the softmax of logits / T and the teacher's probabilities are averaged over its runs. `T^2` keeps the
soft term's gradients the same size whatever T is, so `w` alone sets the balance.

The teacher runs in eval mode without gradients on the very batch the student sees (augmented images included),
so it adds one forward pass per teacher run to each step: cheap on a GPU, where it is meant to run; on two CPU
cores a teacher of the student's size makes a step about 1.5 times as long. Use: `python -m training.learn.train
--teacher runs/<teacher>[,runs/<another>]`, or `make train-export TEACHER=...` (training/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DistillConfig:
    # Finished run folders whose best.pt teaches (comma-separated in the CLI): several are an ensemble whose
    # averaged probabilities are better calibrated and more accurate than any one of them.
    runs: tuple[str, ...]
    # Share of the loss given to the teacher's soft targets; Hinton et al. and most since use 0.5-0.9 when the
    # teacher is clearly better than the student.
    weight: float = 0.7
    # Softening temperature: at 1 the teacher's near-zero probabilities (which look-alikes it considered) vanish;
    # 2-4 keeps them visible without flattening the answer.
    temperature: float = 2.0

    def __post_init__(self) -> None:
        if not self.runs:
            raise ValueError("distillation needs at least one teacher run")
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"distillation weight {self.weight} is outside [0, 1]")
        if self.temperature <= 0:
            raise ValueError(f"distillation temperature {self.temperature} must be positive")


class Teacher:
    """One or more finished runs on the student's classes, or on those classes before a catalogue regrouping,
    ready to give soft targets."""

    def __init__(
        self,
        config: DistillConfig,
        classes: Sequence[str],
        device: Any,
        channels_last: bool,
        catalogue_path: Path | None = None,
    ) -> None:
        import torch

        from training.data.build.config import REPO_ROOT
        from training.ship.export import load_checkpoint

        self.config = config
        self.nets = []
        # Per run: the student class of each teacher output, or None when the classes are the same.
        self.columns: list[Any] = []
        self.student_classes = len(classes)
        self.sources: list[dict[str, Any]] = []
        for run in config.runs:
            net, state = load_checkpoint(Path(run))
            if list(state["classes"]) == list(classes):
                self.columns.append(None)
            else:
                catalogue = catalogue_path or REPO_ROOT / "models" / "symbols.json"
                mapping = regrouped_columns(list(state["classes"]), list(classes), catalogue, run)
                self.columns.append(torch.as_tensor(mapping, device=device))
            net = net.to(device)
            if channels_last:
                net = net.to(memory_format=torch.channels_last)
            for parameter in net.parameters():
                parameter.requires_grad_(False)
            self.nets.append(net.eval())
            self.sources.append({"run": str(run), "model": state["model_name"], "epoch": state.get("epoch")})

    def soft_targets(self, images: Any) -> Any:
        """The teachers' averaged softmax(logits / T) for a batch of student inputs, without gradients."""
        import torch

        with torch.no_grad():
            total = torch.zeros(len(images), self.student_classes, device=images.device)
            for net, columns in zip(self.nets, self.columns, strict=True):
                probabilities = torch.softmax(net(images).float() / self.config.temperature, dim=1)
                # After a regrouping, the probabilities of outputs now in one group add up (one event: that group).
                total += (
                    probabilities
                    if columns is None
                    else total.new_zeros(total.shape).index_add_(1, columns, probabilities)
                )
            return total / len(self.nets)


def regrouped_columns(teacher: list[str], student: list[str], catalogue_path: Path, run: str) -> list[int]:
    """The student class of each teacher class, through today's glyph groups: a teacher trained before look-alikes
    were merged still teaches, its merged outputs counted as one. Classes that match no group on either side are an
    error (that teacher was trained on another training set)."""
    from training.data.labels import Catalogue

    columns = Catalogue.load(catalogue_path).columns_in(teacher, student)
    unmatched = [class_id for class_id, column in zip(teacher, columns, strict=True) if column < 0]
    untaught = sorted(set(range(len(student))) - set(columns))
    if unmatched or untaught:
        example = unmatched[:1] or [student[untaught[0]]]
        raise ValueError(
            f"teacher {run} was trained on other classes than the student's ({len(unmatched)} of its classes "
            f"have no student class, {len(untaught)} student classes no teacher output; e.g. {example[0]!r}): "
            "distil only between runs on the same training set or a regrouping of it"
        )
    return columns


def distillation_loss(
    student_logits: Any, labels: Any, soft_targets: Any, config: DistillConfig, label_smoothing: float
) -> Any:
    """`(1 - w) * CE(student, label) + w * T^2 * KL(soft_targets || softmax(student / T))`, mean over the batch."""
    import torch.nn.functional as F

    logits = student_logits.float()
    hard = F.cross_entropy(logits, labels, label_smoothing=label_smoothing)
    log_student = F.log_softmax(logits / config.temperature, dim=1)
    soft = F.kl_div(log_student, soft_targets, reduction="batchmean") * config.temperature**2
    return (1.0 - config.weight) * hard + config.weight * soft
