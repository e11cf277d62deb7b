"""Where a run runs: its place among torchrun's processes, the process group, the device and the precision."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Process:
    """This process's place in a (possibly) distributed run, from torchrun's environment variables."""

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @classmethod
    def from_environment(cls) -> Process:
        return cls(
            rank=int(os.environ.get("RANK", 0)),
            local_rank=int(os.environ.get("LOCAL_RANK", 0)),
            world_size=int(os.environ.get("WORLD_SIZE", 1)),
        )


@dataclass(frozen=True)
class Runtime:
    """What `start` settled: the process, its device, and the autocast dtype (None: fp32)."""

    process: Process
    device: torch.device
    autocast: torch.dtype | None


def start(device: str, precision: str, threads: int, seed: int) -> Runtime:
    """Join torchrun's process group (gloo on CPU, NCCL on GPU), set threads, pick device and precision, seed."""
    import torch
    import torch.distributed as dist

    process = Process.from_environment()
    if process.distributed and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device != "cpu" and torch.cuda.is_available() else "gloo")
    if threads > 0:  # the machine's threads are shared between the processes
        torch.set_num_threads(max(1, threads // process.world_size) if process.distributed else threads)
    chosen = resolve_device(device, process)
    if chosen.type == "cuda":
        torch.cuda.set_device(chosen)
    autocast = autocast_dtype(precision, chosen)
    torch.manual_seed(seed)
    np.random.seed(seed)
    return Runtime(process, chosen, autocast)


def agree(value: Any, process: Process) -> Any:
    """Rank 0's `value` on every process (a run name stamped with the time must be one name)."""
    if not process.distributed:
        return value
    import torch.distributed as dist

    holder = [value]
    dist.broadcast_object_list(holder, src=0)
    return holder[0]


def barrier(process: Process) -> None:
    if process.distributed:
        import torch.distributed as dist

        dist.barrier()


def leave(process: Process) -> None:
    """Wait for every process, then leave the process group."""
    if process.distributed:
        import torch.distributed as dist

        dist.barrier()
        dist.destroy_process_group()


def resolve_device(name: str, process: Process) -> torch.device:
    import torch

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


def autocast_dtype(precision: str, device: torch.device) -> torch.dtype | None:
    import torch

    if precision == "auto":
        precision = "bf16" if device.type == "cuda" or cpu_has_native_bf16() else "fp32"
    table = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}
    if precision not in table:
        raise ValueError(f"--precision must be auto, fp32, bf16 or fp16, got {precision!r}")
    return table[precision]


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
