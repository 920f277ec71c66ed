"""Helpers of the end-to-end suite that need neither Qt nor a fixture."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
# A made-up name for the redirect URI that is not loopback.  Chromium maps
# it to 127.0.0.1 and every other name to nothing, so no lookup or request
# leaves the machine.
NON_LOOPBACK_HOST = "zelt-desktop.test"
HOST_RULES = (f"MAP {NON_LOOPBACK_HOST} 127.0.0.1, MAP * ~NOTFOUND, "
              "EXCLUDE localhost, EXCLUDE 127.0.0.1")
INBOX_VARIABLE = "ZELT_E2E_INBOX"
WAIT_SECONDS = 30.0

# Started by webbrowser with the URL as its one argument; it must return
# at once (webbrowser waits for it).  It also notes the library path it
# got, so that a test can see what a browser started by the app gets.
SHIM = """#!/bin/sh
# Hands the address to the test instead of opening a browser.
printf '%s\\n' "$1" >> "${ZELT_E2E_INBOX:?}"
printf 'LD_LIBRARY_PATH=%s\\n' "${LD_LIBRARY_PATH-}" >> "$ZELT_E2E_INBOX.env"
"""


def missing(reason: str) -> None:
    """Skip for a missing part; in CI, fail: the run must test it."""
    if os.environ.get("CI"):
        pytest.fail(f"CI needs this: {reason}", pytrace=False)
    pytest.skip(reason)


class BrowserInbox:
    """The addresses the app asked the BROWSER shim to open."""

    def __init__(self, path: Path, shim: Path) -> None:
        self.path = path
        self.shim = shim
        self._taken = 0

    @property
    def env(self) -> dict[str, str]:
        """Variables that point a child process's browser at this inbox."""
        return {"BROWSER": str(self.shim), INBOX_VARIABLE: str(self.path)}

    def urls(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [line for line in text.splitlines() if line]

    def child_library_paths(self) -> list[str]:
        """LD_LIBRARY_PATH as each started browser saw it."""
        env = self.path.with_name(self.path.name + ".env")
        if not env.exists():
            return []
        return [line.partition("=")[2]
                for line in env.read_text(encoding="utf-8").splitlines()]

    def next_url(self, qtbot=None, timeout: float = WAIT_SECONDS) -> str:
        """Wait for an address not returned before, pumping Qt if given."""
        def arrived() -> bool:
            return len(self.urls()) > self._taken

        if qtbot is not None:
            qtbot.waitUntil(arrived, timeout=int(timeout * 1000))
        else:
            wait_until(arrived, timeout, "the app to open a browser")
        self._taken += 1
        return self.urls()[self._taken - 1]


def wait_until(condition, timeout: float, what: str) -> None:
    """Poll ``condition`` until true; fail naming ``what`` after timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}", pytrace=False)
        time.sleep(0.1)


def files_containing(root: Path, needle: str) -> list[Path]:
    """Every regular file under ``root`` whose bytes contain ``needle``."""
    data = needle.encode()
    found = []
    for path in root.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink() \
                    and data in path.read_bytes():
                found.append(path)
        except OSError:
            continue  # sockets, vanished temp files
    return found
