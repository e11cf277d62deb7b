#!/usr/bin/env bash
# Debian packages the test suite drives for real: browsers for the extension and demo-page tests,
# PostgreSQL for the feedback store, docker-compose to validate the compose file, wrk for `make bench`.
# Installs only what is missing, so a second `make test` spends no time here.
set -euo pipefail

declare -A needed=(
  [chromium]=chromium
  [firefox-esr]=firefox-esr
  [docker-compose]=docker-compose
  [wrk]=wrk
)
missing=()
for command in "${!needed[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${needed[$command]}")
done
# PostgreSQL's server binaries live outside PATH (the client alone ships pg_ctlcluster too).
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
# Fonts whose letterforms seed synthetic training samples (training/data/build/config.py DEFAULT_FONTS).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf ] || missing+=(fonts-dejavu-extra)
[ -f /usr/share/fonts/opentype/stix/STIXGeneral-Regular.otf ] || missing+=(fonts-stix)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
