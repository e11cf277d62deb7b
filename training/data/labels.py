"""Source labels to catalogue classes: `LabelMap.resolve(source, label)` gives the glyph-representative id.

Every source names symbols its own way; the model has one class per glyph group of the catalogue
(`models/symbols.json`, field `glyph`). The rules, per source:

- `detexify`, `feedback`: the label is a catalogue id (Detexify's key) already.
- `crohme`: CROHME's LaTeX-ish names; a few are not LaTeX (`\\lt`, `\\gt`, `COMMA`) or differ from the catalogue's
  command (`\\sqrt` is `\\sqrt{}`), see `CROHME_NAMES`; the rest are commands or characters.
- `detypify`: Typst names; mapped through their Unicode character (the record's `unicode`, else
  `TYPST_UNICODE` for names the file leaves without one), then through `LOOKALIKE_CHARACTERS`.
- `hershey`: hfmath's LaTeX labels: commands, characters, `\\mathcal{A}`-style letters; plain font
  variants (`\\mathrm{A}`, `\\mathbf{A}`, ...) become the letter, since a hand draws no font weight.

Look-alikes that the data labels by context (`1`/`l`/`|`, `x`/`\\times`, `0`/`o`/`O`, `-` as minus or fraction
bar) stay separate classes: each is a different command a writer may want, and the served top-5 carries
both. Only characters that are the *same* glyph in the catalogue (one `glyph` group) share a class, so the
top-5 never shows one glyph twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend import catalogue as symbols
from backend.catalogue import CatalogueError as CatalogueError  # re-exported: readers of labels catch it
from backend.catalogue import Symbol

# CROHME 2014 names that are not the catalogue's command for the symbol.
CROHME_NAMES: dict[str, str] = {
    "\\lt": "<",  # CROHME avoids raw < and > (XML files)
    "\\gt": ">",
    "COMMA": ",",  # CROHME avoids raw , (CSV ground truth)
    "\\sqrt": "\\sqrt{}",  # the catalogue lists the radical with its empty argument
}

# hfmath labels that are not the catalogue's command for what they draw.
HERSHEY_NAMES: dict[str, str] = {
    "\\ne": "\\neq",
    "\\to": "\\rightarrow",
    "\\gets": "\\leftarrow",
    "\\Box": "\\square",
    # Greek capitals with no command of their own are the Latin letters they look like.
    "\\Alpha": "A",
    "\\Beta": "B",
    "\\Epsilon": "E",
    "\\Zeta": "Z",
    "\\Eta": "H",
    "\\Iota": "I",
    "\\Kappa": "K",
    "\\Mu": "M",
    "\\Nu": "N",
    "\\Omicron": "O",
    "\\Rho": "P",
    "\\Tau": "T",
    "\\Chi": "X",
    "\\omicron": "o",
}

# hfmath labels that are no single catalogue symbol, with the reason shown in the summary.
HERSHEY_NOT_A_SYMBOL: dict[str, str] = {
    "\\sqrt{x}": "a radical with an x inside: a composite, not one symbol",
    "\\sqrt": "hfmath's \\sqrt{\\ } carries a stray diagonal stroke; the preview and fonts give the radical",
}
HERSHEY_ACCENT_KIND = "accent-on-a"

# Font-variant wrappers whose handwritten form is just the letter.
_PLAIN_FONT_VARIANT = re.compile(r"^\\math(?:rm|bf|it|sf|tt)\{([A-Za-z0-9])\}$")

_DOUBLE_STRUCK = re.compile(r"^\\mathbb\{([A-Z])\}$")


def double_struck_character(letter: str) -> str:
    """The Unicode double-struck capital (`\\mathbb{R}` is U+211D; dsfont's `\\mathds{R}` has the same one)."""
    import unicodedata

    try:
        return unicodedata.lookup(f"DOUBLE-STRUCK CAPITAL {letter}")  # C H N P Q R Z live in Letterlike Symbols
    except KeyError:
        return unicodedata.lookup(f"MATHEMATICAL DOUBLE-STRUCK CAPITAL {letter}")


# Typst names that detypify's file leaves without a character: Typst's `sym` module (names of Typst 0.11-0.12).
TYPST_UNICODE: dict[str, str] = {
    "Kai": "\u03cf",
    "kai": "\u03d7",
    "alef": "\u2135",
    "dalet": "\u2138",
    "gimmel": "\u2137",
    "shin": "\u05e9",
    "angle.l.double": "\u27ea",
    "angle.r.double": "\u27eb",
    "angle.r": "\u27e9",
    "angle.right.sq": "\u299c",
    "angle.spheric.top": "\u29a1",
    "ast.circle": "\u229b",
    "ast.small": "\ufe61",
    "backslash.circle": "\u29b8",
    "ballot.x": "\u2717",
    "bracket.r.double": "\u27e7",
    "dash.circle": "\u229d",
    "degree.f": "\u2109",
    "diff": "\u2202",
    "div.circle": "\u2a38",
    "franc": "\u20a3",
    "gt.circle": "\u29c1",
    "gt.curly.approx": "\u2ab8",
    "gt.curly.double": "\u2abc",
    "gt.curly.eq.not": "\u22e1",
    "gt.curly.equiv": "\u2ab4",
    "gt.curly.napprox": "\u2aba",
    "gt.curly.nequiv": "\u2ab6",
    "gt.curly.not": "\u2281",
    "gt.small": "\ufe65",
    "integral.sect": "\u2a19",
    "kelvin": "\u212a",
    "lt.curly.double": "\u2abb",
    "lt.curly.eq": "\u227c",
    "lt.curly.equiv": "\u2ab3",
    "lt.curly.nequiv": "\u2ab5",
    "lt.curly.ntilde": "\u22e8",
    "lt.curly.tilde": "\u227e",
    "notes.up": "\u266b",
    "ohm": "\u2126",
    "ohm.inv": "\u2127",
    "perp.circle": "\u29b9",
    "plus.circle.arrow": "\u27f4",
    "plus.circle.big": "\u2a01",
    "quote.angle.l.double": "\u00ab",
    "quote.angle.r.single": "\u203a",
    "rupee": "\u20b9",
    "sect.big": "\u22c2",
    "sect.dot": "\u2a40",
    "sect.sq.big": "\u2a05",
    "sect.sq.double": "\u2a4e",
    "sect.sq": "\u2293",
    "succ.eq.not": "\u22e1",
    "suit.club": "\u2663",
    "suit.heart": "\u2661",
    "suit.spade": "\u2660",
    "times.circle.big": "\u2a02",
    "times.circle": "\u2297",
    "turtle.b": "\u23e1",
    "turtle.t": "\u23e0",
}

# Characters drawn exactly like another one, tried in turn when the catalogue lacks the character itself
# (the catalogue gives `\\langle` as U+3008, `\\heartsuit` as U+2665, minus as U+2212, ...).
LOOKALIKE_CHARACTERS: dict[str, tuple[str, ...]] = {
    "\u0391": ("A",),
    "\u0392": ("B",),
    "\u0395": ("E",),
    "\u0396": ("Z",),
    "\u0397": ("H",),
    "\u0399": ("I",),
    "\u039a": ("K",),
    "\u039c": ("M",),
    "\u039d": ("N",),
    "\u039f": ("O",),
    "\u03a1": ("P",),
    "\u03a4": ("T",),
    "\u03a7": ("X",),
    "\u03bf": ("o",),
    "\u2126": ("\u03a9",),  # ohm sign: capital omega
    "\u212a": ("K",),  # kelvin sign
    "\ufe61": ("*", "\u2217"),  # small asterisk: the asterisk, or the asterisk operator
    "*": ("\u2217",),
    "\u2217": ("*",),
    "\ufe65": (">",),  # small greater-than
    "-": ("\u2212",),  # hyphen-minus: the minus sign
    "\u2212": ("-",),
    "\u27e8": ("\u3008",),  # mathematical angle brackets and their CJK twins
    "\u3008": ("\u27e8",),
    "\u27e9": ("\u3009",),
    "\u3009": ("\u27e9",),
    "\u27e6": ("\u301a",),
    "\u301a": ("\u27e6",),
    "\u27e7": ("\u301b",),
    "\u301b": ("\u27e7",),
    "\u2661": ("\u2665",),  # a hand draws a heart suit as an outline either way
    "\u2665": ("\u2661",),
}


class Catalogue:
    """The label-mapping view of the catalogue: `backend.catalogue` loads and checks `models/symbols.json` (one
    loader for server and training); this adds the indexes by command and by character that mapping needs."""

    def __init__(self, catalogue: symbols.Catalogue) -> None:
        self.entries: dict[str, Symbol] = dict(catalogue.by_id)
        self.by_command: dict[str, list[Symbol]] = {}
        self.by_unicode: dict[str, list[Symbol]] = {}
        for entry in catalogue.symbols:
            self.by_command.setdefault(entry.command, []).append(entry)
            if entry.unicode:
                self.by_unicode.setdefault(entry.unicode, []).append(entry)
        for index in (self.by_command, self.by_unicode):
            for candidates in index.values():
                candidates.sort(key=_preference)

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        return cls(symbols.load_catalogue(path))

    @classmethod
    def from_json(cls, data: Any, where: str = "catalogue") -> Catalogue:
        return cls(symbols.parse_catalogue(data, where))

    def glyph_classes(self) -> list[str]:
        """Every glyph-representative id, sorted: the model's classes."""
        return sorted({entry.glyph for entry in self.entries.values()})

    def members(self, glyph: str) -> list[Symbol]:
        return sorted((e for e in self.entries.values() if e.glyph == glyph), key=_preference)

    def class_by_group(self, classes: list[str]) -> dict[str, str]:
        """Today's glyph group -> the class of `classes` in it. A set or model built before a regrouping names some
        groups by another member (`\\surd` for what is now the `\\sqrt{}` group); this finds them all the same."""
        found: dict[str, str] = {}
        for class_id in classes:
            found.setdefault(self.glyph_of(class_id), class_id)
        return found

    def columns_in(self, labels: list[str], classes: list[str]) -> list[int]:
        """Per label (of a model or set built with another grouping), the index in `classes` of the class of its
        glyph group today, or -1 when `classes` has none."""
        position = {class_id: index for index, class_id in enumerate(classes)}
        by_group = self.class_by_group(classes)
        return [position.get(by_group.get(self.glyph_of(label), ""), -1) for label in labels]

    def glyph_of(self, class_id: str) -> str:
        """The glyph group a class id belongs to today (an id the catalogue no longer has stands for itself)."""
        symbol = self.entries.get(class_id)
        return symbol.glyph if symbol else class_id


def _preference(entry: Symbol) -> tuple[bool, bool, bool, str]:
    """The entry a bare command or character most likely means: math mode, no package, OT1."""
    return (not entry.math, entry.package is not None, entry.fontenc not in (None, "OT1"), entry.id)


@dataclass(frozen=True)
class Resolution:
    """Where a source label lands: `glyph` (a class id) or None, and how, in words, for the summary."""

    glyph: str | None
    how: str


class LabelMap:
    """Maps `(source, label)` to a glyph-representative catalogue id; see the module docstring for the rules."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._cache: dict[tuple[str, str, str | None], Resolution] = {}

    def glyph_for(self, source: str, label: str, hint: str | None = None) -> str | None:
        return self.resolve(source, label, hint).glyph

    def resolve(self, source: str, label: str, hint: str | None = None) -> Resolution:
        """`hint` is the record field some sources need (`hint_for`): detypify's character, hfmath's kind."""
        key = (source, label, hint)
        if key not in self._cache:
            self._cache[key] = self._resolve(source, label, hint)
        return self._cache[key]

    def _resolve(self, source: str, label: str, hint: str | None) -> Resolution:
        if source in ("detexify", "feedback"):
            return self._by_id(label)
        if source == "crohme":
            return self._by_latex(CROHME_NAMES.get(label, label))
        if source == "detypify":
            return self._by_typst(label, hint)
        if source == "hershey":
            return self._by_hershey(label, hint)
        return Resolution(None, f"unknown source {source!r}")

    def _by_id(self, label: str) -> Resolution:
        entry = self.catalogue.entries.get(label)
        if entry is None:
            return Resolution(None, "unknown key: not a catalogue id")
        return Resolution(entry.glyph, "catalogue id")

    def _by_latex(self, latex: str) -> Resolution:
        candidates = self.catalogue.by_command.get(latex)
        if candidates:
            return Resolution(candidates[0].glyph, f"command {latex}")
        if len(latex) == 1:
            return self._by_character(latex)
        return Resolution(None, f"no catalogue symbol with command {latex}")

    def _by_character(self, character: str) -> Resolution:
        candidates = self.catalogue.by_unicode.get(character)
        if candidates:
            return Resolution(candidates[0].glyph, f"character U+{ord(character):04X}")
        for lookalike in LOOKALIKE_CHARACTERS.get(character, ()):
            candidates = self.catalogue.by_unicode.get(lookalike)
            if candidates:
                return Resolution(candidates[0].glyph, f"U+{ord(character):04X} drawn like U+{ord(lookalike):04X}")
        return Resolution(None, f"no catalogue symbol for character U+{ord(character):04X} ({character})")

    def _by_typst(self, name: str, unicode: str | None) -> Resolution:
        character = unicode or TYPST_UNICODE.get(name)
        if not character:
            return Resolution(None, f"Typst name {name} has no known character")
        return self._by_character(character) if len(character) == 1 else self._by_latex(character)

    def _by_hershey(self, label: str, kind: str | None) -> Resolution:
        if kind == HERSHEY_ACCENT_KIND:
            return Resolution(None, f"accent {label} drawn over an a: not one catalogue symbol")
        if label in HERSHEY_NOT_A_SYMBOL:
            return Resolution(None, HERSHEY_NOT_A_SYMBOL[label])
        double_struck = _DOUBLE_STRUCK.match(label)
        if double_struck and label not in self.catalogue.by_command:
            return self._by_character(double_struck_character(double_struck.group(1)))
        plain = _PLAIN_FONT_VARIANT.match(label)
        if plain:
            resolution = self._by_latex(plain.group(1))
            return Resolution(resolution.glyph, f"font variant of {plain.group(1)}: {resolution.how}")
        return self._by_latex(HERSHEY_NAMES.get(label, label))


def hint_for(source: str, record: dict[str, Any]) -> str | None:
    """The extra record field a source's mapping needs: detypify's character, hfmath's glyph kind."""
    if source == "detypify":
        return record.get("unicode")
    if source == "hershey":
        return record.get("kind")
    return None
