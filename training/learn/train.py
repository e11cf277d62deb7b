"""Train a registered CNN on a built training set: `python -m training.learn.train --data data-cache/dataset`.

One code path for CPU and GPU (bf16 autocast, channels_last, pinned memory, optional torch.compile on GPU)
and for several processes: started by `torchrun --nproc_per_node=K -m training.learn.train ...`, each process
trains a DistributedDataParallel replica on its share of every epoch (gloo on CPU, NCCL on GPU).

A run lives in `runs/<name>/`: `config.json` (this file's `TrainConfig`, resolved), `last.pt` / `best.pt`
(checkpoints; `--resume` continues from `last.pt`), `history.json`, `summary.json`, `tensorboard/`, and
the PNG plots (training curves, most confused pairs, hardest validation samples).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.learn import checkpoint, run_folder, runtime, trainset, warm_start
from training.learn.config_flags import parse_config
from training.learn.early_stop import EarlyStop
from training.learn.fresh_rows import FreshRows
from training.learn.image_warp import WarpConfig
from training.learn.logbook import Logbook
from training.learn.report import finish
from training.learn.schedule import Schedule, lr_factor
from training.learn.validate import as_input, split_metrics


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
    patience: int = 6  # epochs without a better validation top-5 (then top-1) before stopping early. A warm-started
    # run (init_from) needs one longer than the run: its first epoch still answers the source's classes, which fill
    # the validation split, and set a top-5 that the 6 Dec retrain did not beat for 40 epochs of a high learning
    # rate (it stopped at epoch 41 of about 60; resumed with --patience 1000)
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
    init_from: str = ""  # a run's best.pt or a shipped model.float.onnx to start from (training.learn.warm_start):
    # the shipping retrain of a larger catalogue keeps what the shipped model learnt; never for the transfer measure
    warm_start_images: int = 4096  # training images that measure batch-norm statistics for an ONNX warm start


def _parse_args(argv: list[str] | None) -> TrainConfig:
    return parse_config(TrainConfig, argv, __doc__)


def train(config: TrainConfig) -> Path:
    """Run one training and return its run folder (the same folder on every process)."""
    import torch
    import torch.nn.functional as F
    from tqdm import tqdm

    from training.learn import image_warp, models

    run = runtime.start(config.device, config.precision, config.threads, config.seed)
    process, device, autocast = run.process, run.device, run.autocast
    run_dir = run_folder.create(config, process)
    data = trainset.load(config.data)
    train_rows = data.indices(trainset.TRAIN)
    if len(train_rows) == 0:
        raise ValueError(f"{config.data} has no training samples (split 0)")
    weights = trainset.balanced_weights(data.labels[train_rows], len(data.classes), config.balance_power)
    epoch_length = config.samples_per_epoch or len(train_rows)
    steps_per_epoch = max(1, epoch_length // process.world_size // config.batch_size)
    if process.is_main and not config.resume:
        run_folder.record_data(run_dir, data)
    images = torch.from_numpy(np.ascontiguousarray(data.images))  # shares memory with `data` (fresh rows)
    labels = torch.from_numpy(data.labels)

    model = models.build(config.model, len(data.classes))
    warm = None
    if config.init_from:  # before `resume`, which overwrites it when the run already has a last.pt
        rows = np.random.default_rng(config.seed).choice(
            train_rows, min(len(train_rows), config.warm_start_images), replace=False
        )
        warm = warm_start.apply(model, data.classes, Path(config.init_from), data.images[np.sort(rows)])
    model = model.to(device)
    if config.channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    done = checkpoint.Resumed()
    if config.resume:
        done = checkpoint.resume(run_dir, model, optimizer, data.classes, config.data, device, process.is_main)
    history, step = done.history, done.step
    trained = torch.compile(model) if config.compile else model
    if process.distributed:
        ids = [device.index] if device.type == "cuda" else None
        trained = torch.nn.parallel.DistributedDataParallel(trained, device_ids=ids)
    log = Logbook(run_dir, config.log_every, process.is_main)
    if warm is not None:
        log.say(warm.describe())
        if process.is_main:  # the export copies it into model.json: which model this one grew from
            warm.save(run_dir)
    log.say(
        f"run {run_dir}: {config.model} ({models.count_parameters(model):,} parameters), {len(data.classes)} "
        f"classes, {len(train_rows):,} training samples, {steps_per_epoch} steps x {config.batch_size} per epoch, "
        f"device {device}, precision {autocast or 'fp32'}, {process.world_size} process(es)"
    )
    warp = WarpConfig()
    fresh = FreshRows(data, config.data, config.seed, config.fresh_synthetic)
    schedule = Schedule(steps_per_epoch * config.epochs, config.time_budget_minutes, done.elapsed_s)
    stop = EarlyStop(config.patience, done.best_key, done.stale)
    images_seen, train_seconds = 0, 0.0

    for epoch in range(done.start_epoch, config.epochs):
        drawn_afresh = fresh.before_epoch(epoch, done.start_epoch, config.epochs)
        order = trainset.epoch_order(
            train_rows, weights, epoch_length, config.seed, epoch, process.rank, process.world_size
        )
        batches = torch.from_numpy(order).split(config.batch_size)[:steps_per_epoch]
        generator = torch.Generator().manual_seed(config.seed * 1_000_003 + epoch * 101 + process.rank)
        trained.train()
        loss_sum, loss_count, epoch_start = 0.0, 0, time.perf_counter()
        title = f"epoch {epoch + 1}/{config.epochs}"
        bar = tqdm(batches, title, disable=not process.is_main, dynamic_ncols=True, mininterval=2)
        for chosen in bar:
            progress = schedule.progress(step)
            if schedule.out_of_time:
                break
            lr = config.lr * lr_factor(progress, config.warmup_fraction, config.min_lr_fraction)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, y = images[chosen], labels[chosen]
            if device.type == "cuda":
                x, y = x.pin_memory(), y.pin_memory()
            x, y = as_input(x.to(device, non_blocking=True)), y.to(device, non_blocking=True)
            if config.augment:
                x = image_warp.random_affine(x, warp, generator)
            if config.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=autocast or torch.float32, enabled=autocast is not None):
                loss = F.cross_entropy(trained(x), y, label_smoothing=config.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step, loss_value = step + 1, float(loss.detach())
            loss_sum, loss_count = loss_sum + loss_value, loss_count + 1
            log.step(step, loss_value, lr)
            if loss_count % 20 == 1:
                bar.set_postfix(loss=f"{loss_value:.3f}", lr=f"{lr:.2e}")
        bar.close()
        if schedule.out_of_time and loss_count == 0:  # the budget ran out between epochs: nothing new to validate
            break
        epoch_seconds = time.perf_counter() - epoch_start
        images_seen += loss_count * config.batch_size * process.world_size
        train_seconds += epoch_seconds

        validation, _, _ = split_metrics(
            data,
            trainset.VALIDATION,
            model,
            config.eval_batch_size,
            device,
            autocast,
            config.channels_last,
            config.label_smoothing,
        )
        history.append(
            {
                "epoch": epoch + 1,
                "step": step,
                "train_loss": loss_sum / max(1, loss_count),
                "val_loss": validation["loss"],
                "val_top1": validation["top1"],
                "val_top5": validation["top5"],
                "lr": optimizer.param_groups[0]["lr"],
                "images_per_s": loss_count * config.batch_size * process.world_size / max(1e-9, epoch_seconds),
                "elapsed_s": schedule.elapsed_s(),
                "fresh_synthetic": drawn_afresh,
            }
        )
        improved = stop.update(validation)
        log.epoch(history, model, improved)
        if process.is_main:
            state = {
                **checkpoint.described_model(
                    config.model, data.classes, dataclasses.asdict(config), model, history, epoch
                ),
                "optimizer": optimizer.state_dict(),
                "step": step,
                "elapsed_s": history[-1]["elapsed_s"],
                **stop.state(),
            }
            checkpoint.save_epoch(run_dir, state, improved)
        log.save_history(history)
        if schedule.out_of_time or stop.should_stop:
            break

    if schedule.out_of_time:
        log.say(f"time budget of {config.time_budget_minutes} min reached")
    elif stop.should_stop:
        log.say(f"early stop: validation top-5 did not improve for {config.patience} epochs")
    fresh.close(process.is_main)
    runtime.barrier(process)
    log.close()
    if process.is_main:
        finish(run_dir, data, config, device, autocast, images_seen, train_seconds)
    runtime.leave(process)
    return run_dir


def main(argv: list[str] | None = None) -> None:
    train(_parse_args(argv))


if __name__ == "__main__":
    main()
