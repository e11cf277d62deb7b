"""Response shapes as OpenAPI documents them. Handlers build the same dicts directly (orjson), for speed;
tests check real answers against these models so documentation and behaviour cannot drift apart."""

from __future__ import annotations

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


class SymbolList(BaseModel):
    symbols: list[SymbolSummary]
    total: int


class Health(BaseModel):
    status: str
    model: ModelInfo
    labels: int
    # Model labels missing from the catalogue (a catalogue newer than the model): never shown in answers.
    unlisted_labels: int
    symbols: int
    uptime_s: float
    batching: bool


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorResponse(BaseModel):
    detail: list[ErrorItem]
