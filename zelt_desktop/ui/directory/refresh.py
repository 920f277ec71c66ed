"""When the list was last refreshed, and the optional automatic refresh."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from PySide6.QtCore import (QDate, QDateTime, QLocale, QObject, QTime,
                            QTimer, Signal)
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

log = logging.getLogger(__name__)

# The one key this control keeps in the window's settings.
REFRESH_SETTING = "directory/refresh_minutes"
CHOICES = (0, 5, 15, 30, 60)   # minutes; 0 is off
MINUTE_MS = 60_000


class RefreshControl(QObject):
    """The "Last refreshed" label and the "Refresh every" choice.

    The timer runs only while ``active`` (connected), and counts from
    the end of the last load, whatever ended it; the panel decides
    whether a refresh may start when it fires.

    Signals:
        due(): the chosen interval has passed since the last load.
    """

    due = Signal()

    def __init__(self, settings, parent: QWidget,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(parent)
        self._settings = settings
        self._clock = clock
        self._active = False
        self.refreshed_at: datetime | None = None
        self.label = QLabel(parent, objectName="lastRefreshedLabel")
        self.combo = QComboBox(parent, objectName="autoRefreshCombo")
        self.combo.setAccessibleName("Refresh automatically")
        self.combo.view().setAccessibleName("Refresh intervals")
        self.combo.setToolTip("Load the people again at this interval")
        for minutes in CHOICES:
            self.combo.addItem(choice_text(minutes), minutes)
        self.combo.setCurrentIndex(
            max(self.combo.findData(saved_minutes(settings)), 0))
        self.combo.currentIndexChanged.connect(self._on_combo_changed)
        self.combo_label = QLabel("&Auto-refresh:", parent)
        self.combo_label.setBuddy(self.combo)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.due)
        # The label names the day once it is no longer today.
        self.ticker = QTimer(self, interval=MINUTE_MS)
        self.ticker.timeout.connect(self._show_time)

    @property
    def minutes(self) -> int:
        return self.combo.currentData()

    def set_active(self, active: bool) -> None:
        """Connected (True) or not: the timer runs only when connected."""
        self._active = active
        if not active:
            self.timer.stop()

    def loaded(self) -> None:
        """A load completed: it is the time shown."""
        self.refreshed_at = self._clock()
        self._show_time()
        self.ticker.start()

    def clear(self) -> None:
        self.refreshed_at = None
        self.ticker.stop()
        self.label.clear()
        self.label.setToolTip("")

    def _show_time(self) -> None:
        if self.refreshed_at is None:
            return
        self.label.setText(f"Last refreshed {self._when()}")
        self.label.setToolTip(QLocale().toString(
            _qdatetime(self.refreshed_at), QLocale.FormatType.LongFormat))

    def restart(self) -> None:
        """Count the interval again from now (a load just ended)."""
        self.timer.stop()
        if self._active and self.minutes:
            self.timer.start(self.minutes * MINUTE_MS)

    def _on_combo_changed(self) -> None:
        minutes = self.minutes
        if hasattr(self._settings, "set"):
            self._settings.set(REFRESH_SETTING, minutes)
        else:
            self._settings[REFRESH_SETTING] = minutes
        log.debug("automatic refresh every %d minutes", minutes)
        self.restart()

    def _when(self) -> str:
        """The time in the user's locale; the date too if not today."""
        locale, moment = QLocale(), _qdatetime(self.refreshed_at)
        if moment.date() == _qdatetime(self._clock()).date():
            return locale.toString(moment.time(),
                                   QLocale.FormatType.ShortFormat)
        return locale.toString(moment, QLocale.FormatType.ShortFormat)


def choice_text(minutes: int) -> str:
    return "Never" if not minutes else f"Every {minutes} min"


def saved_minutes(settings) -> int:
    """The remembered interval, or 0 (off) when unusable."""
    saved = settings.get(REFRESH_SETTING)
    return saved if saved in CHOICES else 0


def _qdatetime(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day),
                     QTime(moment.hour, moment.minute, moment.second))
