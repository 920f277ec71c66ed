#!/usr/bin/env bash
# Install what Zelt Desktop needs on this machine, then its virtualenv.
#
#   scripts/bootstrap.sh          run the app (the demo)
#   scripts/bootstrap.sh --test   also the test tools
#   scripts/bootstrap.sh --build  also PyInstaller, to build the bundle
#   scripts/bootstrap.sh --e2e    all of these, and Xvfb, a Secret Service
#                                 and Chromium: the end-to-end suite
#
# Safe to run again: it installs only what is missing and says what.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=demo
case "${1:-}" in
    "") ;;
    --test) mode=test ;;
    --build) mode=build ;;
    --e2e) mode=e2e ;;
    *) echo "usage: $0 [--test|--build|--e2e]" >&2; exit 2 ;;
esac

# What Qt needs to draw offscreen (environment notes, first line), and
# python3-venv for the virtualenv itself.
base_packages=(python3-venv libegl1 libgl1 libfontconfig1 libxkbcommon0
    libglib2.0-0 libdbus-1-3 fonts-dejavu-core)
# A real X server and the xcb platform plugin, a Secret Service, a browser
# and its driver, and binutils for PyInstaller.  Not dbus-x11: with it, Qt
# starts a session bus of its own that outlives the app.
e2e_packages=(xvfb xauth dbus gnome-keyring chromium chromium-driver
    libatomic1 binutils
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0
    libxcb-xkb1 libxcb-sync1 libxcb-shm0 libxcb-render0 libxcb-util1
    libx11-xcb1 libxkbcommon-x11-0)

missing_packages() {
    local pkg
    for pkg in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" \
                2>/dev/null)" != installed ]; then
            printf '%s\n' "$pkg"
        fi
    done
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "bootstrap: need root or sudo to install system packages" >&2
        exit 1
    fi
}

install_system_packages() {
    if ! command -v apt-get >/dev/null || ! command -v dpkg-query \
            >/dev/null; then
        echo "bootstrap: not Debian or Ubuntu; skipping system packages"
        return
    fi
    local wanted=("${base_packages[@]}")
    case "$mode" in
        build) wanted+=(binutils) ;;
        e2e) wanted+=("${e2e_packages[@]}") ;;
    esac
    local missing
    mapfile -t missing < <(missing_packages "${wanted[@]}")
    if [ "${#missing[@]}" -eq 0 ]; then
        return
    fi
    echo "bootstrap: installing with apt-get: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/dev/null
}

install_venv() {
    local wanted=(base) extras="" stamp missing=() part
    case "$mode" in
        test) wanted+=(test) ;;
        build) wanted+=(build) ;;
        e2e) wanted+=(test build) ;;
    esac
    if [ ! -x .venv/bin/python ]; then
        echo "bootstrap: creating .venv"
        python3 -m venv .venv
    fi
    # pip is slow even when there is nothing to do: remember which extras
    # were installed, and from which pyproject.toml.
    stamp="$(cksum < pyproject.toml | cut -d' ' -f1)"
    for part in "${wanted[@]}"; do
        if ! grep -qxF -- "$part $stamp" .venv/.zelt-bootstrap \
                2>/dev/null; then
            missing+=("$part")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return
    fi
    if [ "${#wanted[@]}" -gt 1 ]; then
        extras="[$(IFS=,; echo "${wanted[*]:1}")]"
    fi
    echo "bootstrap: installing zelt-desktop${extras} into .venv"
    # The build backend's warnings are for the maintainers, not for each
    # run: keep pip's output in a file and show it only when pip fails.
    if ! .venv/bin/python -m pip install --quiet \
            --disable-pip-version-check -e ".${extras}" \
            > .venv/bootstrap-pip.log 2>&1; then
        tail -n 40 .venv/bootstrap-pip.log >&2
        echo "bootstrap: pip failed; the whole output is in" \
            ".venv/bootstrap-pip.log" >&2
        exit 1
    fi
    for part in "${wanted[@]}"; do
        echo "$part $stamp" >> .venv/.zelt-bootstrap
    done
}

install_system_packages
install_venv
