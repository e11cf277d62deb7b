"""Search over the shipped catalogue finds what a new user typed in issue 22: each query puts the symbol among the
first three rows (most of them first). No hard-coded ranking: the committed catalogue and usage counts decide."""

import pytest


@pytest.mark.parametrize(
    ("query", "wanted", "within"),
    [
        ("hebrew", {"\\aleph", "\\beth", "\\gimel", "\\daleth"}, 3),
        ("gimel", {"\\gimel"}, 1),
        ("beth", {"\\beth"}, 1),
        ("colon equals", {"\\coloneqq", "\\coloneq"}, 3),
        (":=", {"\\coloneqq", "\\coloneq"}, 3),
        ("blackboard", {"\\mathbb{R}", "\\mathbb{N}", "\\mathbb{Z}", "\\mathbb{C}", "\\mathbb{Q}"}, 3),
        ("blackboard bold R", {"\\mathbb{R}"}, 3),
        ("double struck", {"\\mathbb{R}", "\\mathbb{N}", "\\mathbb{Z}", "\\mathbb{C}", "\\mathbb{Q}"}, 3),
        ("not subset", {"\\nsubset", "\\not\\subset"}, 3),
        ("circled plus", {"\\oplus"}, 3),
        ("join", {"\\Join"}, 3),
        ("sslash", {"\\sslash"}, 1),
        ("boxast", {"\\boxast"}, 1),
        ("top left corner", {"\\ulcorner"}, 1),
        ("per mille", {"\\textperthousand", "\\permil"}, 3),
        ("lgroup", {"\\lgroup"}, 1),
        ("vcentcolon", {"\\vcentcolon"}, 1),
    ],
)
def test_search_issue_query_finds_the_symbol_among_the_first_rows(shipped_index, query, wanted, within):
    commands = [hit.command for hit in shipped_index.search(query)[:within]]
    assert wanted & set(commands), (query, commands)


def test_search_command_of_several_packages_is_one_row_naming_them(shipped_index):
    rows = [hit for hit in shipped_index.search("\\nsubset") if hit.command == "\\nsubset"]
    assert len(rows) == 1
    assert {"MnSymbol", "stix", "fdsymbol"} <= set(rows[0].packages)
