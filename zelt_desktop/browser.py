"""Open links in the user's browser, the same way on every platform.

Python's ``webbrowser`` reads the standard ``BROWSER`` variable before the
desktop's default, so a test (or a user) can choose the browser; Qt's
``QDesktopServices`` would ignore it behind xdg-open.
"""

from __future__ import annotations

import logging
import os
import sys
import webbrowser

log = logging.getLogger(__name__)

_restored = False


def restore_child_environment() -> None:
    """Give programs we start the library path the user had.

    A PyInstaller bundle on Linux points LD_LIBRARY_PATH at its own
    libraries and keeps the original in LD_LIBRARY_PATH_ORIG; a browser
    started with the bundle's libraries can crash.  The running process
    read its path at start-up, so changing the variable now only affects
    children.
    """
    global _restored
    if _restored or not getattr(sys, "frozen", False):
        return
    _restored = True
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is not None:
        os.environ["LD_LIBRARY_PATH"] = original
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)


def open_url(url: str) -> bool:
    """Open ``url``; blocking for as long as the browser launcher takes.

    Returns False when no browser could be started, so that the caller
    shows the link to copy instead.  The URL is never logged (it carries
    the state).
    """
    try:
        opened = webbrowser.open(url, new=2)
    except (webbrowser.Error, OSError) as e:
        log.warning("could not start a browser: %s", type(e).__name__)
        return False
    if not opened:
        log.warning("no browser is available to open the consent page")
    return bool(opened)
