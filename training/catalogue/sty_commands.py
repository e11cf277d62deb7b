"""The symbol commands a package declares, read from its own `.sty`/`.def`/`.dcl` files as TeX Live ships them.

What counts as a declaration (a line, comments stripped): LaTeX's `\\DeclareMathSymbol`, `\\DeclareMathDelimiter`,
`\\DeclareMathRadical`; the packages' own wrappers of them (MnSymbol's `\\Decl@Mn@Char`/`Alias`/`Op`/`Open`/...,
stix's `\\stix@MathSymbol`, fdsymbol's `\\fdsy@Declare...`, txfonts' `\\re@DeclareMathSymbol`, mathabx's
`\\mathabx@aliases` (every name it lists), stmaryrd's `\\stmry@if\\DeclareMathSymbol`); `\\newcommand`,
`\\providecommand`, `\\DeclareRobustCommand` (mathtools' colon family, halloweenmath, logix); `\\def` at the start
of a line; `\\let\\name\\other` anywhere. Skipped: definitions with arguments (`\\newcommand\\x[1]`, `\\def\\x#1`),
accent declarations, internal names (with `@`, `_` or `:`). This still over-collects on purpose (helper macros):
the probe (`probe.typeset_sizes`) keeps only what real LaTeX typesets with ink under the package.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_DECLARERS = (
    r"DeclareMathSymbol|DeclareMathDelimiter|DeclareMathRadical|re@DeclareMathSymbol|re@DeclareMathDelimiter"
    r"|Decl@Mn@(?!Accent)[A-Za-z]+|stix@Math(?:Symbol|Delimiter)|fdsy@Declare(?!Accent)[A-Za-z]+"
    r"|ams@DeclareMathDelimiter|stmry@if\\(?:DeclareMathSymbol|def)|[ex]def|newcommand|renewcommand|providecommand|DeclareRobustCommand"
    r"|NewNegationCommand"
)
_NAME = r"\\([A-Za-z]+)(?![A-Za-z@_:])"
_DECLARED = re.compile(r"\\(?:" + _DECLARERS + r")\*?\s*\{?\s*" + _NAME)
_LINE_START = re.compile(r"^\s*\\(?:def|let|gdef|chardef|mathchardef)\s*" + _NAME)
_LET = re.compile(r"\\let\s*" + _NAME + r"\s*=?\s*\\")
_ALIASES = re.compile(r"\\mathabx@aliases((?:\s*\\[A-Za-z]+)+)")
# After the name: `[2]` (\\newcommand's argument count) or `#1` (\\def's parameters): a command with arguments.
_TAKES_ARGUMENTS = re.compile(r"\s*\}?\s*(?:\[\s*[1-9]|#)")
_COMMENT = re.compile(r"(?<!\\)%.*")

# Names the declarations above catch that are no symbols: package metadata and font set-up macros.
NOT_SYMBOLS = frozenset({"filedate", "fileversion", "undefined", "relax", "empty", "space"})


@dataclass(frozen=True)
class SymbolPackage:
    """A package whose symbols the catalogue takes from its own files."""

    name: str
    # Files (kpsewhich names) holding the declarations.
    files: tuple[str, ...]
    # True: it redefines standard commands with its own font (MnSymbol, stix, ...), so every symbol it declares
    # is an entry of its own; False: it only adds, so a command the kernel already typesets is not its symbol.
    own_look: bool
    # The engine that typesets it: logix is an OpenType (unicode-math) package for LuaLaTeX/XeLaTeX only.
    latex: str = "latex"
    # Standard commands it changes without declaring them (the kernel's `\\int` is `\\intop\\nolimits`; MnSymbol
    # and fdsymbol redefine `\\intop`), probed like its own declarations.
    also: tuple[str, ...] = ()
    # An earlier package of the same design: its commands are left out here (stix2 redraws stix's symbols in the
    # STIX Two fonts; a second entry for each of them would print the same shapes again).
    repeats: str | None = None


SYMBOL_PACKAGES: tuple[SymbolPackage, ...] = (
    SymbolPackage("amssymb", ("amssymb.sty", "amsfonts.sty"), own_look=False),
    SymbolPackage("stmaryrd", ("stmaryrd.sty",), own_look=False),
    SymbolPackage("mathtools", ("mathtools.sty",), own_look=False),
    SymbolPackage("wasysym", ("wasysym.sty",), own_look=False),
    SymbolPackage("latexsym", ("latexsym.sty",), own_look=False),
    SymbolPackage("halloweenmath", ("halloweenmath.sty",), own_look=False),
    SymbolPackage("MnSymbol", ("MnSymbol.sty",), own_look=True, also=("\\int", "\\oint")),
    SymbolPackage("stix", ("stix.sty",), own_look=True),
    SymbolPackage("stix2", ("stix2.sty",), own_look=True, repeats="stix"),
    SymbolPackage("fdsymbol", ("fdsymbol.sty",), own_look=True, also=("\\int", "\\oint")),
    SymbolPackage("mathabx", ("mathabx.sty", "mathabx.dcl"), own_look=True),
    SymbolPackage("txfonts", ("txfonts.sty",), own_look=True),
    SymbolPackage("logix", ("logix.sty",), own_look=True, latex="lualatex"),
)

# Kernel symbols written as a combination, which writers type and look up as one symbol: relations the kernel
# negates only with `\not` (it has no `\nsubset`), and accented relations (`\hat=`, "corresponds to").
KERNEL_COMBINATIONS: tuple[str, ...] = (
    "*",
    "\\not\\subset",
    "\\not\\supset",
    "\\not\\subseteq",
    "\\not\\supseteq",
    "\\not\\sqsubseteq",
    "\\not\\sqsupseteq",
    "\\not\\in",
    "\\not\\equiv",
    "\\not\\approx",
    "\\not\\simeq",
    "\\hat=",
    "\\widehat=",
    "\\dot*",
)


# The kernel's own symbol declarations: `\\lgroup`, `\\lmoustache` and the like, which no symbol list had.
KERNEL_FILES: tuple[str, ...] = ("fontmath.ltx",)


def declared_commands(text: str) -> list[str]:
    """Commands a package file declares, in file order, each once (see the module rule)."""
    found: list[str] = []
    for raw_line in text.splitlines():
        line = _COMMENT.sub("", raw_line)
        names = [m.group(1) for m in _DECLARED.finditer(line) if not _TAKES_ARGUMENTS.match(line, m.end())]
        names += [m.group(1) for m in _LINE_START.finditer(line) if not _TAKES_ARGUMENTS.match(line, m.end())]
        names += _LET.findall(line)
        for aliases in _ALIASES.findall(line):
            names += re.findall(r"\\([A-Za-z]+)", aliases)
        found += ["\\" + name for name in names if name not in NOT_SYMBOLS]
    return list(dict.fromkeys(found))


def find_file(name: str) -> Path | None:
    """kpsewhich's path of a TeX file (None when TeX Live lacks it)."""
    try:
        result = subprocess.run(["kpsewhich", name], capture_output=True, text=True, timeout=30, check=False)
    except FileNotFoundError:
        return None
    path = result.stdout.strip()
    return Path(path) if path else None


def kernel_commands() -> list[str]:
    """The kernel's combinations and the commands its font set-up declares."""
    found = list(KERNEL_COMBINATIONS)
    for name in KERNEL_FILES:
        path = find_file(name)
        if path is not None:
            found += declared_commands(path.read_text(encoding="latin-1"))
    return list(dict.fromkeys(found))


def package_commands(package: SymbolPackage, files: Iterable[Path] | None = None) -> list[str]:
    """Every command `package`'s files declare (files found with kpsewhich unless given)."""
    paths = list(files) if files is not None else [find_file(name) for name in package.files]
    found: list[str] = []
    for path in paths:
        if path is not None:
            found += declared_commands(path.read_text(encoding="latin-1"))
    return list(dict.fromkeys(found + list(package.also)))
