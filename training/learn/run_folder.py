"""The run folder `runs/<name>/`: its name, the refusal to overwrite a finished run, and the files written at start."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from training.learn import runtime, trainset


def create(config: Any, process: runtime.Process) -> Path:
    """`runs_dir/name` (named `<model>-<UTC time>` when unnamed, one name on every process) with `config.json`."""
    if not config.name:
        stamp = runtime.agree(time.strftime("%Y%m%d-%H%M%S", time.gmtime()), process)
        config.name = f"{config.model}-{stamp}"
    run_dir = Path(config.runs_dir) / config.name
    if process.is_main:
        if run_dir.exists() and not config.resume and any(run_dir.glob("*.pt")):
            raise FileExistsError(f"{run_dir} already holds a run; pick another --name or pass --resume")
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "config.json").write_text(json.dumps(dataclasses.asdict(config), indent=2) + "\n")
    return run_dir


def record_data(run_dir: Path, data: trainset.TrainSet) -> None:
    """What the export needs from the data, saved at the start: the data folder may be rebuilt while the run trains."""
    (run_dir / "data.json").write_text(json.dumps(data.describe(), indent=1) + "\n")
    np.save(run_dir / "parity_images.npy", trainset.fixed_real_batch(data))
