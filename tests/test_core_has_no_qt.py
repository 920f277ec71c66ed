"""The core (everything outside ui/) can be used without Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import zelt_desktop

CORE = sorted(
    info.name for info in pkgutil.walk_packages(zelt_desktop.__path__,
                                                "zelt_desktop.")
    if not info.name.startswith("zelt_desktop.ui")
    and not info.name.endswith(".__main__"))


def test_the_core_lists_its_parts():
    for part in ("zelt_desktop.oauth.listener", "zelt_desktop.store.tokens",
                 "zelt_desktop.zelt.client", "zelt_desktop.cli.main",
                 "zelt_desktop.signin", "zelt_desktop.sandbox.server"):
        assert part in CORE


def test_importing_the_core_loads_no_qt():
    script = ("import importlib, sys\n"
              f"for name in {CORE!r}:\n"
              "    importlib.import_module(name)\n"
              "print(sorted(m for m in sys.modules if m.startswith("
              "('PySide6', 'shiboken6'))))\n")
    result = subprocess.run([sys.executable, "-c", script], text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
