"""Response shapes as OpenAPI documents them. Handlers build the same dicts directly (orjson), for speed;
tests check real answers against these models so documentation and behaviour cannot drift apart."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from backend.symbol_json import Mode


class Alternative(BaseModel):
    id: str
    command: str
    package: str | None
    mode: Mode


class SymbolSummary(Alternative):
    unicode: str | None
    preview_url: str | None


class Candidate(SymbolSummary):
    score: float
    alternatives: list[Alternative]


class ModelInfo(BaseModel):
    version: str
    sha256: str


class PredictResponse(BaseModel):
    predictions: list[Candidate]
    # How often the first candidate is the drawn symbol for answers scored like this (calibrated on held-out
    # real drawings), and whether the drawing looks like no one symbol (backend/confidence.py).
    confidence: float
    not_sure: bool
    model: ModelInfo
    # Only with `"embedding": true`: the model's L2-normalised embedding, null when the model has none.
    embedding: list[float] | None = None


class SymbolDetail(SymbolSummary):
    fontenc: str | None
    math: bool
    text: bool
    glyph: str
    source: str
    names: list[str]
    alternatives: list[Alternative]


class GroupRepresentative(BaseModel):
    id: str
    command: str


class SymbolRow(SymbolSummary):
    # Every package offering the command, preferred first ("latex2e": no \usepackage needed); `package` is the first.
    packages: list[str]
    # Files of the usage corpus (TeX Live's documentation sources) that use the command: the ranking's tie-break.
    usage: int
    # The command that answers for this symbol's look-alike group when it is another one (`\to`: `\rightarrow`).
    alias_of: GroupRepresentative | None


class SymbolList(BaseModel):
    symbols: list[SymbolRow]
    # Matching rows in all; `symbols` holds the first `limit` of them ("24 of 112").
    total: int


# ok: working; down: not working now; disabled: turned off by configuration (feedback with DATABASE_URL=off).
DependencyState = Literal["ok", "down", "disabled"]


class Dependencies(BaseModel):
    model: DependencyState
    catalogue: DependencyState
    feedback_store: DependencyState


class Health(BaseModel):
    # ok: everything configured works. degraded: /predict and /symbols work, feedback is refused (503) until
    # its database is back; taking this instance out of rotation would not help, the database is shared.
    # down: nothing can be served (HTTP 503).
    status: Literal["ok", "degraded", "down"]
    dependencies: Dependencies
    model: ModelInfo
    labels: int
    # Model labels missing from the catalogue (a catalogue newer than the model): never shown in answers.
    unlisted_labels: int
    symbols: int
    uptime_s: float
    batching: bool


class Probe(BaseModel):
    status: Literal["ok", "ready", "not_ready"]


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorResponse(BaseModel):
    detail: list[ErrorItem]
