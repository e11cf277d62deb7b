"""Preview SVGs: real LaTeX for every symbol TeX Live can typeset, a Unicode font for the rest.

LaTeX: one document per preamble (the package the Detexify key names, plus `[T1]{fontenc}` for T1 keys), one
symbol per page, compiled once with `latex`; `dvisvgm --no-fonts` turns every page into an SVG whose glyphs are
paths, so a browser shows them without TeX's fonts. Packages are not mixed in one document because some clash
(`bbold` and `dsfont` both define double-struck letters, `esint` and `amsmath` both define `\\iint`).
Unicode font (`preview_kind: "unicode-font"`): the symbol's character drawn as a path from the first font
in `FALLBACK_FONTS` that has it (Latin Modern Math first: the font unicode-math uses by default). This covers
the unicode-math extras and any symbol LaTeX fails on; a symbol with neither gets an SVG <text> of its command.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from training.catalogue.detexify import split_key
from training.catalogue.packages import UNICODE_MATH
from training.catalogue.preview_frame import frame_svg

HEADER_LINES = 5  # lines before the first symbol line in `_document` (keep in step with it)
_ERROR_LINE = re.compile(r"^l\.(\d+)", re.MULTILINE)
_INVALID_IN_MATH = re.compile(r"LaTeX Warning: Command \\\S+ invalid in math mode on input line (\d+)")

FALLBACK_FONTS = (
    Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf"),
    Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/lm-math/latinmodern-math.otf"),
    Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/stix2-otf/STIXTwoMath-Regular.otf"),
    Path("/usr/share/fonts/opentype/stix/STIXGeneral-Regular.otf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
)


@dataclass(frozen=True)
class PreviewConfig:
    """How previews are made."""

    latex: str = "latex"
    dvisvgm: str = "dvisvgm"
    # Decimal places of SVG coordinates (in TeX points): 2 keeps a 10 pt glyph exact to 1/1000 of its size.
    precision: int = 2
    # Margin around the ink, so strokes touching the box are not clipped by a browser.
    margin: str = "1pt"
    # The largest document (~300 symbols) compiles and converts in well under a minute.
    timeout_s: float = 600.0
    fallback_fonts: tuple[Path, ...] = FALLBACK_FONTS


def engine_command(package: str | None, config: PreviewConfig) -> list[str]:
    """The LaTeX call for a package's document: `config.latex`, or LuaLaTeX writing DVI for a package that needs it
    (logix is OpenType-only; dvisvgm reads LuaTeX's DVI with its OpenType glyphs)."""
    from training.catalogue.sty_commands import SYMBOL_PACKAGES

    engines = {p.name: p.latex for p in SYMBOL_PACKAGES if p.latex != "latex"}
    if package in engines:
        return [engines[package], "--output-format=dvi"]
    return [config.latex]


def preview_name(symbol_id: str) -> str:
    return hashlib.md5(symbol_id.encode("utf-8")).hexdigest() + ".svg"


def preamble_of(entry: dict) -> tuple[str | None, str | None] | None:
    """(package, fontenc) to typeset an entry as its key names it; None when LaTeX cannot (unicode-math)."""
    if entry["package"] == UNICODE_MATH:
        return None
    key_package, key_fontenc = split_key(entry["id"])
    package = None if key_package == "latex2e" else key_package
    return package, "T1" if key_fontenc == "T1" else None


def _document(entries: Sequence[dict], package: str | None, fontenc: str | None) -> str:
    lines = [
        "\\documentclass{article}",
        f"\\usepackage[{fontenc}]{{fontenc}}" if fontenc else "%",
        f"\\usepackage{{{package}}}" if package else "%",
        "\\pagestyle{empty}\\tracinglostchars=3",
        "\\begin{document}",
    ]
    assert len(lines) == HEADER_LINES
    for entry in entries:
        body = f"${entry['command']}$" if entry["math"] else entry["command"]
        lines.append(f"\\mbox{{{body}}}\\clearpage")
    lines.append("\\end{document}")
    return "\n".join(lines) + "\n"


def minify_svg(svg: str) -> str:
    """Drop what a browser does not need: XML declaration, comments, line breaks between tags."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r">\s+<", "><", svg)
    return svg.strip() + "\n"


def render_latex_group(
    entries: Sequence[dict], package: str | None, fontenc: str | None, config: PreviewConfig
) -> dict[str, str]:
    """id -> SVG text for the entries LaTeX typesets cleanly; the others are left out."""
    with tempfile.TemporaryDirectory(prefix="texsketch-previews-") as workdir:
        work = Path(workdir)
        (work / "symbols.tex").write_text(_document(entries, package, fontenc), encoding="utf-8")
        subprocess.run(
            [*engine_command(package, config), "-interaction=nonstopmode", "-no-shell-escape", "symbols.tex"],
            cwd=work,
            capture_output=True,
            timeout=config.timeout_s,
            check=False,
        )
        log = (work / "symbols.log").read_text(encoding="latin-1") if (work / "symbols.log").is_file() else ""
        if not (work / "symbols.dvi").is_file():
            return {}
        bad_lines = {int(n) for n in _ERROR_LINE.findall(log)} | {int(n) for n in _INVALID_IN_MATH.findall(log)}
        subprocess.run(
            [
                config.dvisvgm,
                "--no-fonts",
                "--exact-bbox",
                f"--bbox={config.margin}",
                f"--precision={config.precision}",
                "--page=1-",
                "--output=page-%p.svg",
                "symbols.dvi",
            ],
            cwd=work,
            capture_output=True,
            timeout=config.timeout_s,
            check=False,
        )
        # dvisvgm pads %p to the width of the last page number: read the numbers back.
        pages = {int(path.stem.removeprefix("page-")): path for path in work.glob("page-*.svg")}
        svgs = {}
        for index, entry in enumerate(entries):
            page = pages.get(index + 1)
            if HEADER_LINES + 1 + index in bad_lines or page is None:
                continue
            svg = page.read_text(encoding="utf-8")
            if not re.search(r"<(path|use|rect)\b", svg):  # an empty page: nothing was typeset (rules are rects)
                continue
            svgs[entry["id"]] = minify_svg(svg)
    return svgs


def font_svg(char: str, fonts: Sequence[Path]) -> str | None:
    """The character's outline from the first font that has it, as a one-path SVG (None: no font has it)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont

    for path in fonts:
        if not path.is_file() or len(char) != 1:
            continue
        font = TTFont(path, lazy=True)
        glyph_name = font.getBestCmap().get(ord(char))
        if glyph_name is None:
            continue
        glyphs = font.getGlyphSet()
        bounds_pen = BoundsPen(glyphs)
        glyphs[glyph_name].draw(bounds_pen)
        if bounds_pen.bounds is None:
            continue
        x_min, y_min, x_max, y_max = bounds_pen.bounds
        scale = 10.0 / font["head"].unitsPerEm  # 10 units per em, like a 10 pt LaTeX glyph
        margin = 1.0
        svg_pen = SVGPathPen(glyphs, ntos=lambda value: f"{value:.2f}".rstrip("0").rstrip("."))
        # Font y grows up, SVG y grows down: flip, scale, and move the ink box to the origin plus margin.
        glyphs[glyph_name].draw(
            TransformPen(svg_pen, (scale, 0, 0, -scale, margin - x_min * scale, margin + y_max * scale))
        )
        width = (x_max - x_min) * scale + 2 * margin
        height = (y_max - y_min) * scale + 2 * margin
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}pt" height="{height:.2f}pt" '
            f'viewBox="0 0 {width:.2f} {height:.2f}"><path d="{svg_pen.getCommands()}"/></svg>\n'
        )
    return None


