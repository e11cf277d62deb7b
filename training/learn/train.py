"""Train a registered CNN on a built training set: `python -m training.learn.train --data data-cache/dataset`.

One code path for CPU and GPU (bf16 autocast, channels_last, pinned memory, optional torch.compile on GPU)
and for several processes: started by `torchrun --nproc_per_node=K -m training.learn.train ...`, each process
trains a DistributedDataParallel replica on its share of every epoch (gloo on CPU, NCCL on GPU).

A run lives in `runs/<name>/`: `config.json` (this file's `TrainConfig`, resolved), `last.pt` / `best.pt`
(checkpoints; `--resume` continues from `last.pt`), `history.json`, `summary.json`, `tensorboard/`, and
the PNG plots (training curves, most confused pairs, hardest validation samples).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from training.learn import trainset
from training.learn.image_warp import WarpConfig

if TYPE_CHECKING:
    import torch


@dataclass
class TrainConfig:
    data: str = "data-cache/dataset"  # folder written by `python -m training.data build` (contracts.md section 2)
    model: str = "resnet_small"  # key of training.learn.models.MODELS
    name: str = ""  # run folder name under runs_dir; empty: <model>-<UTC time>, so runs never overwrite each other
    runs_dir: str = "runs"  # git-ignored; checkpoints are large and local
    epochs: int = 30  # upper bound; early stopping or the time budget usually ends the run first
    samples_per_epoch: int = 50_000  # draws per "epoch" (0: the training split's size): validate every few CPU minutes
    time_budget_minutes: float = 0.0  # 0: none; else the LR schedule anneals by wall clock and training stops on time
    batch_size: int = 256  # large enough for batch norm statistics and CPU efficiency, small enough for many steps
    lr: float = 3e-3  # AdamW peak learning rate, after warm-up
    weight_decay: float = 0.02  # AdamW decoupled decay: mild regularisation for a small net on abundant data
    warmup_fraction: float = 0.03  # share of the schedule spent ramping the LR up: avoids early batch-norm blow-ups
    min_lr_fraction: float = 0.02  # the cosine ends at this share of the peak instead of zero
    label_smoothing: float = 0.1  # look-alike classes (x/\times, 0/o) are genuinely ambiguous: do not force certainty
    balance_power: float = 0.4  # class c drawn in proportion to count_c**(1-power). With fresh synthetic samples
    # every epoch, more draws of a synthetic-only class are new drawings, not repeats: in 6-epoch transfer runs
    # 0.3 -> 0.45 raised the synthetic-only classes from 64.0 to 70.3 top-1 and cost the classes with real data
    # 1.4 points (90.1 -> 88.7); 0.4 takes most of the one for less of the other (0.5 starves CROHME)
    augment: bool = True  # random small affine warps of training images (training.learn.image_warp)
    fresh_synthetic: bool = True  # draw new synthetic samples from the set's templates.npz every epoch, in a
    # background process (training.data.synth.fresh): a fixed 80 per class is memorised over a long run
    patience: int = 6  # epochs without a better validation top-5 (then top-1) before stopping early
    seed: int = 0  # fixes initialisation, sample order and augmentation: a run can be repeated
    device: str = "auto"  # auto: cuda when available, else cpu
    precision: str = "auto"  # auto: bf16 autocast on cuda and on CPUs with native bf16 (measured 1.3-2x), else fp32
    channels_last: bool = True  # NHWC memory layout: measured faster for these convs on CPU and on tensor cores
    compile: bool = False  # torch.compile the model: pays off on GPU for long runs; compile time dominates short ones
    threads: int = 2  # intra-op CPU threads per process (this machine has 2 cores); 0 = torch's default
    eval_batch_size: int = 1024  # inference needs no gradients, so larger batches are cheap
    log_every: int = 50  # steps between TensorBoard loss points
    hardest: int = 36  # hardest validation samples shown in hardest_samples.png
    resume: bool = False  # continue runs/<name>/last.pt (same name and config) instead of starting afresh


def _parse_args(argv: list[str] | None) -> TrainConfig:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for field in dataclasses.fields(TrainConfig):
        flag = "--" + field.name.replace("_", "-")
        if field.type in ("bool", bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=field.default)
        else:
            kind = {"int": int, "float": float, "str": str}[str(field.type)]
            parser.add_argument(flag, type=kind, default=field.default, help=f"default {field.default!r}")
    return TrainConfig(**vars(parser.parse_args(argv)))


@dataclass(frozen=True)
class Process:
    """This process's place in a (possibly) distributed run, from torchrun's environment variables."""

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @classmethod
    def from_environment(cls) -> Process:
        return cls(
            rank=int(os.environ.get("RANK", 0)),
            local_rank=int(os.environ.get("LOCAL_RANK", 0)),
            world_size=int(os.environ.get("WORLD_SIZE", 1)),
        )


def hardware() -> dict[str, Any]:
    """Where a run or benchmark ran, for the report (no host names)."""
    import torch

    info: dict[str, Any] = {
        "cpu": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name()
    return info


def _resolve_device(config: TrainConfig, process: Process) -> torch.device:
    import torch

    name = config.device
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError("--device cuda was asked for but torch sees no GPU")
        return torch.device("cuda", process.local_rank)
    if name != "cpu":
        raise ValueError(f"--device must be auto, cpu or cuda, got {name!r}")
    return torch.device("cpu")


def cpu_has_native_bf16() -> bool:
    """AVX512-BF16 or AMX: oneDNN then runs bf16 convolutions natively (without, bf16 is emulated and slower)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _autocast_dtype(config: TrainConfig, device: torch.device) -> torch.dtype | None:
    import torch

    choice = config.precision
    if choice == "auto":
        choice = "bf16" if device.type == "cuda" or cpu_has_native_bf16() else "fp32"
    table = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}
    if choice not in table:
        raise ValueError(f"--precision must be auto, fp32, bf16 or fp16, got {choice!r}")
    return table[choice]


