"""The bar above the directory: search box and quick filters."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QWidget)

from zelt_desktop.zelt.employees import STATUS_FILTERS, natural_key

ALL = None          # item data of "All departments" / "All sites"
NONE_GIVEN = ""     # item data of the entry for people without a value


class FilterBar(QWidget):
    """Search as you type, plus department, site and status filters.

    Keystrokes that arrive faster than the filter runs are coalesced by a
    0 ms single-shot timer: the search runs once the queued events are
    handled, on the newest text.

    Signals:
        search_changed(str): the text to search, once per coalesced burst.
        filters_changed(): a quick filter was changed.
        down_pressed(): Down in the search box (to move to the table).
    """

    search_changed = Signal(str)
    filters_changed = Signal()
    down_pressed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self, objectName="searchEdit")
        self.search.setPlaceholderText("Search people")
        self.search.setAccessibleName("Search people")
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(
            lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(self._pending.start)

        self.department = self._combo("departmentCombo", "Department")
        self.site = self._combo("siteCombo", "Site")
        self.status = self._combo("statusCombo", "Status")
        for key, title in STATUS_FILTERS.items():
            self.status.addItem(title, key)
        self.status.setCurrentIndex(self.status.findData("everyone"))
        self.set_choices(self.department, [], "All departments")
        self.set_choices(self.site, [], "All sites")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 3)
        for text, combo in (("&Department:", self.department),
                            ("S&ite:", self.site),
                            ("S&tatus:", self.status)):
            label = QLabel(text, self)
            label.setBuddy(combo)
            layout.addWidget(label)
            layout.addWidget(combo, 1)

    @property
    def search_pending(self) -> bool:
        return self._pending.isActive()

    def filters(self) -> dict:
        return {"department": self.department.currentData(),
                "site": self.site.currentData(),
                "status": self.status.currentData()}

    def clear_filters(self) -> None:
        for combo in (self.department, self.site):
            combo.setCurrentIndex(0)
        self.status.setCurrentIndex(self.status.findData("everyone"))

    def set_choices(self, combo: QComboBox, values, all_text: str) -> None:
        """Offer ``values`` (sorted naturally), keeping the current one."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_text, ALL)
        for value in sorted(values, key=lambda v: (not v, natural_key(v))):
            combo.addItem(value or "(None given)", value)
        found = combo.findData(current) if current is not ALL else 0
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)
        if found < 0:
            self.filters_changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self.down_pressed.emit()
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self, objectName=name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(
            lambda _index: self.filters_changed.emit())
        return combo
