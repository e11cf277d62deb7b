"""Alias groups and search names."""

from __future__ import annotations

from training.catalogue.groups import (
    DistinctLook,
    LookAlike,
    Member,
    choose_representative,
    glyph_groups,
    merge_lookalikes,
    search_names,
)


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


def test_merge_lookalikes_joins_whole_groups_under_the_best_ranked_member():
    members = [
        member("B", "B", unicode="B"),
        member("beta", "\\mupBeta", "unicode-math", unicode="Β"),
        member("sq", "\\square", "amssymb", unicode="□"),
        member("box", "\\Box", "amssymb", unicode="□", source="alias"),
        member("ballot", "\\Square", "wasysym", unicode="☐"),
    ]
    glyph = glyph_groups(members, [])
    sets = [LookAlike(("B", "\\mupBeta"), "same letter"), LookAlike(("\\square", "\\Square"), "same square")]
    merged = merge_lookalikes(members, glyph, sets)
    assert merged == {"B": "B", "beta": "B", "sq": "sq", "box": "sq", "ballot": "sq"}


def test_merge_lookalikes_prefer_overrides_the_rank():
    members = [member("bot", "\\bot", unicode="⊥"), member("perp", "\\perp", unicode="⟂")]
    sets = [LookAlike(("\\perp", "\\bot"), "up tack", prefer="\\perp")]
    assert set(merge_lookalikes(members, glyph_groups(members, []), sets).values()) == {"perp"}


def test_merge_lookalikes_joined_pairs_put_a_symbol_without_character_into_its_target_group():
    members = [
        member("lz", "\\blacklozenge", "amssymb", unicode=None),
        member("alias", "\\Lz", "amssymb", unicode=None, source="alias"),
    ]
    merged = merge_lookalikes(members, glyph_groups(members, []), [], joined=[("alias", "lz")])
    assert merged == {"lz": "lz", "alias": "lz"}


def test_merge_lookalikes_unknown_commands_and_no_sets_change_nothing():
    members = [member("a", "\\leq"), member("b", "\\geq", unicode="≥")]
    glyph = glyph_groups(members, [])
    assert merge_lookalikes(members, glyph, [LookAlike(("\\nosuch", "\\leq"), "absent")]) == glyph
    assert merge_lookalikes(members, glyph, []) == glyph


def test_choose_representative_clearly_more_used_peer_wins():
    group = [member("ldotp", "\\ldotp", unicode="."), member("dot", ".", unicode=".", source="crohme")]
    assert choose_representative(group).id == "ldotp"  # the rank alone: Detexify before the extras
    assert choose_representative(group, {".": 218, "\\ldotp": 2}).id == "dot"


def test_choose_representative_ignores_small_differences_aliases_and_heavier_packages():
    dots = [member("dots", "\\dots", unicode="…"), member("ldots", "\\ldots", unicode="…")]
    assert choose_representative(dots, {"\\ldots": 182, "\\dots": 156}).id == "dots"  # not twice as many
    assert choose_representative(dots, {"\\ldots": 4, "\\dots": 0}).id == "dots"  # too few files to tell
    square = [member("sq", "\\square", "amssymb", unicode="□"), member("box", "\\Box", "amssymb", source="alias")]
    assert choose_representative(square, {"\\Box": 100, "\\square": 1}).id == "sq"  # aliases never win by usage
    degree = [member("td", "\\textdegree", math=False), member("deg", "\\degree", "gensymb")]
    assert choose_representative(degree, {"\\degree": 31, "\\textdegree": 1}).id == "td"  # no package needed
