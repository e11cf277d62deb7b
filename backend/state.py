"""What a running server holds: built once in the lifespan, read by every request."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from backend.batcher import InferenceBatcher
from backend.catalogue import Catalogue
from backend.drawing import DrawingLimits
from backend.metrics import Metrics
from backend.recognizer import Recognizer
from backend.settings import Settings
from backend.symbol_search import SymbolIndex


@dataclass
class ServerState:
    settings: Settings
    limits: DrawingLimits
    catalogue: Catalogue
    recognizer: Recognizer
    index: SymbolIndex
    metrics: Metrics
    batcher: InferenceBatcher | None
    started: float = field(default_factory=time.monotonic)
