"""Fixtures shared by the training, export and evaluation tests: one tiny rendered set and one run on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.training.tiny_trainset import shared_folder, train_tiny_run, write_tiny_trainset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_folder(tmp_path_factory, "tiny-data", write_tiny_trainset)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, dataset: Path) -> Path:
    return shared_folder(tmp_path_factory, "tiny-runs", lambda folder: train_tiny_run(folder, dataset))
