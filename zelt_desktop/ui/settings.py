"""The window's own preferences (column choice, sizes): never personal data."""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings

from zelt_desktop.profiles import APP_NAME


class UiSettings:
    """A small get/set mapping over QSettings, values kept as JSON.

    Tests pass a plain dict instead; anything with ``get`` and ``set``
    works.
    """

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._settings = qsettings or QSettings(APP_NAME, "window")

    def get(self, key: str, default=None):
        raw = self._settings.value(key)
        if raw is None:
            return default
        try:
            return json.loads(raw)
        except (TypeError, ValueError):
            return default

    def set(self, key: str, value) -> None:
        self._settings.setValue(key, json.dumps(value))


class MemorySettings(dict):
    """UiSettings kept in memory: for tests and the demo."""

    def set(self, key: str, value) -> None:
        self[key] = value
