"""How often each catalogue command is used, counted in TeX Live's documentation sources that Debian ships.

`python -m training.catalogue --usage` downloads the Debian packages of `UsageConfig.packages` with
`apt-get download` (no install, no TeX needed), unpacks them with `dpkg-deb -x` into the cache folder, counts
every catalogue command in their `.tex` files (also `.tex.gz`) and writes `models/usage.json`:
`{"about", "corpus": {"packages", "files", "characters"}, "usage": {command: [files, occurrences]}}`: in how
many distinct files the command occurs, and how often, per command
(a command offered by several packages is one command). The file is committed; the count is reproducible from
the package versions it names.

What counts, per kind of command (comments, from an unescaped `%` to the end of the line, are dropped first):
- `\\name` (letters): every `\\name` not followed by a letter, anywhere in the file (`\\to` in `\\to}` and
  `\\to\\infty`, not in `\\top`).
- `\\name{X}` (`\\mathbb{R}`, `\\mathcal{A}`): `\\name{X}` and `\\name X`, spaces allowed.
- `\\sqrt{}`: every `\\sqrt`.
- a control symbol (`\\{`, `\\|`, `\\&`): every occurrence.
- one character (letters, digits, `+`, `<`, `(`, ...): its occurrences inside math within one paragraph
  (`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`, and the math environments of `MATH_ENVIRONMENTS`), outside command
  names and the arguments of text, label and environment commands (`\\text{if}`, `\\label{eq:1}`,
  `\\begin{array}{cc}`); prose letters are not math use.
- anything else (`\\not\\sim`, `!``): the literal string anywhere.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MATH_ENVIRONMENTS = (
    "equation",
    "equation*",
    "align",
    "align*",
    "alignat",
    "alignat*",
    "flalign",
    "flalign*",
    "gather",
    "gather*",
    "multline",
    "multline*",
    "eqnarray",
    "eqnarray*",
    "displaymath",
    "math",
)
_COMMENT = re.compile(r"(?<!\\)%.*")
# `@` counts as a letter: documentation sources are full of internal names like `\\l@section`, which are no `\\l`.
_NAME = re.compile(r"\\([A-Za-z@]+)")
_NAME_WITH_ARGUMENT = re.compile(r"\\([A-Za-z]+)\s*(?:\{\s*([^{}\s\\])\s*\}|\s+([A-Za-z0-9])(?![A-Za-z0-9]))")
_CONTROL_SYMBOL = re.compile(r"\\([^A-Za-z\s])")
_ENVIRONMENTS = "|".join(re.escape(name) for name in MATH_ENVIRONMENTS)
_MATH = re.compile(
    r"\$\$(.+?)\$\$|(?<!\\)\$([^$]{1,500}?)(?<!\\)\$|(?<!\\)\\\((.+?)\\\)|(?<!\\)\\\[(.+?)\\\]"
    rf"|\\begin\{{({_ENVIRONMENTS})\}}(.+?)\\end\{{\5\}}",
    re.DOTALL,
)
_COMMAND_WITH_ARGUMENT = re.compile(r"^\\([A-Za-z]+)\{(.)\}$")
# Inside math, the arguments of these hold words, labels or options, not math characters.
_TEXT_ARGUMENT = re.compile(
    r"\\(?:text[a-z]*|mbox|hbox|makebox|mathrm|operatorname|label|ref|eqref|tag|intertext|begin|end|cite"
    r"|hspace|vspace|color|textcolor|emph|mathop|url|href|ensuremath)\*?\s*(?:\[[^\]]*\]\s*)?(?:\{[^{}]*\}\s*)+"
)
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class UsageConfig:
    """Where the corpus comes from and where the counts go."""

    # Debian packages of TeX Live documentation with .tex sources: papers and templates of publishers (math
    # heavy), science packages' manuals, LaTeX's own documentation. Together about 430 MB of downloads.
    packages: tuple[str, ...] = (
        "texlive-latex-base-doc",
        "texlive-latex-recommended-doc",
        "texlive-science-doc",
        "texlive-publishers-doc",
    )
    # Downloaded .deb files and their unpacked tree (git-ignored; reused when present).
    cache: Path = Path("data-cache/usage-corpus")
    # The committed result.
    output: Path = Path("models/usage.json")


@dataclass
class CorpusCounts:
    """Counters over the corpus: occurrences, or (`presence`) the number of files with at least one."""

    presence: bool = False
    names: Counter[str] = field(default_factory=Counter)
    names_with_argument: Counter[tuple[str, str]] = field(default_factory=Counter)
    control_symbols: Counter[str] = field(default_factory=Counter)
    math_characters: Counter[str] = field(default_factory=Counter)
    files: int = 0
    characters: int = 0
    texts: list[str] = field(default_factory=list)  # kept only for the rare literal-string commands

    def add(self, text: str) -> None:
        """Count one file."""
        text = _COMMENT.sub("", text)
        names = Counter(_NAME.findall(text))
        with_argument = Counter((name, braced or bare) for name, braced, bare in _NAME_WITH_ARGUMENT.findall(text))
        control = Counter(_CONTROL_SYMBOL.findall(text))
        characters: Counter[str] = Counter()
        for match in _MATH.finditer(text):
            body = next(group for index, group in enumerate(match.groups()) if group and index != 4)
            if _PARAGRAPH.search(body):
                continue  # a stray $ or a line break's `\\[`: LaTeX math never spans a paragraph
            # Characters of math outside words and command names: `\alpha` adds no a, l, p, h.
            characters.update(_NAME.sub(" ", _TEXT_ARGUMENT.sub(" ", body)))
        for total, found in (
            (self.names, names),
            (self.names_with_argument, with_argument),
            (self.control_symbols, control),
            (self.math_characters, characters),
        ):
            total.update(dict.fromkeys(found, 1) if self.presence else found)
        self.files += 1
        self.characters += len(text)
        self.texts.append(text)

    def count(self, command: str) -> int:
        """How often `command` occurs, by the rules of the module docstring."""
        if re.fullmatch(r"\\[A-Za-z]+", command):
            return self.names[command[1:]]
        if command == "\\sqrt{}":
            return self.names["sqrt"]
        argument = _COMMAND_WITH_ARGUMENT.match(command)
        if argument:
            return self.names_with_argument[(argument.group(1), argument.group(2))]
        if re.fullmatch(r"\\[^A-Za-z\s]", command):
            return self.control_symbols[command[1]]
        if len(command) == 1:
            return self.math_characters[command]
        return sum(min(text.count(command), 1) if self.presence else text.count(command) for text in self.texts)


def tex_files(root: Path) -> Iterator[Path]:
    """Every .tex and .tex.gz file under `root`, in a stable order."""
    yield from sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith((".tex", ".tex.gz")))


def read_tex(path: Path) -> str:
    raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    return raw.decode("utf-8", errors="replace")


def count_corpus(files: Iterable[Path]) -> tuple[CorpusCounts, CorpusCounts]:
    """(occurrences, files using it) over the distinct files: TeX Live ships some documents twice (upright and
    italic builds of one table), and a copy is no second use."""
    occurrences, documents = CorpusCounts(), CorpusCounts(presence=True)
    seen: set[str] = set()
    for path in files:
        text = _COMMENT.sub("", read_tex(path))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        occurrences.add(text)
        documents.add(text)
    return occurrences, documents


def fetch_corpus(config: UsageConfig) -> tuple[Path, list[str]]:
    """Download and unpack the packages (skipped for those already there); returns the tree and the package
    files (name_version_arch.deb, which pin what was counted)."""
    debs = config.cache / "debs"
    tree = config.cache / "tree"
    debs.mkdir(parents=True, exist_ok=True)
    missing = [name for name in config.packages if not list(debs.glob(f"{name}_*.deb"))]
    if missing:
        subprocess.run(["apt-get", "download", *missing], cwd=debs, check=True, timeout=1800)
    files = sorted(path for name in config.packages for path in debs.glob(f"{name}_*.deb"))
    marker = tree / ".unpacked"
    wanted = "\n".join(path.name for path in files)
    if not marker.is_file() or marker.read_text(encoding="utf-8") != wanted:
        tree.mkdir(parents=True, exist_ok=True)
        for path in files:
            subprocess.run(["dpkg-deb", "-x", str(path), str(tree)], check=True, timeout=600)
        marker.write_text(wanted, encoding="utf-8")
    return tree, [path.name for path in files]


def write_usage(config: UsageConfig, commands: Iterable[str]) -> dict:
    """Fetch the corpus, count every command and write `config.output`; returns what was written."""
    tree, packages = fetch_corpus(config)
    occurrences, documents = count_corpus(tex_files(tree))
    commands = sorted(set(commands))
    result = {
        "about": (
            "How often each catalogue command occurs in TeX Live's documentation sources (Debian packages below), "
            "as [files using it, occurrences]: written by `python -m training.catalogue --usage` "
            "(training/catalogue/usage.py says what counts). Read by backend/usage_prior.py, which uses the files."
        ),
        "corpus": {"packages": packages, "files": documents.files, "characters": documents.characters},
        "usage": {command: [documents.count(command), occurrences.count(command)] for command in commands},
    }
    config.output.parent.mkdir(parents=True, exist_ok=True)
    body = ",\n".join(f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in result["usage"].items())
    head = json.dumps({"about": result["about"], "corpus": result["corpus"]}, ensure_ascii=False)[:-1]
    config.output.write_text(f'{head}, "usage": {{\n{body}\n}}}}\n', encoding="utf-8")
    return result
