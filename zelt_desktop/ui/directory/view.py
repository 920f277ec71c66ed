"""The directory panel: search, quick filters, the table and the detail."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QMessageBox,
                               QProgressBar, QPushButton, QSplitter,
                               QStackedWidget, QTableView, QToolButton,
                               QVBoxLayout, QWidget)

from zelt_desktop.errors import ZeltError
from zelt_desktop.ui.directory import states
from zelt_desktop.ui.directory.bar import FilterBar
from zelt_desktop.ui.directory.columns import ColumnControl, saved_columns
from zelt_desktop.ui.directory.detail import DetailPanel
from zelt_desktop.ui.directory.filter import DirectoryView
from zelt_desktop.ui.directory.model import DirectoryModel
from zelt_desktop.zelt.employees import Employee
from zelt_desktop.zelt.export import write_csv

log = logging.getLogger(__name__)


class DirectoryPanel(QWidget):
    """The people of one Zelt company, as a searchable, sortable table.

    ``settings`` is any mapping-like object with ``get``, and ``set`` or
    item assignment; the panel keeps only its column choice there, never
    personal data.

    Signals:
        reconnect_requested(): the user pressed Reconnect (no scopes).
        load_cancel_requested(): the user pressed Cancel while loading.
        selection_changed(object): the current Employee, or None.
    """

    reconnect_requested = Signal()
    load_cancel_requested = Signal()
    selection_changed = Signal(object)

    def __init__(self, settings=None, parent=None) -> None:
        super().__init__(parent)
        self._settings = settings if settings is not None else {}
        self._state = "not_connected"
        self._sized = False
        self._pages = 0
        self._previous: list[Employee] = []
        self._failure = ""
        self._departments: set[str] = set()
        self._sites: set[str] = set()
        self._seen = 0
        self.model = DirectoryModel(
            self, columns=saved_columns(self._settings))
        self.view_model = DirectoryView(self.model, self)
        self._choices = QTimer(self, singleShot=True, interval=0)
        self._choices.timeout.connect(self._refresh_choices)

        self._build_widgets()
        self._connect()
        self._lay_out()
        self._set_tab_order()
        self.show_not_connected()

    # -- the widgets -------------------------------------------------------

    def _build_widgets(self) -> None:
        self.bar = FilterBar(self)
        self.search = self.bar.search
        self.columns_button = self._button(
            "C&olumns…", "columnsButton", "Choose columns",
            self.choose_columns)
        self.export_button = self._button(
            "E&xport CSV…", "exportButton", "Export the list shown as CSV",
            self._on_export_button_clicked)
        self.count_label = QLabel(self, objectName="countLabel")
        self.notice = QLabel(self, objectName="directoryNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.tools = QHBoxLayout()
        self.progress = QProgressBar(self, objectName="loadProgress")
        self.progress.setAccessibleName("Loading progress")
        self.cancel_button = self._button(
            "&Cancel", "loadCancelButton", "Cancel loading",
            self.load_cancel_requested.emit)

        self.table = QTableView(self, objectName="directoryTable")
        self.table.setModel(self.view_model)
        self.table.setAccessibleName("People")
        self.table.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)   # Tab leaves the table
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(100)   # rows sampled to size
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        self.table.setSortingEnabled(True)
        self.column_control = ColumnControl(
            self.table, self.model, self.view_model, self._settings, self)

        self.detail = DetailPanel(self)
        self.detail.setAccessibleName("Details of the selected person")
        self.detail.row_text = self.row_text
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.empty = states.EmptyState(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty)

    def _button(self, text, name, accessible, slot) -> QPushButton:
        button = QPushButton(text, self, objectName=name)
        button.setAccessibleName(accessible)
        button.clicked.connect(lambda: slot())
        return button

    def _connect(self) -> None:
        self.bar.search_changed.connect(self.view_model.set_search)
        self.bar.filters_changed.connect(self._on_bar_filters_changed)
        self.bar.down_pressed.connect(self._focus_table)
        self.view_model.counts_changed.connect(self._on_view_counts_changed)
        self.model.rowsInserted.connect(self._choices.start)
        self.model.modelReset.connect(self._on_model_reset)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, previous: self._sync_detail())
        # Not ``activated``: where one click activates (KDE), the focus
        # would leave the table on every click.
        self.table.doubleClicked.connect(self._open_detail)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(self._open_detail)
        self.empty.action_triggered.connect(self._on_empty_action)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.table)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_selected_rows)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addLayout(self.tools)
        top.addWidget(self.bar, 1)
        top.addWidget(self.columns_button)
        top.addWidget(self.export_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)

    def _set_tab_order(self) -> None:
        bar = self.bar
        chain = [bar.search, bar.department, bar.site, bar.status,
                 self.columns_button, self.export_button, self.table,
                 self.empty.button, self.detail.table,
                 self.detail.copy_email, self.detail.copy_row,
                 self.cancel_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # -- loading, driven by the window -------------------------------------

    def show_not_connected(self) -> None:
        self._state = "not_connected"
        self._previous = []
        self.model.clear()
        self._show_progress(False)
        self._show_notice("")
        self._update_state()

    def begin_load(self) -> None:
        """Start a (re)load: pages then arrive through ``append_page``."""
        # Kept until the load ends, so a failed refresh can put it back.
        self._previous = self.model.employees
        self._state = "loading"
        self._sized = False
        self._pages = 0
        self._show_notice("")
        self.model.clear()
        self.set_loading_progress(0, None)
        self._update_state()

    def append_page(self, items: list[dict]) -> None:
        self._pages += 1
        self.model.append_page(items)

    def set_loading_progress(self, loaded: int, total_pages: int | None,
                             ) -> None:
        """``loaded`` people so far; the bar counts pages of ``total_pages``.

        Without ``total_pages`` (Zelt did not say) the bar is a busy bar.
        """
        self._show_progress(True)
        self.progress.setRange(0, total_pages or 0)  # 0..0: busy
        self.progress.setValue(min(self._pages, total_pages or 0))
        self.progress.setFormat("%v of %m pages")

    def finish_load(self, total: int) -> None:
        """Loading ended with ``total`` people; 0 means no scopes."""
        self._state = "loaded"
        self._previous = []
        self._show_progress(False)
        log.debug("directory shows %d people", total)
        self._update_state()

    def fail_load(self, message: str) -> None:
        """Loading failed: say why; show the list from before, if any."""
        self._show_progress(False)
        if self._previous:
            self.model.restore(self._previous)
            message += " Showing the list from before."
        elif self.model.rowCount():
            message += " Showing the people loaded until then."
        self._state = "loaded" if self.model.rowCount() else "failed"
        self._previous = []
        self._failure = message
        self._show_notice(message)
        self._update_state()

    def _show_progress(self, visible: bool) -> None:
        self.progress.setVisible(visible)
        self.cancel_button.setVisible(visible)

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def add_toolbar_actions(self, actions) -> None:
        """Put the window's actions (Refresh, …) beside the search box."""
        for action in actions:
            button = QToolButton(self)
            button.setDefaultAction(action)
            self.tools.addWidget(button)

    # -- what is shown -----------------------------------------------------

    def _on_view_counts_changed(self, shown: int, total: int) -> None:
        if total and not self._sized:
            # Once per load, from the first rows: later pages would make
            # the columns jump while the user reads them.
            self._sized = True
            self.table.resizeColumnsToContents()
        self._update_state()
        self._sync_detail()

    def _update_state(self) -> None:
        shown, total = self.view_model.rowCount(), self.model.rowCount()
        query = self.search.text().strip()
        self._update_count(shown, total)
        if self._state == "not_connected":
            self._show_empty("not_connected", states.NOT_CONNECTED)
        elif self._state == "failed":
            self._show_empty("failed", states.load_failed(self._failure))
        elif self._state == "loaded" and total == 0:
            self._show_empty("no_scopes", states.NO_SCOPES, "&Reconnect")
        elif total and not shown and query:
            self._show_empty("no_match", states.no_match(query),
                             "C&lear search")
        elif total and not shown:
            self._show_empty("no_filter_match", states.NO_FILTER_MATCH,
                             "C&lear filters")
        else:
            self.stack.setCurrentWidget(self.splitter)
        self.export_button.setEnabled(shown > 0)

    def _update_count(self, shown: int, total: int) -> None:
        text = states.count_text(shown, total)
        if self._state == "loading":
            text = f"Loading… {text}"
        elif self._state in ("not_connected", "failed"):
            text = ""
        self.count_label.setText(text)

    def _show_empty(self, state: str, text: str, button=None) -> None:
        self.empty.show_state(state, text, button)
        self.stack.setCurrentWidget(self.empty)

    def empty_state_text(self) -> str:
        """The sentence of the empty state shown, or "" (the table)."""
        return self.empty.label.text() if self.empty_state else ""

    @property
    def empty_state(self) -> str | None:
        """The empty state shown ("no_match", …), or None: the table."""
        if self.stack.currentWidget() is self.empty:
            return self.empty.state
        return None

    def _on_empty_action(self, state: str) -> None:
        if state == "no_scopes":
            self.reconnect_requested.emit()
        elif state == "no_match":
            self.search.clear()
            self.focus_search()
        elif state == "no_filter_match":
            self.bar.clear_filters()

    def _on_bar_filters_changed(self) -> None:
        self.view_model.set_filters(**self.bar.filters())

    def _on_model_reset(self) -> None:
        self._departments, self._sites, self._seen = set(), set(), 0
        self._choices.start()

    def _refresh_choices(self) -> None:
        # Only the rows added since the last time: this runs per page.
        new = self.model.employees[self._seen:]
        self._seen += len(new)
        departments = self._departments | {e.department for e in new}
        sites = self._sites | {e.site for e in new}
        if departments != self._departments or not self._seen:
            self._departments = departments
            self.bar.set_choices(self.bar.department, departments,
                                 "All departments")
        if sites != self._sites or not self._seen:
            self._sites = sites
            self.bar.set_choices(self.bar.site, sites, "All sites")

    # -- keyboard and selection --------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() \
                and self.view_model.rowCount():
            self.table.setCurrentIndex(self.view_model.index(0, 0))

    def current_employee(self) -> Employee | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.view_model.employee(index.row())

    def _sync_detail(self) -> None:
        employee = self.current_employee()
        if employee is not self.detail.employee:
            self.detail.show_employee(employee)
            self.selection_changed.emit(employee)

    def _open_detail(self, index: QModelIndex | None = None) -> None:
        """Show the detail pane, even when dragged shut, and focus it."""
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sizes[1] == 0:
            total = sum(sizes) or self.splitter.width()
            self.splitter.setSizes([total * 2 // 3, total - total * 2 // 3])
        self._sync_detail()
        self.detail.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def row_text(self, employee: Employee) -> str:
        """A person's visible cells, tab-separated, as a spreadsheet row."""
        return "\t".join(self.model.text(employee, key)
                         for key in self.model.columns)

    def copy_selected_rows(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel()
                       .selectedRows()})
        lines = [self.row_text(self.view_model.employee(r)) for r in rows]
        if lines:
            QGuiApplication.clipboard().setText("\n".join(lines))

    def set_search(self, text: str) -> None:
        """Search for ``text`` at once, as if typed."""
        self.search.setText(text)
        self.view_model.set_search(text)

    # -- columns -----------------------------------------------------------

    def set_columns(self, keys: Sequence[str]) -> None:
        """Show ``keys`` in this order, and remember the choice."""
        self.column_control.set_columns(keys)

    def choose_columns(self) -> None:
        self.column_control.choose()

    # -- export ------------------------------------------------------------

    def export_to(self, path) -> int:
        """Write the people shown, as shown, to ``path``; rows written."""
        count = write_csv(path, self.view_model.shown(), self.model.columns)
        log.info("exported %d people", count)
        return count

    def _on_export_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export CSV", "people.csv", "CSV files (*.csv)")
        if not path:
            return
        try:
            count = self.export_to(path)
        except ZeltError as e:
            log.warning("export failed: %s", type(e).__name__)
            QMessageBox.warning(self, "Export CSV", str(e))
            return
        self._show_notice(f"Exported {count:,} people to "
                          f"{Path(path).name}.")