def text_svg(label: str) -> str:
    """Last resort: the command as SVG text (no font on this machine draws the symbol)."""
    escaped = label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    width = 6 * len(label) + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="14pt" viewBox="0 0 {width} 14">'
        f'<text x="2" y="11" font-family="serif" font-size="10">{escaped}</text></svg>\n'
    )


def render_previews(
    entries: Sequence[dict], models_dir: Path, use_tex: bool = True, config: PreviewConfig = PreviewConfig()
) -> tuple[dict[str, str], int]:
    """Write models_dir/previews/<md5 of id>.svg for every entry; returns (id -> preview_kind, total bytes)."""
    out = models_dir / "previews"
    svgs: dict[str, str] = {}
    if use_tex and shutil.which(config.latex) and shutil.which(config.dvisvgm):
        groups: dict[tuple[str | None, str | None], list[dict]] = {}
        for entry in entries:
            preamble = preamble_of(entry)
            if preamble is not None:
                groups.setdefault(preamble, []).append(entry)
        for (package, fontenc), members in tqdm(sorted(groups.items(), key=str), desc="LaTeX previews"):
            svgs.update(render_latex_group(members, package, fontenc, config))
    kinds: dict[str, str] = {}
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.svg"):
        stale.unlink()
    total = 0
    for entry in entries:
        svg = svgs.get(entry["id"])
        kinds[entry["id"]] = "latex"
        if svg is None:
            kinds[entry["id"]] = "unicode-font"
            svg = font_svg(entry["unicode"], config.fallback_fonts) if entry["unicode"] else None
            svg = svg or text_svg(entry["command"])
        # One frame for all: true relative size on a shared baseline (training/catalogue/preview_frame.py).
        svg = frame_svg(svg)
        path = out / preview_name(entry["id"])
        path.write_text(svg, encoding="utf-8")
        total += len(svg.encode("utf-8"))
    return kinds, total
