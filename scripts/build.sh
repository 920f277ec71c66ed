#!/usr/bin/env bash
# Build the packaged app: dist/zelt-desktop/ (one folder, the default).
#
#   scripts/build.sh              dist/zelt-desktop/zelt-desktop{,-cli}
#   ZELT_ONEFILE=1 scripts/build.sh   dist/onefile/zelt-desktop{,-cli}
#
# Extra arguments go to pyinstaller.  See docs/distributing.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh --build
# PyInstaller caches what it learns about libraries; keep that cache in
# the build folder, not in the user's home.
: "${PYINSTALLER_CONFIG_DIR:=$PWD/build/pyinstaller-cache}"
export PYINSTALLER_CONFIG_DIR
exec .venv/bin/pyinstaller --noconfirm --log-level WARN "$@" build.spec
