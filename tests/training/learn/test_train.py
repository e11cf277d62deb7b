"""Training on a tiny rendered set: it learns, writes its run folder, resumes, and runs under torchrun."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.training.tiny_trainset import write_tiny_trainset
from training.learn import trainset
from training.learn.image_warp import WarpConfig, random_affine
from training.learn.schedule import lr_factor
from training.learn.train import TrainConfig, train

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_train_learns_the_tiny_set(run_dir: Path) -> None:
    summary = json.loads((run_dir / "summary.json").read_text())
    # Six shapes, chance is 1/6: a working loop gets nearly all of them.
    assert summary["validation"]["top1"] >= 0.8
    assert summary["test"]["top1"] >= 0.8
    assert summary["test"]["n"] == 48


@pytest.mark.slow
def test_train_writes_the_run_folder(run_dir: Path) -> None:
    for name in (
        "config.json",
        "best.pt",
        "last.pt",
        "history.json",
        "summary.json",
        "training_curves.png",
        "confused_pairs.png",
        "hardest_samples.png",
    ):
        assert (run_dir / name).is_file(), name
    assert list((run_dir / "tensorboard").glob("events.out.tfevents.*"))
    config = json.loads((run_dir / "config.json").read_text())
    assert config["model"] == "resnet_tiny" and config["name"] == "tiny"
    history = json.loads((run_dir / "history.json").read_text())
    assert [row["epoch"] for row in history] == list(range(1, len(history) + 1))
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def short_run(dataset: Path, runs_dir: Path, model: str, name: str, epochs: int) -> TrainConfig:
    """Four steps of 32 per epoch, one thread: a run of a few seconds per epoch."""
    return TrainConfig(
        data=str(dataset),
        model=model,
        name=name,
        runs_dir=str(runs_dir),
        epochs=epochs,
        samples_per_epoch=128,
        batch_size=32,
        threads=1,
        hardest=4,
    )


@pytest.mark.slow
def test_train_resume_continues_after_the_last_epoch(tmp_path: Path, dataset: Path) -> None:
    config = short_run(dataset, tmp_path, "lenet5", "resume", epochs=2)
    train(config)
    first = json.loads((tmp_path / "resume" / "history.json").read_text())
    with pytest.raises(FileExistsError, match="--resume"):
        train(TrainConfig(**{**config.__dict__, "epochs": 3}))
    train(TrainConfig(**{**config.__dict__, "epochs": 3, "resume": True}))
    resumed = json.loads((tmp_path / "resume" / "history.json").read_text())
    assert [row["epoch"] for row in resumed] == [1, 2, 3]
    assert resumed[:2] == first
    assert resumed[2]["step"] == first[1]["step"] + 4


@pytest.mark.slow
def test_train_resumed_after_an_interruption_ends_as_the_uninterrupted_run(
    tmp_path: Path, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # resnet_tiny has dropout (the global generator) and the set has fresh synthetic rows (a worker per epoch):
    # everything a resume must restore. The "interruption" is the uninterrupted run's own last.pt after epoch 2.
    from training.learn import checkpoint

    config = short_run(dataset, tmp_path, "resnet_tiny", "whole", epochs=3)
    kept: dict[str, Path] = {}
    save_epoch = checkpoint.save_epoch

    def keeping_epoch_two(run_dir: Path, state: dict, improved: bool) -> None:
        save_epoch(run_dir, state, improved)
        if state["epoch"] == 1:  # what the folder held after epoch 2
            for name in ("last.pt", "best.pt"):
                kept[name] = tmp_path / f"after-epoch-2-{name}"
                kept[name].write_bytes((run_dir / name).read_bytes())

    monkeypatch.setattr(checkpoint, "save_epoch", keeping_epoch_two)
    whole = train(config)
    monkeypatch.setattr(checkpoint, "save_epoch", save_epoch)
    interrupted = tmp_path / "interrupted"
    interrupted.mkdir()
    for name in ("config.json", "data.json", "parity_images.npy"):
        (interrupted / name).write_bytes((whole / name).read_bytes())
    for name, path in kept.items():
        (interrupted / name).write_bytes(path.read_bytes())
    resumed = train(TrainConfig(**{**config.__dict__, "name": "interrupted", "resume": True}))

    def final(run: Path) -> dict:
        return torch.load(run / "last.pt", weights_only=True)

    a, b = final(whole), final(resumed)
    assert b["step"] == a["step"] == 12
    assert all(torch.equal(a["model"][key], b["model"][key]) for key in a["model"]), "weights differ after resume"
    assert [row["train_loss"] for row in b["history"]] == [row["train_loss"] for row in a["history"]]


@pytest.mark.slow
def test_train_with_bf16_autocast_and_torch_compile_on_cpu(tmp_path: Path, dataset: Path) -> None:
    # The GPU path's flags, exercised where a test can run them: bf16 autocast (emulated on CPUs without native
    # bf16) and torch.compile (inductor, C++ on CPU).
    config = short_run(dataset, tmp_path, "lenet5", "bf16-compiled", epochs=1)
    config.precision, config.compile = "bf16", True
    run = train(config)
    summary = json.loads((run / "summary.json").read_text())
    assert summary["precision"] == "bfloat16"
    assert json.loads((run / "config.json").read_text())["compile"] is True
    history = json.loads((run / "history.json").read_text())
    assert len(history) == 1 and np.isfinite(history[0]["train_loss"])


def test_autocast_dtype_follows_the_precision_flag() -> None:
    from training.learn.runtime import autocast_dtype

    cpu = torch.device("cpu")
    assert autocast_dtype("bf16", cpu) is torch.bfloat16
    assert autocast_dtype("fp16", cpu) is torch.float16
    assert autocast_dtype("fp32", cpu) is None
    with pytest.raises(ValueError, match="--precision"):
        autocast_dtype("int8", cpu)


def test_train_without_training_set_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="training.data build"):
        train(TrainConfig(data=str(tmp_path / "missing"), runs_dir=str(tmp_path), name="x"))


@pytest.mark.slow
def test_train_under_torchrun_with_two_gloo_processes(tmp_path: Path, dataset: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        "training.learn.train",
        "--data",
        str(dataset),
        "--model",
        "lenet5",
        "--name",
        "ddp",
        "--runs-dir",
        str(tmp_path),
        "--epochs",
        "2",
        "--samples-per-epoch",
        "256",
        "--batch-size",
        "32",
        "--hardest",
        "4",
        "--device",
        "cpu",
    ]
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    history = json.loads((tmp_path / "ddp" / "history.json").read_text())
    # 256 draws per epoch over 2 processes at 32 per batch: 4 steps per process and epoch.
    assert [row["step"] for row in history] == [4, 8]
    assert (tmp_path / "ddp" / "summary.json").is_file()


def test_lr_factor_warms_up_then_decays_to_the_floor() -> None:
    warmup, floor = 0.1, 0.05
    assert lr_factor(0.0, warmup, floor) < 0.01
    assert lr_factor(0.05, warmup, floor) == pytest.approx(0.5)
    assert lr_factor(0.1, warmup, floor) == pytest.approx(1.0)
    assert lr_factor(0.55, warmup, floor) == pytest.approx(0.525)
    assert lr_factor(1.0, warmup, floor) == pytest.approx(0.05)
    values = [lr_factor(p / 100, warmup, floor) for p in range(10, 101)]
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))


def test_balanced_weights_power_one_draws_classes_equally() -> None:
    labels = np.array([0] * 90 + [1] * 9 + [2])
    weights = trainset.balanced_weights(labels, 4, power=1.0)
    per_class = np.bincount(labels, weights=weights, minlength=4)
    assert per_class[:3] == pytest.approx([1 / 3] * 3)
    assert per_class[3] == 0


def test_balanced_weights_power_zero_keeps_natural_frequencies() -> None:
    labels = np.array([0] * 90 + [1] * 10)
    per_class = np.bincount(labels, weights=trainset.balanced_weights(labels, 2, power=0.0))
    assert per_class == pytest.approx([0.9, 0.1])


def test_epoch_order_splits_one_sequence_between_processes() -> None:
    candidates = np.arange(100, 150)
    weights = np.full(50, 1 / 50)
    whole = trainset.epoch_order(candidates, weights, 40, seed=3, epoch=1)
    parts = [trainset.epoch_order(candidates, weights, 40, seed=3, epoch=1, rank=r, world_size=2) for r in (0, 1)]
    assert np.array_equal(np.sort(np.concatenate(parts)), np.sort(whole))
    assert np.array_equal(parts[0], whole[0::2])
    assert not np.array_equal(whole, trainset.epoch_order(candidates, weights, 40, seed=3, epoch=2))
    assert set(whole) <= set(candidates)


def test_trainset_load_rejects_labels_outside_the_classes(tmp_path: Path) -> None:
    folder = write_tiny_trainset(tmp_path / "data", per_class=5)
    np.save(folder / "labels.npy", np.full(30, 99, dtype=np.int32))
    with pytest.raises(ValueError, match="outside"):
        trainset.load(folder)


def test_random_affine_with_probability_zero_is_identity() -> None:
    images = torch.rand(8, 1, 32, 32)
    same = random_affine(images, WarpConfig(probability=0.0), torch.Generator().manual_seed(0))
    assert torch.equal(same, images)


def test_random_affine_moves_ink_a_little_and_keeps_it_on_the_canvas() -> None:
    from backend.render import counts_to_input, render_counts

    strokes = [[[0, 0], [10, 10]], [[10, 0], [0, 10]]]
    image = torch.from_numpy(counts_to_input(render_counts(strokes)))[None, None].repeat(16, 1, 1, 1)
    warped = random_affine(image, WarpConfig(probability=1.0), torch.Generator().manual_seed(0))
    assert warped.shape == image.shape
    assert warped.min() >= 0 and warped.max() <= 1
    changed = (warped - image).abs().flatten(1).sum(1)
    assert (changed > 0).all()
    # Small warps, renormalised like the renderer: most ink stays, almost none lands on the border pixels.
    ink = warped.flatten(1).sum(1) / image.flatten(1).sum(1)
    assert ((ink > 0.6) & (ink < 1.25)).all()
    border = warped[:, :, [0, -1], :].sum() + warped[:, :, :, [0, -1]].sum()
    assert border < 0.02 * warped.sum()


def test_random_affine_keeps_the_ink_box_size_and_centre() -> None:
    from backend.render import counts_to_input, render_counts

    strokes = [[[0, 0], [4, 20], [8, 0]]]  # a tall V: its height fills the canvas
    image = torch.from_numpy(counts_to_input(render_counts(strokes)))[None, None].repeat(32, 1, 1, 1)
    warped = random_affine(image, WarpConfig(probability=1.0, shift_pixels=0.0), torch.Generator().manual_seed(1))
    rows = (warped[:, 0] > 0.2).any(dim=2).float()
    heights = rows.sum(dim=1)
    original = (image[0, 0] > 0.2).any(dim=1).float().sum()
    assert ((heights - original).abs() <= 3).all()


@pytest.mark.slow
def test_train_warm_started_from_a_run_records_its_source(tmp_path: Path, dataset: Path, run_dir: Path) -> None:
    config = short_run(dataset, tmp_path, "resnet_tiny", "warm", epochs=1)
    config.init_from = str(run_dir / "best.pt")
    run = train(config)
    source = json.loads((run / "warm_start.json").read_text())
    assert source["source_version"] == run_dir.name
    assert source["classes_new"] == 0 and source["classes_kept"] == len(trainset.load(dataset).classes)
    # The trained weights carried over: after one epoch of four steps the tiny set is still answered.
    assert json.loads((run / "summary.json").read_text())["validation"]["top1"] >= 0.8
