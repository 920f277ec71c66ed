"""Where the app's resources are: a checkout, an installed wheel or a bundle."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir() -> Path:
    """The folder that holds icons and the pages shown in the browser.

    A frozen bundle unpacks it under ``sys._MEIPASS``; a wheel installs it
    as ``zelt_desktop/resources``; a source checkout has it beside the
    package.
    """
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen) / "resources"] if frozen else []
    candidates += [_PACKAGE / "resources", _PACKAGE.parent / "resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the resources folder is missing from this install")


def resource_path(*parts: str) -> Path:
    """The path of one resource, such as ``resource_path("pages", "done.html")``."""
    return resource_dir().joinpath(*parts)


def read_text(*parts: str) -> str:
    return resource_path(*parts).read_text(encoding="utf-8")
