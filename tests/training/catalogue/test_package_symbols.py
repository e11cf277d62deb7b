"""The probe decides which package commands are symbols (training/catalogue/package_symbols.py, probe.typeset_sizes).

Real LaTeX: skipped where TeX Live is not installed (the committed catalogue means no other test needs it)."""

from __future__ import annotations

import shutil

import pytest

from training.catalogue.package_symbols import probe_package
from training.catalogue.probe import ProbeConfig, typeset_sizes
from training.catalogue.sty_commands import SymbolPackage

needs_tex = pytest.mark.skipif(shutil.which("latex") is None, reason="TeX Live not installed")


def _sizes(commands, packages, math, latex):
    return typeset_sizes(list(commands), packages, math, ProbeConfig(latex=latex)) if commands else {}


@needs_tex
def test_typeset_sizes_measures_ink_and_leaves_out_errors():
    sizes = typeset_sizes(["\\alpha", "\\quad", "\\nosuchcommand", "\\textbullet"])
    assert set(sizes) == {"\\alpha", "\\quad"}  # \textbullet is invalid in math mode
    width, height, depth = sizes["\\alpha"]
    assert width > 5 and height > 4 and depth == 0
    assert sizes["\\quad"][1:] == (0.0, 0.0)  # a space: no ink


@needs_tex
def test_typeset_sizes_a_command_that_stops_latex_fails_alone():
    # \iffalse skips the rest of the file, \end{document} included: LaTeX stops with an emergency.
    commands = ["\\alpha", "\\beta", "\\iffalse", "\\gamma", "\\delta"]
    assert set(typeset_sizes(commands, config=ProbeConfig(chunk=5))) == {"\\alpha", "\\beta", "\\gamma", "\\delta"}


@needs_tex
def test_probe_package_keeps_symbols_and_gives_each_left_out_command_its_reason():
    stmaryrd = SymbolPackage("stmaryrd", ("stmaryrd.sty",), own_look=False)
    candidates = ["\\sslash", "\\boxast", "\\mapsto", "\\nosuchsymbol", "\\quad", "\\textbullet"]
    found, left_out = probe_package(stmaryrd, candidates, _sizes)
    assert [(s.command, s.package, s.math, s.text) for s in found] == [
        ("\\sslash", "stmaryrd", True, False),
        ("\\boxast", "stmaryrd", True, False),
    ]
    reasons = {item.command: item.reason for item in left_out}
    assert reasons["\\mapsto"] == "the kernel typesets it without the package"
    assert reasons["\\quad"] == "the kernel typesets it without the package"
    assert reasons["\\nosuchsymbol"].startswith("LaTeX reports an error")
    assert set(reasons) == {"\\mapsto", "\\nosuchsymbol", "\\quad", "\\textbullet"}


@needs_tex
def test_probe_package_restyling_package_keeps_standard_commands_and_drops_inkless_ones():
    mnsymbol = SymbolPackage("MnSymbol", ("MnSymbol.sty",), own_look=True)
    found, left_out = probe_package(mnsymbol, ["\\leftarrow", "\\medcircle", "\\quad"], _sizes)
    assert [s.command for s in found] == ["\\leftarrow", "\\medcircle"]
    assert [(item.command, item.reason.split(" (")[0]) for item in left_out] == [("\\quad", "typesets nothing visible")]
