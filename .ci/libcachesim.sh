#!/usr/bin/env bash
# Agreement of the reference policies (verify/src/reference) with libCacheSim, the field's
# simulator, at eight small standard points (`clientcache-verify libcachesim --quick`).
#
# Installs the PyPI package `libcachesim` into .venv-lcs (reused when it already imports).
# If it cannot be installed the script fails, loudly: this check never skips. Run from
# anywhere: `bash .ci/libcachesim.sh`. The 47-point table in verify/README.md comes from the
# same command without --quick.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-lcs
if ! "$venv/bin/python" -c 'import libcachesim' 2>/dev/null; then
  echo "installing libcachesim into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check libcachesim
fi
if ! "$venv/bin/python" -c 'import libcachesim'; then
  echo "libcachesim does not import from $venv after installing it: the agreement check cannot run" >&2
  exit 1
fi

cargo run --release -q -p clientcache-verify -- libcachesim --quick --python "$venv/bin/python"
