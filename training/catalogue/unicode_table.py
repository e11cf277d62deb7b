"""LaTeX command -> Unicode character, from maintained tables (never a hand-typed list).

Sources, first match wins:
1. `overrides.json` "unicode": the few commands the tables miss or get wrong, each with its reason.
2. `unicode-math-table.tex` (TeX Live's unicode-math), except its styled-letter block.
3. PyPI `unicodeit` (its REPLACEMENTS table): the standard math and text command names.
4. The other TeX Live tables, in the order of `TEX_TABLES`: LaTeX's inputenc `.dfu` files and `tuenc.def` (text
   commands), `tipauni.sty` (TIPA), `xunicode.sty` (text symbols).
5. A command that is itself one character (`[`, `+`, `a`) is that character.
The TeX tables are read when TeX Live is installed (`make catalogue` installs it); without them the table
holds sources 1, 3 and 5 only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from training.catalogue.detexify import CatalogueInputError

OVERRIDES_PATH = Path(__file__).with_name("overrides.json")
TEXMF_DIST = Path("/usr/share/texlive/texmf-dist")


@dataclass(frozen=True)
class TexTable:
    """A TeX Live file that pairs commands with code points, and the pattern of its lines."""

    name: str
    files: tuple[str, ...]  # relative to texmf-dist
    pattern: str  # groups "hex" and "command"


# In priority order. inputenc's .dfu tables and tuenc.def are LaTeX's own (text commands of the encodings the
# catalogue uses: OT1/T1 letters, TS1 = textcomp, OMS); tipauni maps TIPA's commands; xunicode (XeTeX) covers
# text symbols broadly; unicode-math-table names every math character.
TEX_TABLES = (
    TexTable(
        "latex-dfu",
        tuple(f"tex/latex/base/{enc}enc.dfu" for enc in ("ot1", "t1", "ts1", "oms")),
        r"\\DeclareUnicodeCharacter\{(?P<hex>[0-9A-Fa-f]+)\}\{(?P<command>\\[A-Za-z]+)\}",
    ),
    TexTable(
        "latex-tuenc",
        ("tex/latex/base/tuenc.def",),
        r'\\DeclareUnicodeSymbol\{(?P<command>\\[A-Za-z]+)\}\s*\{"(?P<hex>[0-9A-Fa-f]+)\}',
    ),
    TexTable(
        "tipauni",
        ("tex/latex/tipauni/tipauni.sty",),
        r'\\DeclareTextSymbol\{(?P<command>\\[A-Za-z]+)\}\{TU\}\{"(?P<hex>[0-9A-Fa-f]+)\}',
    ),
    TexTable(
        "xunicode",
        ("tex/xelatex/xunicode/xunicode.sty",),
        r"^\\DeclareUTFcharacter\[\\UTFencname\]\{x(?P<hex>[0-9A-Fa-f]+)\}\{(?P<command>\\[A-Za-z]+)\}",
    ),
    TexTable(
        "unicode-math",
        ("tex/latex/unicode-math/unicode-math-table.tex",),
        r'\\UnicodeMathSymbol\{"(?P<hex>[0-9A-Fa-f]+)\}\{(?P<command>\\[A-Za-z]+)\s*\}',
    ),
)


# unicode-math names styled letters (`\\mitalpha`, `\\imath` as U+1D6A4) in this block; LaTeX's plain names
# mean the ordinary characters, which the other tables give.
MATH_ALPHANUMERICS = range(0x1D400, 0x1D800)


@dataclass(frozen=True)
class TableEntry:
    """One command's character and the table that gave it (kept so the catalogue can be audited)."""

    char: str
    source: str


@dataclass(frozen=True)
class Override:
    """A documented correction: the commands it applies to (a regular expression matched in full), and either
    a character, the character of another command (`same_as`, may use the pattern's groups), or neither
    (the command has no character of its own)."""

    pattern: str
    char: str | None
    same_as: str | None
    why: str


def expand(template: str, match: re.Match[str]) -> str:
    """`same_as` with the pattern's groups put in: `$1`, `$^1` (capital first letter), `$_1` (lower case)."""

    def group(placeholder: re.Match[str]) -> str:
        text = match.group(int(placeholder.group(2))) or ""
        if placeholder.group(1) == "^":
            return text[:1].upper() + text[1:]
        return text.lower() if placeholder.group(1) == "_" else text

    return re.sub(r"\$([\^_]?)(\d)", group, template)


