"""Ask real LaTeX which commands work with a given preamble, in math or text mode.

One document per (packages, mode): each command sits on its own source line, so an error's `l.<n>` names
the command. `\\tracinglostchars=3` turns a glyph missing from the font into an error too, and a text
command used in math mode (a LaTeX warning) counts as not working in math mode.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_ERROR_LINE = re.compile(r"^l\.(\d+)", re.MULTILINE)
_INVALID_IN_MATH = re.compile(r"LaTeX Warning: Command \\\S+ invalid in math mode on input line (\d+)")
HEADER_LINES = 6  # lines before the first command line in `_document` (keep in step with it)


@dataclass(frozen=True)
class ProbeConfig:
    """How to call LaTeX for a probe."""

    # `latex` (pdfTeX, DVI out) is the engine the Detexify-era packages and Overleaf's default target.
    latex: str = "latex"
    # A probe document of ~1,000 lines compiles in a few seconds; more means LaTeX waits on input.
    timeout_s: float = 300.0
    # Commands per document. TeX stops after 100 errors in one paragraph; every command ends its own
    # paragraph, so this only bounds the size of one run (checked: the log must not show that stop).
    chunk: int = 500


def _document(commands: Sequence[str], packages: Sequence[str], fontenc: str | None, math: bool) -> str:
    uses = "".join(f"\\usepackage{{{p}}}" for p in packages)
    lines = [
        "\\documentclass{article}",
        f"\\usepackage[{fontenc}]{{fontenc}}" if fontenc and fontenc != "OT1" else "%",
        uses or "%",
        "\\tracinglostchars=3",
        "\\begin{document}",
        "%",
    ]
    assert len(lines) == HEADER_LINES
    # \leavevmode starts a paragraph, so \par ends one and resets TeX's count of errors (it stops at 100).
    lines += [f"\\leavevmode${command}$\\par" if math else f"\\leavevmode {command}\\par" for command in commands]
    lines.append("\\end{document}")
    return "\n".join(lines) + "\n"


def working_commands(
    commands: Sequence[str],
    packages: Sequence[str] = (),
    fontenc: str | None = None,
    math: bool = True,
    config: ProbeConfig = ProbeConfig(),
) -> set[str]:
    """The subset of `commands` that typeset without error under `\\usepackage{packages}`."""
    working: set[str] = set()
    for start in range(0, len(commands), config.chunk):
        working |= _probe_chunk(commands[start : start + config.chunk], packages, fontenc, math, config)
    return working


def _probe_chunk(
    commands: Sequence[str], packages: Sequence[str], fontenc: str | None, math: bool, config: ProbeConfig
) -> set[str]:
    log = _run_latex(_document(commands, packages, fontenc, math), packages, config)
    bad_lines = {int(n) for n in _ERROR_LINE.findall(log)}
    if math:
        bad_lines |= {int(n) for n in _INVALID_IN_MATH.findall(log)}
    return {command for index, command in enumerate(commands) if HEADER_LINES + 1 + index not in bad_lines}


_SIZE = re.compile(r"^TEXSKETCH-INK (\d+) ([-\d.]+)pt/([-\d.]+)pt/([-\d.]+)pt$", re.MULTILINE)


def _sized_document(commands: Sequence[str], packages: Sequence[str], math: bool) -> str:
    """Like `_document`, but each command is set in a box whose size is written to the log: width, height and
    depth tell a symbol (ink above or below the baseline) from a command that typesets nothing visible.
    `\\leavevmode\\par` ends a paragraph, which resets TeX's count of errors (it stops at 100)."""
    lines = _document((), packages, None, math).splitlines()[:HEADER_LINES]
    for index, command in enumerate(commands):
        body = f"${command}$" if math else command
        lines.append(
            f"\\setbox0\\hbox{{{body}}}\\immediate\\write-1{{TEXSKETCH-INK {index} \\the\\wd0/\\the\\ht0/\\the\\dp0}}"
            "\\leavevmode\\par"
        )
    lines.append("\\end{document}")
    return "\n".join(lines) + "\n"


def typeset_sizes(
    commands: Sequence[str], packages: Sequence[str] = (), math: bool = True, config: ProbeConfig = ProbeConfig()
) -> dict[str, tuple[float, float, float]]:
    """command -> (width, height, depth) in points of what it typesets under `\\usepackage{packages}`, for the
    commands that typeset without error (a missing glyph is an error, `\\tracinglostchars=3`)."""
    sizes: dict[str, tuple[float, float, float]] = {}
    for start in range(0, len(commands), config.chunk):
        sizes.update(_chunk_sizes(commands[start : start + config.chunk], packages, math, config))
    return sizes


def _chunk_sizes(
    chunk: Sequence[str], packages: Sequence[str], math: bool, config: ProbeConfig
) -> dict[str, tuple[float, float, float]]:
    """`typeset_sizes` of one document. A command that stops LaTeX (one whose argument swallows the rest of the
    file) fails alone: the commands before it keep their sizes, and the ones after it go into a new document."""
    sizes: dict[str, tuple[float, float, float]] = {}
    while chunk:
        stopped = False
        try:
            log = _run_latex(_sized_document(chunk, packages, math), packages, config)
        except StoppedEarly as stop:
            stopped, log = True, stop.log
        bad_lines = {int(n) for n in _ERROR_LINE.findall(log)}
        if math:
            bad_lines |= {int(n) for n in _INVALID_IN_MATH.findall(log)}
        reached = -1
        for index, width, height, depth in _SIZE.findall(log):
            reached = max(reached, int(index))
            if HEADER_LINES + 1 + int(index) not in bad_lines:
                sizes[chunk[int(index)]] = (float(width), float(height), float(depth))
        if not stopped:
            break
        # The command after the last one written stopped LaTeX: it fails; go on after it.
        if stopped and reached + 1 < len(chunk):
            sizes.pop(chunk[reached + 1], None)
        chunk = chunk[reached + 2 :]
    return sizes


class StoppedEarly(RuntimeError):
    """LaTeX gave up before the end of a probe document (100 errors, or a command swallowed `\\end{document}`)."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.log = log


def _run_latex(document: str, packages: Sequence[str], config: ProbeConfig) -> str:
    """Compile `document` in a scratch folder; its log (checked for a missing file or an early stop)."""
    with tempfile.TemporaryDirectory(prefix="texsketch-probe-") as workdir:
        source = Path(workdir) / "probe.tex"
        source.write_text(document, encoding="utf-8")
        result = subprocess.run(
            [config.latex, "-interaction=nonstopmode", "-no-shell-escape", source.name],
            cwd=workdir,
            capture_output=True,
            timeout=config.timeout_s,
            check=False,
        )
        log_path = Path(workdir) / "probe.log"
        if not log_path.is_file():
            raise RuntimeError(f"{config.latex} wrote no log: {result.stderr.decode(errors='replace')[-500:]}")
        log = log_path.read_text(encoding="utf-8", errors="replace")
    if re.search(r"! LaTeX Error: File `[^']+' not found", log):
        missing = re.findall(r"File `([^']+)' not found", log)
        raise RuntimeError(f"probe preamble needs files TeX Live lacks: {missing}")
    if "That makes 100 errors" in log or "Emergency stop" in log:
        raise StoppedEarly(f"LaTeX stopped early while probing {packages}; lower ProbeConfig.chunk", log)
    return log
