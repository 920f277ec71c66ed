"""Above the directory: the search box and the quick filters."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QSizePolicy, QWidget)

from zelt_desktop.zelt.employees import STATUS_FILTERS, natural_key

ALL = None          # item data of "All departments" / "All sites"
NONE_GIVEN = ""     # item data of the entry for people without a value
# A combo is this many characters wide, whatever its longest choice; its
# list opens wide enough for every choice.
COMBO_CHARACTERS = 9


class FilterBar(QObject):
    """Search as you type, plus department, site and status filters.

    The widgets belong to ``parent``, which lays them out: the search box
    beside the actions, the filters on a row of their own
    (``filters_layout``), so that nothing overlaps in a narrow window.

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

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.search = QLineEdit(parent, objectName="searchEdit")
        self.search.setPlaceholderText("Search people")
        self.search.setAccessibleName("Search people")
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(
            lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(self._pending.start)
        self._model = None
        self._choices = QTimer(self, singleShot=True, interval=0)
        self._choices.timeout.connect(self._on_choices_timeout)

        self.department = self._combo(parent, "departmentCombo",
                                      "Department")
        self.site = self._combo(parent, "siteCombo", "Site")
        self.status = self._combo(parent, "statusCombo", "Status")
        for key, title in STATUS_FILTERS.items():
            self.status.addItem(title, key)
        self.status.setCurrentIndex(self.status.findData("everyone"))
        self.reset_choices()
        self.labels = []
        for text, combo in (("&Department:", self.department),
                            ("S&ite:", self.site),
                            ("S&tatus:", self.status)):
            label = QLabel(text, parent)
            label.setBuddy(combo)
            self.labels.append(label)

    def filters_layout(self) -> QHBoxLayout:
        """The quick filters on one row, each after its label."""
        layout = QHBoxLayout()
        combos = (self.department, self.site, self.status)
        for label, combo in zip(self.labels, combos):
            layout.addWidget(label)
            layout.addWidget(combo)
        return layout

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

    def follow(self, model) -> None:
        """Offer the departments and sites of ``model``'s rows as they
        arrive: once per burst of pages, from the rows not seen yet."""
        self._model, self._seen = model, 0
        model.rowsInserted.connect(self._choices.start)
        model.modelReset.connect(self.reset_choices)
        model.modelReset.connect(self._choices.start)

    def _on_choices_timeout(self) -> None:
        new = self._model.employees[self._seen:]
        self._seen += len(new)
        self.add_choices(new)

    def reset_choices(self) -> None:
        """Every row changed: offer the choices of the rows to come."""
        self._departments, self._sites, self._seen = set(), set(), 0
        self.set_choices(self.department, (), "All departments")
        self.set_choices(self.site, (), "All sites")

    def add_choices(self, employees) -> None:
        """Offer the departments and sites of ``employees`` too."""
        departments = self._departments | {e.department for e in employees}
        sites = self._sites | {e.site for e in employees}
        if departments != self._departments:
            self._departments = departments
            self.set_choices(self.department, departments,
                             "All departments")
        if sites != self._sites:
            self._sites = sites
            self.set_choices(self.site, sites, "All sites")

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
        view = combo.view()
        view.setMinimumWidth(view.sizeHintForColumn(0)
                             + view.verticalScrollBar().sizeHint().width())
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

    def _combo(self, parent: QWidget, name: str,
               accessible: str) -> QComboBox:
        combo = QComboBox(parent, objectName=name)
        combo.setAccessibleName(accessible)
        combo.view().setAccessibleName(f"{accessible} choices")
        # Sized in characters of the user's font, not to the longest
        # department name: long ones made the combos overlap.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy
                                  .AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(COMBO_CHARACTERS)
        combo.setSizePolicy(QSizePolicy.Policy.Maximum,
                            QSizePolicy.Policy.Fixed)
        combo.currentIndexChanged.connect(
            lambda _index: self.filters_changed.emit())
        return combo
