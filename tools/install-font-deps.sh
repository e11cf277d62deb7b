#!/usr/bin/env bash
# Debian font packages whose letterforms seed synthetic training samples (training/data/build/config.py
# DEFAULT_FONTS). Needed to rebuild the training set exactly as the shipped model's was built; the tests do not
# need them (a missing font only removes that font's templates). Installs only what is missing.
set -euo pipefail

declare -A needed=(
  [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]=fonts-dejavu-core
  [/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf]=fonts-dejavu-extra
  [/usr/share/fonts/opentype/stix/STIXGeneral-Regular.otf]=fonts-stix
  [/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf]=fonts-noto-core
  [/usr/share/fonts/opentype/freefont/FreeSans.otf]=fonts-freefont-otf
  [/usr/share/fonts/truetype/cmu/cmunss.ttf]=fonts-cmu
  [/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf]=fonts-lmodern
  [/usr/share/texmf/fonts/opentype/public/tex-gyre-math/texgyrepagella-math.otf]=fonts-texgyre-math
  [/usr/share/fonts/opentype/asana-math/Asana-Math.otf]=fonts-oflb-asana-math
  [/usr/share/fonts/opentype/neohellenic/GFSNeohellenic.otf]=fonts-gfs-neohellenic
  [/usr/share/fonts/opentype/junicode/JunicodeTwoBeta-Regular.otf]=fonts-junicode
  [/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf]=fonts-ebgaramond
)
missing=()
for file in "${!needed[@]}"; do
  [ -f "$file" ] || missing+=("${needed[$file]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=$([ "$(id -u)" -ne 0 ] && echo sudo || true)
echo "installing font packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
