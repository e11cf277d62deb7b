"""The training set: `python -m training.data build` reads every source into the folder of contracts.md section 2."""

from training.data.build.config import DataConfig
from training.data.build.dataset import build
from training.data.build.splits import TEST, TRAIN, VALIDATION, SplitRule

__all__ = ["TEST", "TRAIN", "VALIDATION", "DataConfig", "SplitRule", "build"]
