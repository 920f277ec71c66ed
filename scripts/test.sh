#!/usr/bin/env bash
# Run every test: the unit suite, then the end-to-end suite.
#
# The end-to-end tests (tests/e2e) need a real X server, a Secret Service
# and Chromium; without them they are skipped with the reason, unless CI is
# set, where they fail.  .ci/run provides all three.  Extra arguments go to
# both pytest runs, e.g. scripts/test.sh -x -k consent.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -n "${CI:-}" ]; then
    bash scripts/bootstrap.sh --e2e || exit
else
    bash scripts/bootstrap.sh --test || exit
fi

# pytest exits with 5 when it collected nothing: a suite that silently
# vanished is a failure here, like any other.
run_pytest() {
    local status=0
    .venv/bin/python -m pytest "$@" || status=$?
    if [ "$status" -eq 5 ]; then
        echo "test: no tests were collected from $1" >&2
    fi
    return "$status"
}

unit=0
e2e=0
echo "== unit tests"
run_pytest tests -q "$@" || unit=$?
# A second process: Qt picks its platform plugin once per process, and
# these tests want a real X server (xcb), not offscreen.
echo "== end-to-end tests"
QT_QPA_PLATFORM=xcb run_pytest tests/e2e -q "$@" || e2e=$?

echo "test: unit suite exit $unit, end-to-end suite exit $e2e"
[ "$unit" -eq 0 ] && [ "$e2e" -eq 0 ]
