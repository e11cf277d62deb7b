"""How symbols look in answers: a prediction's `alternatives` (issue 24: never the answer itself, no duplicates,
only the modes the answer is used in), on hand-made groups and on the shipped catalogue."""

import pytest

from backend import symbol_json
from backend.catalogue import Symbol, load_catalogue
from tests.backend.live_server import SHIPPED_MODEL_DIR


def symbol(symbol_id, command, package=None, math=True, text=False, glyph="g"):
    return Symbol(symbol_id, command, package, "OT1", math, text, None, glyph, "test", "", "svg", ())


BULLET = symbol("latex2e-bullet", "\\bullet")
GROUP = [
    symbol("latex2e-textbullet", "\\textbullet", math=False, text=True),
    symbol("textcomp-textbullet", "\\textbullet", "textcomp", math=False, text=True),
    BULLET,
    symbol("amssymb-bullet", "\\bullet", "amssymb"),
    symbol("wasysym-newmoon", "\\newmoon", "wasysym", math=True, text=True),
    symbol("other-newmoon", "\\newmoon", "other", math=True, text=True),
]


def test_also_leaves_out_the_answers_own_command_duplicates_and_other_mode_twins():
    assert [a["command"] for a in symbol_json.also(BULLET, GROUP)] == ["\\newmoon"]


def test_also_of_a_text_answer_lists_text_and_both_mode_members_once():
    assert [a["command"] for a in symbol_json.also(GROUP[0], GROUP)] == ["\\newmoon"]


def test_also_of_a_both_mode_answer_lists_every_other_command_once():
    assert [a["command"] for a in symbol_json.also(GROUP[4], GROUP)] == ["\\textbullet", "\\bullet"]


def test_also_on_the_shipped_catalogue_never_lists_the_answer_or_a_command_twice():
    path = SHIPPED_MODEL_DIR / "symbols.json"
    if not path.is_file():
        pytest.skip("models/symbols.json is not there yet (make catalogue)")
    catalogue = load_catalogue(path)
    for group in catalogue.groups.values():
        answer = group[0]
        commands = [a["command"] for a in symbol_json.also(answer, group)]
        assert answer.command not in commands and len(commands) == len(set(commands)), (answer.command, commands)
        modes = {a["mode"] for a in symbol_json.also(answer, group)}
        assert answer.mode == "both" or modes <= {answer.mode, "both"}, (answer.command, modes)


def test_also_names_the_lightest_package_of_a_command():
    vee = symbol("latex2e-vee", "\\vee")
    group = [
        vee,
        symbol("MnSymbol-lor", "\\lor", "MnSymbol"),
        symbol("stix-curlyvee", "\\curlyvee", "stix"),
        symbol("amssymb-curlyvee", "\\curlyvee", "amssymb"),
        symbol("latex2e-lor", "\\lor"),
    ]
    listed = [(a["command"], a["package"]) for a in symbol_json.also(vee, group)]
    assert listed == [("\\lor", None), ("\\curlyvee", "amssymb")]


def test_also_on_the_shipped_catalogue_lists_the_kernels_lor_under_vee():
    path = SHIPPED_MODEL_DIR / "symbols.json"
    if not path.is_file():
        pytest.skip("models/symbols.json is not there yet (make catalogue)")
    catalogue = load_catalogue(path)
    vee = catalogue.by_id["latex2e-OT1-_vee"]
    assert ("\\lor", None) in [(a["command"], a["package"]) for a in symbol_json.also(vee, catalogue.groups[vee.glyph])]
