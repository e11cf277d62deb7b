"""Alias groups and search names."""

from __future__ import annotations

from training.catalogue.groups import DistinctLook, Member, glyph_groups, search_names


def member(symbol_id, command, package=None, math=True, unicode="≤", source="detexify", fontenc="OT1"):
    return Member(symbol_id, command, package, fontenc, math, unicode, source)


def test_glyph_groups_prefer_no_package_then_ams_then_others():
    members = [
        member("wasysym-OT1-_x", "\\x", "wasysym"),
        member("amssymb-OT1-_y", "\\yy", "amssymb"),
        member("latex2e-OT1-_zzz", "\\zzz"),
    ]
    assert set(glyph_groups(members, []).values()) == {"latex2e-OT1-_zzz"}


def test_glyph_groups_prefer_math_mode_then_shorter_command():
    members = [member("a", "\\textless", math=False), member("b", "\\lessthan"), member("c", "<")]
    assert glyph_groups(members, [])["a"] == "c"


def test_glyph_groups_order_of_members_does_not_matter():
    members = [member("a", "\\leq"), member("b", "\\le"), member("c", "\\leqq", "amssymb")]
    assert glyph_groups(members, []) == glyph_groups(list(reversed(members)), [])


def test_glyph_groups_distinct_look_and_missing_unicode_stand_alone():
    members = [
        member("e", "\\emptyset", unicode="∅"),
        member("v", "\\varnothing", "amssymb", unicode="∅"),
        member("n", "\\foo", unicode=None),
        member("m", "\\bar", unicode=None),
    ]
    looks = [DistinctLook(r"\\varnothing", "round", "drawn differently")]
    assert glyph_groups(members, looks) == {"e": "e", "v": "v", "n": "n", "m": "m"}


def test_search_names_are_command_unicode_name_and_typst_names():
    assert search_names("\\alpha", "α", ("alpha",)) == ["alpha", "greek small letter alpha"]
    assert search_names("+", "+", ("plus",)) == ["+", "plus sign", "plus"]
    assert search_names("\\textnosuch", None) == ["textnosuch"]
