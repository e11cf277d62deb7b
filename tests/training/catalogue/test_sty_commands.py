"""Reading a package's declarations from its own files (training/catalogue/sty_commands.py)."""

from __future__ import annotations

import shutil

import pytest

from training.catalogue.sty_commands import SYMBOL_PACKAGES, declared_commands, kernel_commands, package_commands

PACKAGE_FILE = r"""
\DeclareMathSymbol{\notsign}       {3}{matha}{"7F}
\Decl@Mn@Char\rightarrow             {MnSyA}{\mathrel}
\stix@MathSymbol{\Gamma}      {\mathalpha}{operators}{"00}
\fdsy@DeclareAlias\ne{\mathrel}{"00}
\re@DeclareMathSymbol{\mathcent}{\mathord}{operators}{162}
\stmry@if\DeclareMathSymbol\shortleftarrow\mathrel{stmry}{"00}\fi
\mathabx@aliases\amalg\scoprod
\providecommand*\coloneqq{\MATHT@coloneq}
\newcommand  \ClsBar           {\lgr{E340}\relax}              % Close Vertical Bar
\newcommand\withargument[1]{#1}
\def\alsowithargument#1{#1}
\Decl@Mn@Accent\vec{MnSyA}
\def\Decl@Mn@Alias#1#2#3{\Prev@Mn@Sym}
\def\filedate{2007/01/21}
% \DeclareMathSymbol{\commentedout}{0}{matha}{"00}
\let\triangle=\bigtriangleup
"""


def test_declared_commands_reads_every_declaration_form_once_in_file_order():
    assert declared_commands(PACKAGE_FILE + PACKAGE_FILE) == [
        "\\notsign",
        "\\rightarrow",
        "\\Gamma",
        "\\ne",
        "\\mathcent",
        "\\shortleftarrow",
        "\\amalg",
        "\\scoprod",
        "\\coloneqq",
        "\\ClsBar",
        "\\triangle",
    ]


def test_declared_commands_skips_arguments_accents_internals_metadata_and_comments():
    found = set(declared_commands(PACKAGE_FILE))
    for name in ("withargument", "alsowithargument", "vec", "Decl", "filedate", "commentedout", "bigtriangleup"):
        assert "\\" + name not in found


@pytest.mark.skipif(shutil.which("kpsewhich") is None, reason="TeX Live not installed")
def test_package_commands_reads_the_files_tex_live_ships():
    by_name = {package.name: package for package in SYMBOL_PACKAGES}
    assert {"\\beth", "\\gimel", "\\daleth", "\\ulcorner"} <= set(package_commands(by_name["amssymb"]))
    assert {"\\coloneqq", "\\Coloneqq", "\\eqqcolon", "\\vcentcolon", "\\dblcolon"} <= set(
        package_commands(by_name["mathtools"])
    )
    mnsymbol = package_commands(by_name["MnSymbol"])
    assert len(mnsymbol) > 1000 and "\\int" in mnsymbol  # \int through MnSymbol's \intop (`also`)
    kernel = kernel_commands()  # the kernel's combinations and fontmath.ltx's declarations
    assert {"\\not\\subset", "\\lgroup", "\\lmoustache", "\\alpha"} <= set(kernel)
