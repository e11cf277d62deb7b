"""The usage prior (backend/usage_prior.py) on a small catalogue, and the committed models/usage.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from backend.catalogue import DEFAULT_PATH, load_catalogue, parse_catalogue
from backend.usage_prior import (
    PriorConfig,
    Usage,
    UsageError,
    apply_prior,
    glyph_usage,
    load_usage,
    log_prior,
)


def _symbol(symbol_id, command, glyph):
    return {
        "id": symbol_id,
        "command": command,
        "package": None,
        "fontenc": "OT1",
        "math": True,
        "text": False,
        "unicode": None,
        "glyph": glyph,
        "source": "detexify",
        "preview": "previews/x.svg",
        "preview_kind": "latex",
        "names": [command.lstrip("\\")],
    }


@pytest.fixture()
def catalogue():
    symbols = [
        _symbol("leq", "\\leq", "leq"),
        _symbol("le", "\\le", "leq"),
        _symbol("leq-ams", "\\leq", "leq"),  # one command offered twice counts once
        _symbol("tri", "\\triangleq", "tri"),
        _symbol("rare", "\\rare", "rare"),
    ]
    return parse_catalogue({"catalogue_version": 1, "symbols": symbols})


USAGE = Usage({"\\leq": 30, "\\le": 10, "\\triangleq": 2}, {})


def test_glyph_usage_sums_distinct_commands_of_a_group(catalogue):
    assert glyph_usage(catalogue, USAGE) == {"leq": 40, "tri": 2, "rare": 0}


def test_log_prior_is_smoothed_log_share_times_strength(catalogue):
    prior = log_prior(["leq", "tri", "rare", "le"], catalogue, USAGE, PriorConfig(smoothing=1.0, strength=0.5))
    total = 40 + 2 + 0 + 3 * 1.0
    expected = [0.5 * math.log(41 / total), 0.5 * math.log(3 / total), 0.5 * math.log(1 / total)]
    assert prior[:3] == pytest.approx(expected, rel=1e-6)
    assert prior[3] == prior[0]  # labels of one group share its prior
    assert np.isfinite(prior).all()


def test_log_prior_unknown_label_gets_an_unused_groups_prior(catalogue):
    prior = log_prior(["rare", "no-such-id"], catalogue, USAGE)
    assert prior[0] == prior[1]


def test_log_prior_strength_zero_changes_nothing(catalogue):
    scores = np.array([[0.2, 0.5, 0.3]], dtype=np.float32)
    prior = log_prior(["leq", "tri", "rare"], catalogue, USAGE, PriorConfig(strength=0.0))
    assert (prior == 0).all()
    assert apply_prior(scores, prior) == pytest.approx(scores)


def test_apply_prior_reorders_close_scores_toward_the_common_symbol(catalogue):
    scores = np.array([[0.45, 0.55, 0.0], [0.05, 0.95, 0.0]], dtype=np.float32)
    adjusted = apply_prior(scores, log_prior(["leq", "tri", "rare"], catalogue, USAGE, PriorConfig(strength=0.3)))
    assert adjusted.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert adjusted[0].argmax() == 0  # a near tie goes to \\leq
    assert adjusted[1].argmax() == 1  # a clear drawing of \\triangleq stays \\triangleq


def test_load_usage_missing_and_malformed_files_are_named(tmp_path: Path):
    with pytest.raises(UsageError, match="not found"):
        load_usage(tmp_path / "usage.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"usage": {"\\leq": 3}}), encoding="utf-8")
    with pytest.raises(UsageError, match=r"\\\\leq"):
        load_usage(bad)
    bad.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(UsageError, match="unreadable"):
        load_usage(bad)


def test_load_usage_committed_covers_every_catalogue_command():
    usage = load_usage()
    catalogue = load_catalogue(DEFAULT_PATH)
    assert {s.command for s in catalogue.symbols} <= set(usage.files)
    assert usage.corpus["files"] > 1000 and all(p.endswith(".deb") for p in usage.corpus["packages"])


def test_load_usage_committed_everyday_symbols_outrank_rare_look_alikes():
    usage = load_usage()
    counts = glyph_usage(load_catalogue(DEFAULT_PATH), usage)
    assert counts["amssymb-OT1-_leq"] > 5 * counts["amssymb-OT1-_triangleq"]
    assert counts["latex2e-OT1-_rightarrow"] > counts["stmaryrd-OT1-_Mapsfrom"]
    # \sum and \Sigma are one answer since issue 22 (size twins): \in against its mirror \ni instead.
    assert counts["latex2e-OT1-_in"] > counts["latex2e-OT1-_ni"]
    assert counts["latex2e-OT1-_alpha"] > counts["amssymb-OT1-_varkappa"]


def test_apply_prior_of_the_negated_prior_gives_back_the_scores(catalogue):
    """prior_strength divides a baked-in prior out this way before trying other strengths."""
    rng = np.random.default_rng(0)
    scores = rng.dirichlet(np.ones(3), size=4).astype(np.float32)
    prior = log_prior(["leq", "tri", "rare"], catalogue, USAGE, PriorConfig(strength=0.3))
    assert apply_prior(apply_prior(scores, prior), -prior) == pytest.approx(scores, abs=1e-6)
