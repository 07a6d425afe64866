#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the sanitizer build need, when they
# are missing. Idempotent; run as root (or with sudo available). Usage: scripts/install-deps.sh
set -euo pipefail

packages=(
  cmake g++ clang make pkg-config python3 python3-venv python3-jsonschema
  libboost-json1.81-dev libfmt-dev doctest-dev libcsv-dev libhowardhinnant-date-dev tzdata
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# python3-jsonschema is only a fallback: a python3 that already imports jsonschema is enough.
if python3 -c 'import jsonschema' 2>/dev/null; then
  missing=("${missing[@]/python3-jsonschema}")
fi
# Likewise a python3 that can create venvs with pip (venv + ensurepip) needs no python3-venv.
if python3 -c 'import venv, ensurepip' 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
read -r -a missing <<<"${missing[*]:-}"

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
