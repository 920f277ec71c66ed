#!/usr/bin/env bash
# Try Zelt Desktop against its built-in sandbox: no Zelt account needed.
#
# Opens the window with a demo app filled in.  On a machine without a
# display it runs the same flow offscreen and prints what it found.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh

has_display() {
    case "$(uname -s)" in
        Darwin | MINGW* | MSYS* | CYGWIN*) return 0 ;;
    esac
    [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]
}

if has_display; then
    exec .venv/bin/zelt-desktop --demo "$@"
fi
echo "demo: no display (DISPLAY and WAYLAND_DISPLAY are unset);" \
    "running the demo offscreen as a self-test instead"
QT_QPA_PLATFORM=offscreen exec .venv/bin/zelt-desktop --demo --self-test "$@"
