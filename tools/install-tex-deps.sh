#!/usr/bin/env bash
# Debian packages `make catalogue` needs: TeX Live with every package the Detexify symbols use, dvisvgm for the
# SVG previews, and the fonts of the Unicode-font fallback. Installs only what is missing (checked per file),
# so a second `make catalogue` spends no time here.
set -euo pipefail

# file that must exist -> the Debian package that ships it (bookworm)
declare -A needed=(
  [latex]=texlive-latex-base
  [dvisvgm]=dvisvgm
  [amssymb.sty]=texlive-base
  [amsmath.sty]=texlive-latex-base
  [latexsym.sty]=texlive-latex-base
  [tipa.sty]=tipa
  [wasysym.sty]=texlive-fonts-recommended
  [marvosym.sty]=texlive-fonts-recommended
  [mathrsfs.sty]=texlive-latex-recommended
  [unicode-math-table.tex]=texlive-latex-recommended
  [xunicode.sty]=texlive-latex-recommended
  [stmaryrd.sty]=texlive-science
  [esint.sty]=texlive-latex-extra
  [upgreek.sty]=texlive-latex-extra
  [gensymb.sty]=texlive-latex-extra
  [tipauni.sty]=texlive-latex-extra
  [dsfont.sty]=texlive-fonts-extra
  [cmll.sty]=texlive-fonts-extra
  [bbold.sty]=texlive-fonts-extra
  [skull.sty]=texlive-fonts-extra
  [mathdots.sty]=texlive-plain-generic
  # The symbol packages of issue 22 (training/catalogue/sty_commands.py reads their declarations).
  [MnSymbol.sty]=texlive-fonts-extra
  [stix.sty]=texlive-fonts-extra
  [stix2.sty]=texlive-fonts-extra
  [fdsymbol.sty]=texlive-fonts-extra
  [mathabx.sty]=texlive-fonts-extra
  [logix.sty]=texlive-fonts-extra
  [txfonts.sty]=texlive-fonts-recommended
  [mathtools.sty]=texlive-latex-recommended
  [halloweenmath.sty]=texlive-latex-extra
  [pict2e.sty]=texlive-pictures
  # logix is OpenType-only: LuaLaTeX probes and typesets it.
  [lualatex]=texlive-latex-base
  [lualatex-math.sty]=texlive-luatex
  [latinmodern-math.otf]=fonts-lmodern
  [STIXGeneral-Regular.otf]=fonts-stix
  [DejaVuSans.ttf]=fonts-dejavu-core
)
missing=()
for file in "${!needed[@]}"; do
  case "$file" in
    latex|lualatex|dvisvgm) command -v "$file" >/dev/null 2>&1 && continue ;;
    *.otf|*.ttf) compgen -G "/usr/share/fonts/*/*/$file" >/dev/null && continue
                 compgen -G "/usr/share/texmf/fonts/opentype/public/*/$file" >/dev/null && continue ;;
    *) command -v kpsewhich >/dev/null 2>&1 && [ -n "$(kpsewhich "$file")" ] && continue ;;
  esac
  missing+=("${needed[$file]}")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing Debian packages for the catalogue (TeX Live is large; texlive-fonts-extra alone is ~500 MB): ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
