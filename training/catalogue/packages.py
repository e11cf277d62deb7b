"""Which `\\usepackage` a command needs, decided by compiling it (see probe.py), not by guessing.

Detexify keys name the package each symbol was drawn from, but some of those are kernel commands filed under
amssymb (`\\neq`, `\\mathcal{A}`) or textcomp, whose symbols the LaTeX kernel has held since 2020. Rule:
- `latex2e` keys need no package.
- Any other key needs its package, unless the kernel alone typesets the command AND no other Detexify key
  has the same command (where two keys share a command, e.g. `\\hbar` under latex2e and amssymb, the package
  is what makes the second look different, so it stays).
- Extras: the first package of `EXTRA_PACKAGES` under which the command typesets (None = kernel); a command
  that typesets under none of them is a unicode-math (XeLaTeX/LuaLaTeX) command.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

# Symbol packages a pdfLaTeX writer can load without changing the document's text fonts, tried in this order.
EXTRA_PACKAGES: tuple[str | None, ...] = (None, "amsmath", "amssymb", "latexsym", "stmaryrd", "wasysym")
UNICODE_MATH = "unicode-math"

# (commands, packages, fontenc, math) -> the commands that typeset; probe.working_commands fits.
Probe = Callable[..., set[str]]


def detexify_packages(symbols: Sequence, probe: Probe | None) -> dict[str, str | None]:
    """id -> the package a writer must load, for Detexify symbols (see the module rule)."""
    shared = Counter(symbol.command for symbol in symbols)
    packages: dict[str, str | None] = {s.id: (None if s.key_package == "latex2e" else s.key_package) for s in symbols}
    if probe is None:
        return packages
    candidates = [s for s in symbols if s.key_package != "latex2e" and shared[s.command] == 1]
    kernel_ok: set[str] = set()
    for fontenc in sorted({s.fontenc for s in candidates}):
        for math in (True, False):
            batch = [s.command for s in candidates if s.fontenc == fontenc and (s.math if math else not s.math)]
            kernel_ok |= probe(batch, (), fontenc, math)
    for symbol in candidates:
        if symbol.command in kernel_ok:
            packages[symbol.id] = None
    return packages


def extra_packages(commands: Iterable[str], probe: Probe | None, math: bool = True) -> dict[str, str | None]:
    """command -> first package of EXTRA_PACKAGES that typesets it; UNICODE_MATH when none does.

    Without a probe (no TeX at hand) every command is taken as needing unicode-math: the safe statement.
    """
    remaining = list(dict.fromkeys(commands))
    found: dict[str, str | None] = {}
    if probe is not None:
        for package in EXTRA_PACKAGES:
            if not remaining:
                break
            ok = probe(remaining, () if package is None else (package,), None, math)
            for command in remaining:
                if command in ok:
                    found[command] = package
            remaining = [c for c in remaining if c not in ok]
    for command in remaining:
        found[command] = UNICODE_MATH
    return found
