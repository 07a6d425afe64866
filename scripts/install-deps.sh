#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the sanitizer build need, when they
# are missing, then the browser test's npm packages (tests/browser, from its lock file).
# Idempotent; run as root (or with sudo available). Usage: scripts/install-deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ clang make pkg-config python3 python3-venv python3-jsonschema
  libboost-json1.81-dev libfmt-dev doctest-dev libcsv-dev libhowardhinnant-date-dev tzdata
  libstemmer-dev                                   # the corpus: Snowball stemmer for factor titles
  cmark-gfm                                        # tests/report: renders the Markdown report
  nodejs npm chromium fonts-dejavu-core            # tests/browser: playwright-core + chromium
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
# A node and npm from elsewhere (e.g. NodeSource's nodejs, which bundles npm) are enough.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}")
  missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# tests/browser's node_modules, exactly as its package-lock.json says; redone only when the
# lock file changed since the last install (npm ci writes node_modules/.package-lock.json).
lock=tests/browser/package-lock.json
if [ ! -f tests/browser/node_modules/.package-lock.json ] ||
   [ "$lock" -nt tests/browser/node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci in tests/browser"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
else
  echo "install-deps: tests/browser/node_modules up to date"
fi
