"""Parsing POST /feedback bodies: what is accepted, and a clear 422 naming the field for everything else."""

from __future__ import annotations

from typing import Any

import pytest

from backend.drawing import DrawingLimits
from backend.errors import ApiError
from backend.feedback.submission import check_idempotency_key, parse_feedback_body
from tests.backend.feedback.support import ALPHA, ARROW, KNOWN_IDS, REALS, SUM, encode, feedback_body


def parse(body: Any, limits: DrawingLimits | None = None) -> Any:
    raw = body if isinstance(body, bytes) else encode(body)
    return parse_feedback_body(raw, KNOWN_IDS, limits or DrawingLimits())


def test_parse_feedback_body_keeps_the_drawing_exactly() -> None:
    body = feedback_body(chosen_id=ALPHA)
    sample = parse(body)
    assert sample.strokes_json == "[[[0,0,0],[10,12.5,16],[20,3,33]],[[5,5],[6,7.25]]]"
    assert (sample.chosen_id, sample.shown, sample.model_version, sample.client) == (
        ALPHA,
        (ARROW, ALPHA, SUM),
        "fixture-1",
        "test/1.0",
    )
    assert sample.chosen_rank == 2


def test_parse_feedback_body_rank_is_none_when_the_choice_was_not_shown() -> None:
    assert parse(feedback_body(chosen_id=REALS)).chosen_rank is None
    assert parse(feedback_body(chosen_id=REALS, shown=[])).chosen_rank is None


def test_parse_feedback_body_contribution_keeps_source_and_session() -> None:
    sample = parse(feedback_body(source="contribute", session="3f2b9c1e-77aa-4d2e-9b1f-0c8d7e6a5b4c", shown=[]))
    assert (sample.source, sample.session) == ("contribute", "3f2b9c1e-77aa-4d2e-9b1f-0c8d7e6a5b4c")
    plain = parse(feedback_body())
    assert (plain.source, plain.session) == ("pick", None)
    # A pick's fingerprint is what it was before contributions existed, so old idempotency keys still match.
    assert plain.sha256() == parse(feedback_body(source="pick")).sha256()
    assert sample.sha256() != parse(feedback_body(shown=[])).sha256()


def test_sample_fingerprint_tells_samples_apart() -> None:
    assert parse(feedback_body(1)).sha256() == parse(feedback_body(1)).sha256()
    assert parse(feedback_body(1)).sha256() != parse(feedback_body(2)).sha256()
    assert parse(feedback_body(1)).sha256() != parse(feedback_body(1, client="demo")).sha256()


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        (b"{", ["body"], "not valid JSON"),
        (b'{"strokes": [[[NaN, 1]]]}', ["body"], "NaN and Infinity are not JSON numbers"),
        ([1, 2], ["body"], "must be a JSON object"),
        (feedback_body(ip="203.0.113.9"), ["body", "ip"], "is not a field of feedback"),
        (feedback_body(user="someone"), ["body", "user"], "is not a field of feedback"),
        ({k: v for k, v in feedback_body().items() if k != "shown"}, ["body", "shown"], "is required"),
        (feedback_body(strokes=[]), ["body", "strokes"], "the drawing is empty"),
        (feedback_body(strokes=[[[0, 0], [1, "2"]]]), ["body", "strokes", 0, 1, 1], "must be a number"),
        (feedback_body(strokes=[[[0, 0]], []]), ["body", "strokes", 1], "has no points"),
        (feedback_body(strokes=[[[0, 1e12]]]), ["body", "strokes", 0, 0, 1], "coordinate limit"),
        (feedback_body(chosen_id="latex2e-OT1-_nosuchsymbol"), ["body", "chosen_id"], "not a symbol of the catalogue"),
        (feedback_body(chosen_id=7), ["body", "chosen_id"], "must be a catalogue id"),
        (feedback_body(shown=[ARROW, "bogus"]), ["body", "shown", 1], "not a symbol of the catalogue"),
        (feedback_body(shown=[ARROW, ARROW]), ["body", "shown", 1], "repeats"),
        (feedback_body(shown=ARROW), ["body", "shown"], "must be a list"),
        (feedback_body(shown=[ARROW] * 21), ["body", "shown"], "more than a /predict answer"),
        (feedback_body(model_version="1 2"), ["body", "model_version"], "visible ASCII"),
        (feedback_body(model_version=""), ["body", "model_version"], "1 to 64 characters"),
        (feedback_body(model_version=3), ["body", "model_version"], "must be a string"),
        (feedback_body(client="x" * 65), ["body", "client"], "1 to 64 characters"),
        (feedback_body(client="alice@example.org"), ["body", "client"], "letters, digits"),
        (feedback_body(source="camera"), ["body", "source"], "must be one of pick, contribute"),
        (feedback_body(source=None), ["body", "source"], "must be one of"),
        (feedback_body(session="short"), ["body", "session"], "8 to 64 letters"),
        (feedback_body(session="alice@example.org"), ["body", "session"], "8 to 64 letters"),
        (feedback_body(session=12345678), ["body", "session"], "8 to 64 letters"),
    ],
)
def test_parse_feedback_body_rejects_with_the_field_named(body: Any, loc: list[Any], message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse(body)
    assert caught.value.status == 422
    assert caught.value.loc == loc
    assert message in caught.value.msg


def test_parse_feedback_body_applies_the_servers_drawing_limits() -> None:
    limits = DrawingLimits(max_strokes=1)
    with pytest.raises(ApiError, match="more than the limit of 1"):
        parse(feedback_body(), limits)


@pytest.mark.parametrize("key", ["0b6f7c1e-5a4d-4d0e-9d1b-2f6c8a1e3b7d", "k", "a" * 128])
def test_check_idempotency_key_accepts_visible_ascii(key: str) -> None:
    assert check_idempotency_key(key) == key


@pytest.mark.parametrize("key", ["", "with space", "a" * 129, "é"])
def test_check_idempotency_key_rejects_malformed_keys(key: str) -> None:
    with pytest.raises(ApiError) as caught:
        check_idempotency_key(key)
    assert caught.value.loc == ["header", "Idempotency-Key"]


def test_check_idempotency_key_absent_is_none() -> None:
    assert check_idempotency_key(None) is None