def lr_factor(progress: float, config: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to `min_lr_fraction`, as a function of schedule progress in [0, 1]."""
    progress = min(max(progress, 0.0), 1.0)
    if progress < config.warmup_fraction:
        return max(progress / config.warmup_fraction, 1e-3)
    span = (progress - config.warmup_fraction) / max(1e-9, 1 - config.warmup_fraction)
    return config.min_lr_fraction + (1 - config.min_lr_fraction) * 0.5 * (1 + math.cos(math.pi * span))


def predict_logits(
    model: torch.nn.Module,
    images: np.ndarray,
    batch_size: int,
    device: torch.device,
    autocast: torch.dtype | None = None,
    channels_last: bool = False,
) -> np.ndarray:
    """Logits float32 [N, C] for uint8 counts [N, 32, 32], in eval mode without gradients."""
    import torch

    model.eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            batch = torch.from_numpy(np.asarray(images[start : start + batch_size])).to(device)
            x = as_input(batch)
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=autocast or torch.float32, enabled=autocast is not None):
                outputs.append(model(x).float().cpu().numpy())
    if not outputs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.concatenate(outputs)


def as_input(counts: torch.Tensor) -> torch.Tensor:
    """uint8 ink counts [N, 32, 32] -> the model's float input [N, 1, 32, 32] (counts / 16, as the server)."""
    return counts.float().div_(16).unsqueeze(1)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _cross_entropy(probabilities: np.ndarray, labels: np.ndarray, smoothing: float) -> float:
    """The training loss (label-smoothed cross-entropy) on held-back data, for the curves."""
    log_p = np.log(np.clip(probabilities, 1e-12, None))
    nll = -log_p[np.arange(len(labels)), labels]
    return float(((1 - smoothing) * nll - smoothing * log_p.mean(axis=1)).mean())


def _split_metrics(
    data: trainset.TrainSet,
    split: int,
    model: torch.nn.Module,
    config: TrainConfig,
    device: torch.device,
    autocast: torch.dtype | None,
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    from training.learn import metrics

    indices = data.indices(split)
    logits = predict_logits(model, data.images[indices], config.eval_batch_size, device, autocast, config.channels_last)
    labels = data.labels[indices]
    if len(indices) == 0:
        return {"n": 0, "top1": None, "top5": None, "loss": None}, logits, indices
    probabilities = softmax(logits)
    ranks = metrics.hits(probabilities, labels)
    result = metrics.accuracy(ranks)
    result["loss"] = _cross_entropy(probabilities, labels, config.label_smoothing)
    sources = data.sources
    result["by_source"] = metrics.accuracy_by(ranks, [sources[s] for s in data.source[indices]])
    return result, probabilities, indices


def _start_fresh_synthesis(
    config: TrainConfig, data: trainset.TrainSet, start_epoch: int
) -> tuple[Any, np.ndarray, int]:
    """The background drawer of new synthetic samples, when the set has templates and the config wants it."""
    from training.data.synth import HandVariation
    from training.data.synth.fresh import FreshSynthesis
    from training.data.synth.template_store import FILE_NAME, load_templates

    rows = np.flatnonzero(data.synthetic)
    path = Path(config.data) / FILE_NAME
    if not config.fresh_synthetic or not len(rows) or not path.is_file():
        return None, rows, 0
    return FreshSynthesis(load_templates(path), data.labels[rows], config.seed, HandVariation()), rows, 0


def _save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    import torch

    partial = path.with_suffix(".tmp")
    torch.save(state, partial)
    partial.replace(path)  # never leave a half-written checkpoint behind


def train(config: TrainConfig) -> Path:
    """Run one training and return its run folder (the same folder on every process)."""
    import torch
    import torch.distributed as dist
    import torch.nn.functional as F
    from tqdm import tqdm

    from training.learn import image_warp, models

    process = Process.from_environment()
    if process.world_size > 1 and not dist.is_initialized():
        backend = "nccl" if config.device != "cpu" and torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend=backend)
    if config.threads > 0:
        torch.set_num_threads(
            max(1, config.threads // process.world_size) if process.world_size > 1 else config.threads
        )
    device = _resolve_device(config, process)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    autocast = _autocast_dtype(config, device)
    torch.manual_seed(config.seed)
    np.random.seed(config.seed)

    if not config.name:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        if process.world_size > 1:  # every process must agree on the folder
            holder = [stamp]
            dist.broadcast_object_list(holder, src=0)
            stamp = holder[0]
        config.name = f"{config.model}-{stamp}"
    run_dir = Path(config.runs_dir) / config.name
    last_path, best_path = run_dir / "last.pt", run_dir / "best.pt"
    if process.is_main:
        if run_dir.exists() and not config.resume and any(run_dir.glob("*.pt")):
            raise FileExistsError(f"{run_dir} already holds a run; pick another --name or pass --resume")
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "config.json").write_text(json.dumps(dataclasses.asdict(config), indent=2) + "\n")

    data = trainset.load(config.data)
    classes = data.classes
    train_indices = data.indices(trainset.TRAIN)
    if len(train_indices) == 0:
        raise ValueError(f"{config.data} has no training samples (split 0)")
    weights = trainset.balanced_weights(data.labels[train_indices], len(classes), config.balance_power)
    epoch_length = config.samples_per_epoch or len(train_indices)
    steps_per_epoch = max(1, epoch_length // process.world_size // config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    if process.is_main and not config.resume:
        # What the export needs from the data, saved now: the data folder may be rebuilt while this run trains.
        (run_dir / "data.json").write_text(json.dumps(data.describe(), indent=1) + "\n")
        np.save(run_dir / "parity_images.npy", trainset.fixed_real_batch(data))
    images = torch.from_numpy(np.ascontiguousarray(data.images))
    labels = torch.from_numpy(data.labels)

    model = models.build(config.model, len(classes)).to(device)
    if config.channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    history: list[dict[str, Any]] = []
    start_epoch, step, elapsed_before, best_key, stale = 0, 0, 0.0, (-1.0, -1.0), 0
    if config.resume and last_path.is_file():
        state = torch.load(last_path, map_location=device, weights_only=True)
        if state["classes"] != classes:
            raise ValueError(f"{last_path} was trained on other classes than {config.data} holds")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        history, start_epoch, step = state["history"], state["epoch"] + 1, state["step"]
        elapsed_before, best_key, stale = state["elapsed_s"], tuple(state["best_key"]), state["stale"]
        if process.is_main:
            print(f"resuming {run_dir} after epoch {state['epoch']} (step {step})", flush=True)

    trained: torch.nn.Module = model
    if config.compile:
        trained = torch.compile(trained)
    if process.world_size > 1:
        trained = torch.nn.parallel.DistributedDataParallel(
            trained, device_ids=[device.index] if device.type == "cuda" else None
        )
    writer = None
    if process.is_main:
        from torch.utils.tensorboard import SummaryWriter

        writer = SummaryWriter(log_dir=str(run_dir / "tensorboard"))
        print(
            f"run {run_dir}: {config.model} ({models.count_parameters(model):,} parameters), {len(classes)} classes, "
            f"{len(train_indices):,} training samples, {steps_per_epoch} steps x {config.batch_size} per epoch, "
            f"device {device}, precision {autocast or 'fp32'}, {process.world_size} process(es)",
            flush=True,
        )

    augment_config = WarpConfig()
    fresh, synthetic_rows, refreshed = _start_fresh_synthesis(config, data, start_epoch)
    budget_s = config.time_budget_minutes * 60
    clock_start = time.perf_counter() - elapsed_before
    out_of_time = False
    images_seen, train_seconds = 0, 0.0
    for epoch in range(start_epoch, config.epochs):
        drawn_afresh = fresh is not None and epoch > 0  # epoch 0 learns from the built set's own samples
        if drawn_afresh:
            if epoch == start_epoch:
                fresh.request(epoch)  # a resumed run sees what the uninterrupted run saw
            data.images[synthetic_rows] = fresh.take(epoch)  # `images` shares this memory
            refreshed += 1
        if fresh is not None and epoch + 1 < config.epochs:
            fresh.request(epoch + 1)  # drawn by the worker while this epoch trains
        order = trainset.epoch_order(
            train_indices, weights, epoch_length, config.seed, epoch, process.rank, process.world_size
        )
        order_t = torch.from_numpy(order)
        generator = torch.Generator().manual_seed(config.seed * 1_000_003 + epoch * 101 + process.rank)
        trained.train()
        loss_sum, loss_count = 0.0, 0
        epoch_start = time.perf_counter()
        bar = tqdm(
            range(steps_per_epoch),
            desc=f"epoch {epoch + 1}/{config.epochs}",
            disable=not process.is_main,
            dynamic_ncols=True,
            mininterval=2.0,
        )
        for batch_index in bar:
            progress = step / total_steps
            if budget_s > 0:
                progress = max(progress, (time.perf_counter() - clock_start) / budget_s)
                if progress >= 1.0:
                    out_of_time = True
                    break
            lr = config.lr * lr_factor(progress, config)
            for group in optimizer.param_groups:
                group["lr"] = lr
            chosen = order_t[batch_index * config.batch_size : (batch_index + 1) * config.batch_size]
            x = images[chosen]
            y = labels[chosen]
            if device.type == "cuda":
                x, y = x.pin_memory(), y.pin_memory()
            x = as_input(x.to(device, non_blocking=True))
            y = y.to(device, non_blocking=True)
            if config.augment:
                x = image_warp.random_affine(x, augment_config, generator)
            if config.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=autocast or torch.float32, enabled=autocast is not None):
                loss = F.cross_entropy(trained(x), y, label_smoothing=config.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            loss_value = float(loss.detach())
            loss_sum += loss_value
            loss_count += 1
            if writer is not None and step % config.log_every == 0:
                writer.add_scalar("train/loss", loss_value, step)
                writer.add_scalar("train/lr", lr, step)
            if batch_index % 20 == 0:
                bar.set_postfix(loss=f"{loss_value:.3f}", lr=f"{lr:.2e}")
        bar.close()
        if out_of_time and loss_count == 0:  # the budget ran out between epochs: nothing new to validate
            if process.is_main:
                print(f"time budget of {config.time_budget_minutes} min reached", flush=True)
            break
        epoch_seconds = time.perf_counter() - epoch_start
        images_seen += loss_count * config.batch_size * process.world_size
        train_seconds += epoch_seconds

        validation, _, _ = _split_metrics(data, trainset.VALIDATION, model, config, device, autocast)
        row = {
            "epoch": epoch + 1,
            "step": step,
            "train_loss": loss_sum / max(1, loss_count),
            "val_loss": validation["loss"],
            "val_top1": validation["top1"],
            "val_top5": validation["top5"],
            "lr": optimizer.param_groups[0]["lr"],
            "images_per_s": loss_count * config.batch_size * process.world_size / max(1e-9, epoch_seconds),
            "elapsed_s": time.perf_counter() - clock_start,
            "fresh_synthetic": drawn_afresh,
        }
        history.append(row)
        key = (validation["top5"] or 0.0, validation["top1"] or 0.0)
        improved = key > best_key
        if improved:
            best_key, stale = key, 0
        else:
            stale += 1
        if process.is_main:
            assert writer is not None
            for name in ("val_loss", "val_top1", "val_top5", "train_loss", "images_per_s"):
                if row[name] is not None:
                    writer.add_scalar(f"epoch/{name}", row[name], epoch + 1)
            for name, parameter in model.named_parameters():
                writer.add_histogram(f"weights/{name}", parameter.detach().float().cpu(), epoch + 1)
            writer.flush()
            print(
                f"epoch {epoch + 1}: train loss {row['train_loss']:.3f}, val loss {row['val_loss'] or 0:.3f}, "
                f"val top-1 {100 * (row['val_top1'] or 0):.2f}%, top-5 {100 * (row['val_top5'] or 0):.2f}%, "
                f"{row['images_per_s']:.0f} images/s{' (best)' if improved else ''}",
                flush=True,
            )
            state = {
                "format": 1,
                "model_name": config.model,
                "classes": classes,
                "config": dataclasses.asdict(config),
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "history": history,
                "epoch": epoch,
                "step": step,
                "elapsed_s": row["elapsed_s"],
                "best_key": list(best_key),
                "stale": stale,
            }
            _save_checkpoint(last_path, state)
            if improved:
                _save_checkpoint(
                    best_path,
                    {
                        k: state[k]
                        for k in (
                            "format",
                            "model_name",
                            "classes",
                            "config",
                            "model",
                            "history",
                            "epoch",
                        )
                    },
                )
            (run_dir / "history.json").write_text(json.dumps(history, indent=1) + "\n")
        if out_of_time:
            if process.is_main:
                print(f"time budget of {config.time_budget_minutes} min reached", flush=True)
            break
        if stale >= config.patience:
            if process.is_main:
                print(f"early stop: validation top-5 did not improve for {config.patience} epochs", flush=True)
            break

    if fresh is not None:
        fresh.close()
        if process.is_main:
            print(
                f"synthetic samples drawn afresh for {refreshed} epochs (waited {fresh.waited_s:.0f} s for them)",
                flush=True,
            )
    if process.world_size > 1:
        dist.barrier()
    if process.is_main:
        assert writer is not None
        writer.close()
        _finish(run_dir, data, config, device, autocast, images_seen, train_seconds)
    if process.world_size > 1:
        dist.barrier()
        dist.destroy_process_group()
    return run_dir


def _finish(
    run_dir: Path,
    data: trainset.TrainSet,
    config: TrainConfig,
    device: torch.device,
    autocast: Any,
    images_seen: int,
    train_seconds: float,
) -> None:
    """Reload the best checkpoint, measure validation and test splits, write summary.json and the plots."""
    import torch

    from training.learn import metrics, models, plots

    best = torch.load(run_dir / "best.pt", map_location=device, weights_only=True)
    model = models.build(best["model_name"], len(best["classes"])).to(device)
    model.load_state_dict(best["model"])
    if config.channels_last:
        model = model.to(memory_format=torch.channels_last)
    # Final figures in fp32: the exported model runs in fp32, so these are the numbers it will reproduce.
    validation, val_probabilities, val_indices = _split_metrics(data, trainset.VALIDATION, model, config, device, None)
    test, _, _ = _split_metrics(data, trainset.TEST, model, config, device, None)
    summary = {
        "run": run_dir.name,
        "model": config.model,
        "parameters": models.count_parameters(model),
        "flops": models.count_flops(model.to(memory_format=torch.contiguous_format).cpu()),
        "classes": len(best["classes"]),
        "best_epoch": best["epoch"] + 1,
        "epochs_run": len(json.loads((run_dir / "history.json").read_text())),
        "validation": validation,
        "test": test,
        "train_seconds": round(train_seconds, 1),
        "images_per_s": round(images_seen / max(1e-9, train_seconds), 1),
        "batch_size": config.batch_size,
        "precision": str(autocast or "fp32").replace("torch.", ""),
        "hardware": hardware(),
        "data": data.describe(),
    }
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    full_history = json.loads((run_dir / "history.json").read_text())
    plots.training_curves(full_history, run_dir / "training_curves.png")
    if len(val_indices):
        val_labels = data.labels[val_indices]
        predicted = val_probabilities.argmax(axis=1)
        pairs = metrics.confused_pairs(predicted, val_labels, limit=20)
        plots.confused_pairs(
            pairs, data.images[val_indices], val_labels, predicted, data.classes, run_dir / "confused_pairs.png"
        )
        plots.hardest_samples(
            data.images[val_indices],
            val_labels,
            val_probabilities,
            data.classes,
            run_dir / "hardest_samples.png",
            count=config.hardest,
        )

    def percent(value: float | None) -> str:
        return "n/a" if value is None else f"{100 * value:.2f}%"

    print(
        f"best epoch {summary['best_epoch']}: validation top-1 {percent(validation['top1'])} top-5 "
        f"{percent(validation['top5'])} (n={validation['n']}); test top-1 {percent(test['top1'])} top-5 "
        f"{percent(test['top5'])} (n={test['n']}); {summary['images_per_s']:.0f} images/s; run folder {run_dir}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    train(_parse_args(argv))


if __name__ == "__main__":
    main()
