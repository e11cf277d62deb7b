"""Parse a `POST /feedback` body: a drawing and the symbol the user chose for it, checked like `/predict`.

Only the documented fields are accepted (`extra_forbidden` otherwise), so no client can make the server
store an identity by adding one. Bad input raises `ApiError` (422) naming the field.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from backend.drawing import Drawing, DrawingError, DrawingLimits, strokes_to_arrays
from backend.errors import ApiError, field_to_loc
from backend.feedback.schema import MAX_IDEMPOTENCY_KEY, MAX_SHORT_TEXT
from backend.recognizer import MAX_K

FIELDS = ("strokes", "chosen_id", "shown", "model_version", "client")
# Optional: how the label came about, and the page visit that drew it (contribute mode, issue 15).
OPTIONAL_FIELDS = ("source", "session")
# "pick": the user chose the symbol among candidates or search results (the default); "contribute": the
# contribute page asked for this symbol and the user drew it.
SOURCES = ("pick", "contribute")
# A random id the contribute page makes per visit (a UUID, held in page memory only): it keeps one visit's
# drawings on one side of the train/test split. It identifies a visit, never a person or a browser.
_SESSION = re.compile(r"[A-Za-z0-9-]{8,64}")
# A version string or a client kind: visible ASCII, no spaces, so nothing like free text lands in the table.
_VERSION = re.compile(rf"[\x21-\x7e]{{1,{MAX_SHORT_TEXT}}}")
_CLIENT = re.compile(rf"[A-Za-z0-9._/+-]{{1,{MAX_SHORT_TEXT}}}")
_IDEMPOTENCY_KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_IDEMPOTENCY_KEY}}}")
_NON_JSON_NUMBER = re.compile(rb"(?<![\w\"])-?(NaN|Infinity)(?![\w\"])")


class FeedbackRequest(Drawing):
    """The documented request body (OpenAPI); `parse_feedback_body` enforces it field for field."""

    model_config = ConfigDict(extra="forbid")

    chosen_id: Annotated[str, Field(description="the catalogue id the user picked: the drawing's true label")]
    shown: Annotated[
        list[str], Field(max_length=MAX_K, description="catalogue ids the recognizer showed, in the order shown")
    ]
    model_version: Annotated[str, Field(pattern=_VERSION.pattern, description="`model.version` of that answer")]
    client: Annotated[
        str, Field(pattern=_CLIENT.pattern, description='what sent it, e.g. "extension/0.1.0" or "demo"; no identity')
    ]
    source: Annotated[
        Literal["pick", "contribute"],
        Field(description='"pick" (default): chosen among candidates; "contribute": the contribute page asked for it'),
    ] = "pick"
    session: Annotated[
        str | None,
        Field(
            pattern=f"^{_SESSION.pattern}$",  # anchored: JSON Schema patterns match anywhere in the string
            description="a random id per page visit (contribute page), so one visit's drawings share a split side",
        ),
    ] = None


class FeedbackCreated(BaseModel):
    id: int = Field(description="the stored sample's id (the same id again when a request is retried)")


@dataclass(frozen=True)
class FeedbackSample:
    """One checked submission, ready to store."""

    strokes_json: str
    chosen_id: str
    shown: tuple[str, ...]
    model_version: str
    client: str
    source: str = "pick"
    session: str | None = None

    @property
    def chosen_rank(self) -> int | None:
        """1-based place of the chosen symbol among those shown; None when the user found it elsewhere."""
        return self.shown.index(self.chosen_id) + 1 if self.chosen_id in self.shown else None

    def sha256(self) -> str:
        """Fingerprint of the content, to tell a retry (same) from a reused idempotency key (different)."""
        fields: list[object] = [self.strokes_json, self.chosen_id, list(self.shown), self.model_version, self.client]
        if self.source != "pick" or self.session is not None:
            # Appended only when set, so samples stored before these fields existed keep their fingerprint.
            fields += [self.source, self.session]
        canonical = orjson.dumps(fields)
        return hashlib.sha256(canonical).hexdigest()


def parse_feedback_body(body: bytes, known_ids: Container[str], limits: DrawingLimits) -> FeedbackSample:
    """The checked sample, or `ApiError` (422) naming the first offending field."""
    data = _load_object(body)
    for key in data:
        if key not in FIELDS and key not in OPTIONAL_FIELDS:
            raise ApiError(
                422,
                ["body", key],
                f"is not a field of feedback (expected {', '.join(FIELDS)}; optional {', '.join(OPTIONAL_FIELDS)})",
                "extra_forbidden",
            )
    for key in FIELDS:
        if key not in data:
            raise ApiError(422, ["body", key], "is required", "missing")
    try:
        strokes_to_arrays(data["strokes"], limits)
    except DrawingError as error:
        raise ApiError(422, field_to_loc(error.field), error.message, "value_error") from None
    chosen_id = _known_id(data["chosen_id"], ["body", "chosen_id"], known_ids)
    shown = data["shown"]
    if not isinstance(shown, list):
        raise ApiError(422, ["body", "shown"], "must be a list of catalogue ids", "list_type")
    if len(shown) > MAX_K:
        raise ApiError(422, ["body", "shown"], f"has {len(shown)} ids, more than a /predict answer ({MAX_K})")
    for index, symbol_id in enumerate(shown):
        _known_id(symbol_id, ["body", "shown", index], known_ids)
        if symbol_id in shown[:index]:
            raise ApiError(422, ["body", "shown", index], f"repeats {symbol_id!r}: each id is shown once")
    model_version = _text(data["model_version"], "model_version", _VERSION, "visible ASCII without spaces")
    client = _text(data["client"], "client", _CLIENT, 'letters, digits and . _ / + - (e.g. "demo")')
    source = data.get("source", "pick")
    if source not in SOURCES:
        raise ApiError(422, ["body", "source"], f"must be one of {', '.join(SOURCES)}", "literal_error")
    session = data.get("session")
    if session is not None and not (isinstance(session, str) and _SESSION.fullmatch(session)):
        raise ApiError(
            422,
            ["body", "session"],
            "must be 8 to 64 letters, digits or - (a random UUID per visit), or left out",
            "string_pattern_mismatch",
        )
    return FeedbackSample(
        strokes_json=orjson.dumps(data["strokes"]).decode(),
        chosen_id=chosen_id,
        shown=tuple(shown),
        model_version=model_version,
        client=client,
        source=source,
        session=session,
    )


def check_idempotency_key(value: str | None) -> str | None:
    """The `Idempotency-Key` header if well formed (a UUID is ideal), None when absent, else `ApiError`."""
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(value):
        raise ApiError(
            422,
            ["header", "Idempotency-Key"],
            f"must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters (a UUID is ideal)",
            "string_pattern_mismatch",
        )
    return value


def _load_object(body: bytes) -> dict[str, Any]:
    try:
        data: Any = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        if _NON_JSON_NUMBER.search(body):
            msg = "NaN and Infinity are not JSON numbers: every coordinate must be a finite number"
        else:
            msg = f"the body is not valid JSON: {error}"
        raise ApiError(422, ["body"], msg, "json_invalid") from None
    if not isinstance(data, dict):
        raise ApiError(422, ["body"], "must be a JSON object with " + ", ".join(FIELDS), "model_attributes_type")
    return data


def _known_id(value: Any, loc: list[str | int], known_ids: Container[str]) -> str:
    if not isinstance(value, str):
        raise ApiError(422, loc, "must be a catalogue id (a string)", "string_type")
    if value not in known_ids:
        raise ApiError(422, loc, f"{value[:80]!r} is not a symbol of the catalogue", "value_error")
    return value


def _text(value: Any, field: str, pattern: re.Pattern[str], allowed: str) -> str:
    if not isinstance(value, str):
        raise ApiError(422, ["body", field], "must be a string", "string_type")
    if not pattern.fullmatch(value):
        raise ApiError(
            422, ["body", field], f"must be 1 to {MAX_SHORT_TEXT} characters: {allowed}", "string_pattern_mismatch"
        )
    return value
