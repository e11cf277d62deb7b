"""Checkpoints of a run: `last.pt` (everything `--resume` needs) and `best.pt` (what the export needs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

FORMAT = 1
# What best.pt keeps of last.pt: the model and what describes it, not the optimizer or the resume counters.
BEST_KEYS = ("format", "model_name", "classes", "config", "model", "history", "epoch")


@dataclass
class Resumed:
    """Where a run picks up: nothing done yet, or what `last.pt` recorded."""

    history: list[dict[str, Any]] = field(default_factory=list)
    start_epoch: int = 0
    step: int = 0
    elapsed_s: float = 0.0
    best_key: tuple[float, float] = (-1.0, -1.0)
    stale: int = 0


def described_model(
    model_name: str, classes: list[str], config: dict[str, Any], model: torch.nn.Module, history: list, epoch: int
) -> dict[str, Any]:
    """What best.pt keeps (BEST_KEYS): the weights and what describes them. A trainer's last.pt adds its own state."""
    return {"format": FORMAT, "model_name": model_name, "classes": classes, "config": config,
            "model": model.state_dict(), "history": history, "epoch": epoch}  # fmt: skip


def save(path: Path, state: dict[str, Any]) -> None:
    import torch

    partial = path.with_suffix(".tmp")
    torch.save(state, partial)
    partial.replace(path)  # never leave a half-written checkpoint behind


def save_epoch(run_dir: Path, state: dict[str, Any], improved: bool) -> None:
    """last.pt always (with the global random state, for `resume`); best.pt when this epoch's validation is the
    best so far."""
    import torch

    save(run_dir / "last.pt", {**state, "rng": torch.get_rng_state()})
    if improved:
        save(run_dir / "best.pt", {key: state[key] for key in BEST_KEYS})


def resume(
    run_dir: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    classes: list[str],
    data_folder: str,
    device: torch.device,
    is_main: bool,
) -> Resumed:
    """Load `last.pt` into the model and optimizer; a run without one starts afresh."""
    import torch

    path = run_dir / "last.pt"
    if not path.is_file():
        return Resumed()
    state = torch.load(path, map_location=device, weights_only=True)
    if state["classes"] != classes:
        raise ValueError(f"{path} was trained on other classes than {data_folder} holds")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if "rng" in state:  # dropout draws from the global generator: a resumed run then trains as an uninterrupted one
        torch.set_rng_state(state["rng"].cpu())
    if is_main:
        print(f"resuming {run_dir} after epoch {state['epoch']} (step {state['step']})", flush=True)
    best_key = tuple(state["best_key"])
    return Resumed(state["history"], state["epoch"] + 1, state["step"], state["elapsed_s"], best_key, state["stale"])


def load_best(run_dir: Path, device: torch.device) -> tuple[torch.nn.Module, dict[str, Any]]:
    """The best checkpoint's model (registered architecture, trained weights) and the checkpoint itself."""
    import torch

    from training.learn import models

    best = torch.load(run_dir / "best.pt", map_location=device, weights_only=True)
    model = models.build(best["model_name"], len(best["classes"])).to(device)
    model.load_state_dict(best["model"])
    return model, best
