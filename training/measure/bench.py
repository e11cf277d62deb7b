"""`make bench`, training part: training throughput per model and the shipped model's inference time.

    python -m training.measure.bench [--models resnet_small lenet5] [--batch-size 256] [--onnx models/model.onnx]

- Training: images/s of full training steps (forward, label-smoothed loss, backward, AdamW step) on random
  32x32 batches, after warm-up steps; on the CPU (with the thread count given) and on the GPU when present,
  with the batch size and precision stated.
- Inference: per-sample latency of the exported ONNX model in onnxruntime with one thread (the server's
  per-request path), median and p99 over many single-image calls, and batched throughput.
Numbers are measurements on whatever machine runs this; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class BenchConfig:
    models: list[str] = field(default_factory=lambda: ["lenet5", "resnet_tiny", "resnet_small"])  # what to time
    classes: int = 1166  # output width like the shipped model's
    batch_size: int = 256  # the training default
    steps: int = 12  # timed training steps per case, after warm_up
    warm_up: int = 3  # untimed first steps (allocation, oneDNN kernel selection)
    threads: int = 2  # CPU threads for training (this machine has 2 cores)
    onnx: str = "models/model.onnx"  # the shipped model for the inference part
    calls: int = 2000  # single-image inference calls timed
    json: bool = False  # end with one JSON line


def train_throughput(name: str, device: str, precision: str, config: BenchConfig) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F

    from training.learn import models

    model = models.build(name, config.classes).to(device).to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.rand(config.batch_size, 1, 32, 32, device=device).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, config.classes, (config.batch_size,), device=device)
    dtype = {"fp32": None, "bf16": torch.bfloat16}[precision]
    model.train()

    def step() -> None:
        with torch.autocast(device, dtype=dtype or torch.float32, enabled=dtype is not None):
            loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    for _ in range(config.warm_up):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(config.steps):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return {
        "model": name,
        "device": device,
        "precision": precision,
        "batch_size": config.batch_size,
        "images_per_s": round(config.steps * config.batch_size / seconds, 1),
    }


def inference_latency(onnx_path: Path, calls: int) -> dict[str, Any]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    images = (rng.integers(0, 17, size=(64, 1, 32, 32)) / 16).astype(np.float32)
    for index in range(50):
        session.run(None, {"image": images[index % 64 : index % 64 + 1]})
    times = []
    for index in range(calls):
        start = time.perf_counter()
        session.run(None, {"image": images[index % 64 : index % 64 + 1]})
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(10):
        session.run(None, {"image": images})
    batched = (time.perf_counter() - start) / (10 * 64)
    ms = np.array(times) * 1e3
    return {
        "onnx_mb": round(onnx_path.stat().st_size / 1e6, 2),
        "threads": 1,
        "calls": calls,
        "median_ms": round(float(np.median(ms)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "batch64_ms_per_sample": round(batched * 1e3, 3),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import torch

    from training.learn.runtime import hardware

    defaults = BenchConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=defaults.models)
    parser.add_argument("--classes", type=int, default=defaults.classes)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--steps", type=int, default=defaults.steps)
    parser.add_argument("--warm-up", type=int, default=defaults.warm_up)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--onnx", default=defaults.onnx)
    parser.add_argument("--calls", type=int, default=defaults.calls)
    parser.add_argument("--json", action="store_true")
    config = BenchConfig(**vars(parser.parse_args(argv)))
    torch.set_num_threads(config.threads)

    result: dict[str, Any] = {"hardware": hardware(), "training": [], "inference": None}
    cases = [("cpu", "fp32"), ("cpu", "bf16")]
    if torch.cuda.is_available():
        cases += [("cuda", "fp32"), ("cuda", "bf16")]
    print(f"training throughput ({config.threads} CPU threads, batch {config.batch_size}, {config.steps} steps):")
    for name in config.models:
        for device, precision in cases:
            row = train_throughput(name, device, precision, config)
            result["training"].append(row)
            print(f"  {name:<14} {device:<5} {precision:<5} {row['images_per_s']:>9.1f} images/s", flush=True)
    onnx_path = Path(config.onnx)
    if onnx_path.is_file():
        latency = inference_latency(onnx_path, config.calls)
        result["inference"] = latency
        print(
            f"inference {onnx_path} ({latency['onnx_mb']} MB), onnxruntime 1 thread: median "
            f"{latency['median_ms']} ms, p99 {latency['p99_ms']} ms per single image; batch of 64: "
            f"{latency['batch64_ms_per_sample']} ms per image"
        )
    else:
        print(f"inference: {onnx_path} not found, skipped (export a model first)")
    if config.json:
        print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
