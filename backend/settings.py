"""Server settings: environment variables `TEXSKETCH_*`, overridden by `python -m backend` flags.

Every field has a default that serves the shipped model on loopback, so `python -m backend` needs no
configuration; a deployment changes only what differs (e.g. `TEXSKETCH_HOST=0.0.0.0` in a container).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.drawing import DrawingLimits
from backend.feedback.database import DEFAULT_DATABASE_URL, check_database_setting

REPO_ROOT = Path(__file__).resolve().parent.parent

LogLevel = Literal["critical", "error", "warning", "info", "debug", "trace"]


class Settings(BaseSettings):
    """What an operator may change; read from `TEXSKETCH_<FIELD>` (upper case)."""

    model_config = SettingsConfigDict(env_prefix="TEXSKETCH_", extra="ignore")

    # The shipped model (model.onnx, model.json), the catalogue (symbols.json) and previews/ live together.
    model_dir: Path = REPO_ROOT / "models"
    # Loopback by default: the extension reaches it from its service worker; nothing else needs to.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Processes serving the same stateless app; each loads its own copy of the (small) model.
    workers: int = Field(default=1, ge=1, le=64)
    # onnxruntime intra-op threads per process: one image is too small to split, so 1 unless batches are big.
    threads: int = Field(default=1, ge=1, le=64)
    # Collect requests that arrive while inference runs into one batch (one session call, off the event loop).
    batching: bool = True
    # Upper bound on one batch: latency of the last request in it grows with the batch.
    max_batch: int = Field(default=64, ge=1, le=1024)
    log_level: LogLevel = "info"
    # A log line per prediction costs throughput and disk; /metrics counts every request anyway.
    access_log: bool = False
    # Drawing limits (see backend.drawing.DrawingLimits for why these sizes).
    max_strokes: int = Field(default=DrawingLimits.max_strokes, ge=1)
    max_points_per_stroke: int = Field(default=DrawingLimits.max_points_per_stroke, ge=1)
    max_points: int = Field(default=DrawingLimits.max_points, ge=1)
    # A drawing at the point limit with [x, y, t] and long floats is about 200 KB; more is not a drawing.
    max_body_bytes: int = Field(default=512 * 1024, ge=1024)
    # Browser origins allowed to call the API from page scripts. Empty: no CORS headers at all (the extension's
    # service worker and same-origin demo page need none). Never "*": any web page could then use the server.
    cors_origins: list[str] = Field(default_factory=list)
    # Where POST /feedback stores samples (backend/feedback/README.md): sqlite:///path (relative to the working
    # directory) or postgresql://...; "off" stores nothing. DATABASE_URL is read too, as container platforms set it.
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("TEXSKETCH_DATABASE_URL", "DATABASE_URL", "database_url"),
    )

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError('"*" would let every web page use the server; list the origins that need it')
        return value

    @field_validator("database_url")
    @classmethod
    def _usable_database_url(cls, value: str) -> str:
        return check_database_setting(value)

    def drawing_limits(self) -> DrawingLimits:
        return DrawingLimits(
            max_strokes=self.max_strokes,
            max_points_per_stroke=self.max_points_per_stroke,
            max_points=self.max_points,
        )
