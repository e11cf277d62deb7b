"""Fixed, grouped splits: a group's hash decides its side, so no writer or expression is cut in two.

`bucket = sha256("<salt>|<source>|<group>") mod 100`; buckets below `test_percent` are test, the next
`validation_percent` validation, the rest train. The rule depends on nothing but the group key, so a
group keeps its side in every build, whatever else the data holds, and held-out figures stay comparable.
Synthetic samples are always train. Groups: CROHME's `group` field (writer, else source expression);
detypify, Detexify and anonymous feedback have no writer, so each sample is its own group.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

TRAIN, VALIDATION, TEST = 0, 1, 2
SPLIT_NAMES = ("train", "validation", "test")
SALT = "texsketch-split-v1"


@dataclass(frozen=True)
class SplitRule:
    test_percent: int = 10
    validation_percent: int = 10

    def __post_init__(self) -> None:
        if not (
            self.test_percent >= 0
            and self.validation_percent >= 0
            and self.test_percent + self.validation_percent < 100
        ):
            raise ValueError("test_percent and validation_percent must be >= 0 and leave some training data")

    def split_of(self, source: str, group: str) -> int:
        digest = hashlib.sha256(f"{SALT}|{source}|{group}".encode()).digest()
        bucket = int.from_bytes(digest[:8], "big") % 100
        if bucket < self.test_percent:
            return TEST
        if bucket < self.test_percent + self.validation_percent:
            return VALIDATION
        return TRAIN

    def describe(self) -> dict[str, Any]:
        return {
            "rule": f"sha256('{SALT}|<source>|<group>') mod 100: < {self.test_percent} test, "
            f"< {self.test_percent + self.validation_percent} validation, else train",
            "test_percent": self.test_percent,
            "validation_percent": self.validation_percent,
            "synthetic": "always train",
            "groups": {
                "crohme": "the file's group field (writer where known, else source expression)",
                "detypify": "each sample alone (the file has no writer)",
                "detexify": "each sample alone (the dump keeps no writer)",
                "feedback": "session when the export names one, else each sample alone",
            },
        }
