"""The people table beside the detail of the selected person."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter

from zelt_desktop.ui.directory.detail import DetailPanel
from zelt_desktop.ui.directory.filter import DirectoryView
from zelt_desktop.ui.directory.model import DirectoryModel
from zelt_desktop.ui.directory.table import PeopleTable
from zelt_desktop.zelt.employees import Employee


class PeopleBrowser(QSplitter):
    """Rows on the left, every field of the current one on the right.

    Double-click or Enter opens the detail, even when dragged shut; the
    platform's Copy keys copy the selected rows as spreadsheet rows.

    Signals:
        selection_changed(object): the current Employee, or None.
    """

    selection_changed = Signal(object)

    def __init__(self, model: DirectoryModel, view: DirectoryView,
                 parent=None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._model, self._view = model, view
        self.table = PeopleTable(self)
        self.table.setModel(view)
        self.detail = DetailPanel(self)
        self.detail.setAccessibleName("Details of the selected person")
        self.detail.row_text = self.row_text
        self.addWidget(self.table)
        self.addWidget(self.detail)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)

        self.table.selectionModel().currentRowChanged.connect(
            lambda current, previous: self.sync_detail())
        # Not ``activated``: where one click activates (KDE), the focus
        # would leave the table on every click.
        self.table.doubleClicked.connect(self.open_detail)
        self.table.detail_requested.connect(self.open_detail)
        self.table.copy_requested.connect(self.copy_selected_rows)

    def current_employee(self) -> Employee | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self._view.employee(index.row())

    def select_person(self, user_id: int | None) -> None:
        """Make the row of ``user_id`` current, if it is shown."""
        row = self._view.row_of(user_id)
        if row is not None:
            self.table.setCurrentIndex(self._view.index(row, 0))
            self.table.scrollTo(self.table.currentIndex())

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() \
                and self._view.rowCount():
            self.table.setCurrentIndex(self._view.index(0, 0))

    def sync_detail(self) -> None:
        employee = self.current_employee()
        if employee is not self.detail.employee:
            self.detail.show_employee(employee)
            self.selection_changed.emit(employee)

    def open_detail(self, index: QModelIndex | None = None) -> None:
        """Show the detail pane, even when dragged shut, and focus it."""
        sizes = self.sizes()
        if len(sizes) == 2 and sizes[1] == 0:
            total = sum(sizes) or self.width()
            self.setSizes([total * 2 // 3, total - total * 2 // 3])
        self.sync_detail()
        self.detail.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def row_text(self, employee: Employee) -> str:
        """A person's visible cells, tab-separated, as a spreadsheet row."""
        return "\t".join(self._model.text(employee, key)
                         for key in self._model.columns)

    def copy_selected_rows(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel()
                       .selectedRows()})
        lines = [self.row_text(self._view.employee(r)) for r in rows]
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))
