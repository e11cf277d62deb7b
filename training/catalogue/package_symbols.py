"""Symbols of the symbol packages (MnSymbol, stix, fdsymbol, mathabx, txfonts, stmaryrd, mathtools, ...), decided by
real LaTeX: a command a package's files declare (`sty_commands`) enters when it typesets with ink under a preamble
with only that package; every other one is listed with its reason.

- Math mode first; a command that fails in math but typesets in text mode is a text symbol.
- Ink: the box has height or depth (a symbol reaches above or below the baseline); a command that typesets an
  empty box (spacing, font switches, flags) is no symbol.
- Width: a box wider than `MAX_WIDTH_PT` is a word or a construction, not one symbol (`\\filedate`, a macro that
  typesets a phrase); the widest symbols (`\\longleftrightarrows`, halloweenmath's broomsticks) are narrower.
- Packages that only add symbols (`own_look` False) do not repeat the kernel: a command LaTeX typesets without
  them is not theirs. Packages that restyle standard commands keep all of their symbols: MnSymbol's `\\leftarrow`
  is an entry of its own (`MnSymbol-OT1-_leftarrow`), typeset with MnSymbol's font.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from training.catalogue.sty_commands import SYMBOL_PACKAGES, SymbolPackage, kernel_commands, package_commands

# Wider than this (in pt at 10 pt) is a phrase, not a symbol: the widest real symbols measure about 20 pt.
MAX_WIDTH_PT = 30.0

# (commands, packages, math, latex) -> command -> (width, height, depth); probe.typeset_sizes fits.
SizeProbe = Callable[[Sequence[str], Sequence[str], bool, str], dict[str, tuple[float, float, float]]]


@dataclass(frozen=True)
class PackageSymbol:
    command: str
    package: str | None  # None: the kernel
    math: bool
    text: bool


@dataclass(frozen=True)
class LeftOutCommand:
    command: str
    package: str
    reason: str


def _has_ink(size: tuple[float, float, float]) -> bool:
    return size[1] + size[2] > 0


def probe_package(
    package: SymbolPackage | None, candidates: Sequence[str], sizes: SizeProbe
) -> tuple[list[PackageSymbol], list[LeftOutCommand]]:
    """The candidates that are symbols of `package` (None: the kernel), and the others with their reasons."""
    name = package.name if package is not None else None
    label = name or "latex2e"
    latex = package.latex if package is not None else "latex"
    preamble = (name,) if name else ()
    left_out: list[LeftOutCommand] = []
    remaining = list(candidates)
    if package is not None and not package.own_look:
        kernel = sizes(remaining, (), True, "latex")
        kernel.update(sizes([c for c in remaining if c not in kernel], (), False, "latex"))
        left_out += [LeftOutCommand(c, label, "the kernel typesets it without the package") for c in kernel]
        remaining = [c for c in remaining if c not in kernel]
    in_math = sizes(remaining, preamble, True, latex)
    in_text = sizes([c for c in remaining if c not in in_math], preamble, False, latex)
    found: list[PackageSymbol] = []
    for command in remaining:
        size = in_math.get(command) or in_text.get(command)
        if size is None:
            preamble_words = f"with \\usepackage{{{label}}}" if name else "with the kernel alone"
            reason = f"LaTeX reports an error {preamble_words} (it takes arguments or is no command)"
        elif not _has_ink(size):
            reason = "typesets nothing visible (spacing, a switch or an empty box)"
        elif size[0] > MAX_WIDTH_PT:
            reason = f"typesets a box {size[0]:.0f} pt wide: a phrase or a construction, not one symbol"
        else:
            found.append(PackageSymbol(command, name, command in in_math, command not in in_math))
            continue
        left_out.append(LeftOutCommand(command, label, reason))
    return found, left_out


def package_symbols(
    sizes: SizeProbe, packages: Sequence[SymbolPackage] = SYMBOL_PACKAGES
) -> tuple[list[PackageSymbol], list[LeftOutCommand]]:
    """Every package's symbols (packages in order, commands in file order) plus the kernel's combinations."""
    found, left_out = probe_package(None, kernel_commands(), sizes)
    for package in packages:
        candidates = package_commands(package)
        if package.repeats is not None:
            earlier = {symbol.command for symbol in found if symbol.package == package.repeats}
            reason = f"{package.repeats} has it (the same design; {package.name} only adds what it lacks)"
            left_out += [LeftOutCommand(c, package.name, reason) for c in candidates if c in earlier]
            candidates = [c for c in candidates if c not in earlier]
        symbols, dropped = probe_package(package, candidates, sizes)
        found += symbols
        left_out += dropped
    return found, left_out
