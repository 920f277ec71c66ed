"""The people table: rows as high as the user's font, keys that act."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QStyle,
                               QTableView)

# Pixels above and below a row's text, besides the style's focus frame.
ROW_PADDING = 2


class PeopleTable(QTableView):
    """A table of whole-row selection, sorted by clicking a header.

    Rows have one fixed height (fast with 100,000 of them), taken from
    the font, so that a large system font is never cut.

    Signals:
        detail_requested(): Enter or Return on a row.
        copy_requested(): the platform's Copy keys.
    """

    detail_requested = Signal()
    copy_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent, objectName="directoryTable")
        self.setAccessibleName("People")
        self.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)   # Tab leaves the table
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(100)   # rows sampled to size
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        self.setSortingEnabled(True)
        fit_rows_to_font(self)

        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._shortcut(QKeySequence(key), self.detail_requested)
        self._shortcut(QKeySequence.StandardKey.Copy, self.copy_requested)

    def _shortcut(self, keys, signal) -> None:
        shortcut = QShortcut(keys, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(signal)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt
        if event.type() in FONT_EVENTS:
            fit_rows_to_font(self)
        super().changeEvent(event)


FONT_EVENTS = (QEvent.Type.FontChange, QEvent.Type.StyleChange)


def fit_rows_to_font(table: QTableView) -> None:
    """Rows as high as ``table``'s font needs.

    The style's default row height ignores the font (Qt 6 takes it from
    PM_HeaderDefaultSectionSizeVertical): a large system font was cut.
    """
    margin = table.style().pixelMetric(
        QStyle.PixelMetric.PM_FocusFrameVMargin, None, table)
    header = table.verticalHeader()
    header.setDefaultSectionSize(max(
        header.minimumSectionSize(),
        table.fontMetrics().height() + 2 * (margin + ROW_PADDING)))
