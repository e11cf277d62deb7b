"""A config dataclass as command-line flags: typed fields, --x / --no-x booleans, the dataclass's defaults."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from training.learn.config_flags import parse_config


@dataclass
class Example:
    data: str = "data-cache/dataset"
    epochs: int = 4
    lr: float = 3e-3
    augment: bool = True


def test_parse_config_keeps_defaults_and_types_the_flags() -> None:
    assert parse_config(Example, [], None) == Example()
    parsed = parse_config(Example, ["--epochs", "7", "--lr", "0.5", "--no-augment", "--data", "x"], None)
    assert parsed == Example(data="x", epochs=7, lr=0.5, augment=False)
    assert isinstance(parsed.epochs, int) and isinstance(parsed.lr, float)


def test_parse_config_refuses_a_value_of_the_wrong_type() -> None:
    with pytest.raises(SystemExit):
        parse_config(Example, ["--epochs", "seven"], None)