@dataclass(frozen=True)
class UnicodeTable:
    """Lookup both ways: command -> character, and character -> every command the tables know for it."""

    by_command: dict[str, TableEntry]
    # Commands per character in source priority order; used to name the Typst-only extras.
    by_char: dict[str, tuple[str, ...]] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()

    def lookup(self, command: str, depth: int = 0) -> TableEntry | None:
        if depth > len(self.overrides):
            raise CatalogueInputError(f"overrides.json: same_as loops through {command}")
        for override in self.overrides:
            match = re.fullmatch(override.pattern, command)
            if match is None:
                continue
            if override.char is not None:
                return TableEntry(override.char, "override")
            if override.same_as is not None:
                base = self.lookup(expand(override.same_as, match), depth + 1)
                return TableEntry(base.char, "override") if base is not None else None
            return None
        return self._base(command)

    def _base(self, command: str) -> TableEntry | None:
        entry = self.by_command.get(command)
        if entry is None and len(command) == 1:
            return TableEntry(command, "literal")
        return entry

    def char_for(self, command: str) -> str | None:
        entry = self.lookup(command)
        return entry.char if entry is not None else None

    def source_for(self, command: str) -> str | None:
        entry = self.lookup(command)
        return entry.source if entry is not None else None

    def commands_for(self, char: str) -> tuple[str, ...]:
        return self.by_char.get(char, ())


def load_overrides(path: Path = OVERRIDES_PATH) -> dict:
    """The documented override file: {"unicode": [...], "distinct_looks": [...]}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as error:
        raise CatalogueInputError(f"override file unreadable: {path}: {error}") from error
    for entry in data.get("unicode", []) + data.get("distinct_looks", []):
        if not entry.get("why"):
            raise CatalogueInputError(f"{path}: every override needs a 'why': {entry}")
    return data


def unicode_overrides(data: dict) -> list[Override]:
    """Overrides in file order; an entry names one `command` or a `pattern`."""
    overrides = []
    for item in data.get("unicode", []):
        pattern = item.get("pattern") or re.escape(item["command"])
        overrides.append(Override(pattern, item.get("unicode"), item.get("same_as"), item["why"]))
    return overrides


def read_unicodeit() -> list[tuple[str, str]]:
    from unicodeit.data import REPLACEMENTS  # imported here: only the generator needs unicodeit

    return [(command, char) for command, char in REPLACEMENTS if len(char) == 1]


def read_tex_table(table: TexTable, texmf: Path = TEXMF_DIST) -> list[tuple[str, str]]:
    """(command, character) pairs of one TeX Live table; empty when its files are not installed."""
    pattern = re.compile(table.pattern, re.MULTILINE)
    pairs = []
    for name in table.files:
        path = texmf / name
        if path.is_file():
            for match in pattern.finditer(path.read_text(encoding="utf-8", errors="replace")):
                code = int(match.group("hex"), 16)
                if code >= 0x20:  # control characters are no symbols
                    pairs.append((match.group("command"), chr(code)))
    return pairs


def build_table(
    sources: Sequence[tuple[str, Sequence[tuple[str, str]]]], overrides: Sequence[Override] = ()
) -> UnicodeTable:
    """Merge (name, pairs) sources in priority order (first source wins a command)."""
    by_command: dict[str, TableEntry] = {}
    by_char: dict[str, list[str]] = {}
    for name, pairs in sources:
        for command, char in pairs:
            by_command.setdefault(command, TableEntry(char, name))
    table = UnicodeTable(by_command, {}, tuple(overrides))
    for command in by_command:
        char = table.char_for(command)
        if char is not None:
            by_char.setdefault(char, []).append(command)
    return UnicodeTable(by_command, {char: tuple(commands) for char, commands in by_char.items()}, tuple(overrides))


def load_unicode_table(overrides: Sequence[Override], texmf: Path = TEXMF_DIST) -> UnicodeTable:
    """The generator's table: unicode-math (its symbols, not its styled letters) first, because it follows
    LaTeX's names closely and unicodeit merges look-alikes (`\\star` as `*`, `\\preceq` as U+227C); then
    unicodeit, then the other TeX Live tables found under `texmf`; overrides apply on top."""
    tex = {table.name: read_tex_table(table, texmf) for table in TEX_TABLES}
    unicode_math = [(c, ch) for c, ch in tex.pop("unicode-math") if ord(ch) not in MATH_ALPHANUMERICS]
    sources: list[tuple[str, Sequence[tuple[str, str]]]] = [("unicode-math", unicode_math)]
    sources.append(("unicodeit", read_unicodeit()))
    sources += list(tex.items())
    return build_table(sources, overrides)
