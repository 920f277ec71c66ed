"""The directory panel: search, quick filters, the table and the detail."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel,
                               QMessageBox, QPushButton, QStackedWidget,
                               QToolButton, QVBoxLayout, QWidget)

from zelt_desktop.errors import ZeltError
from zelt_desktop.ui.directory import states
from zelt_desktop.ui.directory.bar import FilterBar
from zelt_desktop.ui.directory.browser import PeopleBrowser
from zelt_desktop.ui.directory.columns import ColumnControl, saved_columns
from zelt_desktop.ui.directory.filter import DirectoryView
from zelt_desktop.ui.directory.loading import PageLoader
from zelt_desktop.ui.directory.model import DirectoryModel
from zelt_desktop.ui.directory.progress import LoadProgress
from zelt_desktop.ui.directory.refresh import RefreshControl
from zelt_desktop.zelt.employees import Employee
from zelt_desktop.zelt.export import write_csv

log = logging.getLogger(__name__)


class DirectoryPanel(QWidget):
    """The people of one Zelt company, as a searchable, sortable table.

    ``settings`` is any mapping-like object with ``get``, and ``set`` or
    item assignment; the panel keeps only its column choice and refresh
    interval there, never personal data.  ``clock`` gives the local time
    of "Last refreshed".

    Signals:
        reconnect_requested(): the user pressed Reconnect (no scopes).
        refresh_requested(): the automatic refresh is due, or the user
            pressed Refresh on the "cancelled" state; never while loading.
        load_cancel_requested(): the user pressed Cancel while loading.
        selection_changed(object): the current Employee, or None.
    """

    reconnect_requested = Signal()
    refresh_requested = Signal()
    load_cancel_requested = Signal()
    selection_changed = Signal(object)

    def __init__(self, settings=None, parent=None, *,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(parent)
        self._settings = settings if settings is not None else {}
        self._state = "not_connected"
        self._sized = False
        self._failure = ""
        self.model = DirectoryModel(
            self, columns=saved_columns(self._settings),
            prepare_in_background=True)
        self.view_model = DirectoryView(self.model, self)
        self.loader = PageLoader(self.model, self.view_model, self)
        self.refresh_control = RefreshControl(self._settings, self, clock)

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
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
        self.refreshed_label = self.refresh_control.label
        self.refresh_combo = self.refresh_control.combo
        self.notice = QLabel(self, objectName="directoryNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.tools = QHBoxLayout()
        self.loading = LoadProgress(self)
        self.progress = self.loading.bar
        self.cancel_button = self.loading.cancel_button

        self.splitter = PeopleBrowser(self.model, self.view_model, self)
        self.table, self.detail = self.splitter.table, self.splitter.detail
        self.column_control = ColumnControl(
            self.table, self.model, self.view_model, self._settings, self)
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
        self.bar.down_pressed.connect(self.splitter.focus_table)
        self.view_model.counts_changed.connect(self._on_view_counts_changed)
        self.view_model.sort_pending.connect(self._on_view_sort_pending)
        self.refresh_control.due.connect(self._on_refresh_control_due)
        self.loading.cancel_requested.connect(self.load_cancel_requested)
        self.bar.follow(self.model)
        self.splitter.selection_changed.connect(self.selection_changed)
        self.empty.action_triggered.connect(self._on_empty_action)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

    def _lay_out(self) -> None:
        # Two rows: on one, the combos overlapped below about 1,100 px.
        top = QHBoxLayout()
        top.addLayout(self.tools)
        top.addWidget(self.refresh_control.combo_label)
        top.addWidget(self.refresh_combo)
        top.addWidget(self.bar.search, 1)
        top.addWidget(self.columns_button)
        top.addWidget(self.export_button)
        second = self.bar.filters_layout()
        second.addWidget(self.count_label, 1)
        second.addWidget(self.refreshed_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.notice)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.loading)

    def _set_tab_order(self) -> None:
        """Tab follows the rows as seen: actions, search, filters, table."""
        bar = self.bar
        chain = [*self.tools_widgets(), self.refresh_combo, bar.search,
                 self.columns_button, self.export_button, bar.department,
                 bar.site, bar.status, self.table, self.empty.button,
                 self.detail.table, self.detail.copy_email,
                 self.detail.copy_row, self.cancel_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # -- loading, driven by the window -------------------------------------

    def show_not_connected(self) -> None:
        self._state = "not_connected"
        self.loader.abandon()
        self.model.clear()
        self.refresh_control.set_active(False)
        self.refresh_control.clear()
        self.loading.hide()
        self._show_notice("")
        self._update_state()

    def begin_load(self) -> None:
        """Start a (re)load: pages then arrive through ``append_page``.

        A first load shows rows as they come; a refresh keeps the list
        shown until the new one is complete (``finish_load``).  A load
        that replaces an unfinished first load starts it again.
        """
        refresh = self.loader.refreshing or (
            self._state != "loading" and self.model.rowCount() > 0)
        self.loader.begin(refresh)
        self._state = "loading"
        self._sized = refresh
        self.refresh_control.set_active(True)
        self._show_notice("")
        self.set_loading_progress(0, None)
        self._update_state()

    def append_page(self, items: list[dict]) -> None:
        self.loader.add(items)

    def set_loading_progress(self, loaded: int, total_pages: int | None,
                             ) -> None:
        """``loaded`` people so far; the bar counts pages of ``total_pages``.

        Without ``total_pages`` (Zelt did not say) the bar is a busy bar.
        """
        self.loading.set_progress(loaded, self.loader.pages, total_pages)
        self.loading.show()

    def finish_load(self, total: int) -> None:
        """Loading ended with ``total`` people; 0 means no scopes."""
        keep = self.current_employee()
        refreshed = self.loader.refreshing
        self.loader.finish()
        self._state = "loaded"
        self.loading.hide()
        self.refresh_control.loaded()
        self.refresh_control.restart()
        if refreshed and keep is not None:
            self.splitter.select_person(keep.user_id)
        log.debug("directory shows %d people", total)
        self._update_state()
        self._prepare_sorts()

    def fail_load(self, message: str) -> None:
        """Loading failed: say why; show the list from before, if any."""
        refreshing = self.loader.refreshing
        self.loader.abandon()
        self.loading.hide()
        if refreshing:
            message += " Showing the list from before."
        elif self.model.rowCount():
            message += " Showing the people loaded until then."
        self._state = "loaded" if self.model.rowCount() else "failed"
        self._failure = message
        self._show_notice(message)
        self.refresh_control.restart()
        self._update_state()

    def load_cancelled(self) -> None:
        """The user cancelled: keep what is shown, hide the progress."""
        refreshing = self.loader.refreshing
        self.loader.abandon()
        self.loading.hide()
        count = self.model.rowCount()
        if count and not refreshing:
            self._show_notice(f"Loading was cancelled: showing the "
                              f"{count:,} {states.people_noun(count)} "
                              "loaded until then.")
        self._state = "loaded" if count else "cancelled"
        self.refresh_control.restart()
        self._update_state()
        self._prepare_sorts()

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _prepare_sorts(self) -> None:
        # The columns shown, the one sorted by first: a click on a header
        # then finds its ranks ready.
        columns = self.model.columns
        key = self.view_model.sort_column
        self.model.prepare(sorted(columns, key=lambda k: k != key))

    def _on_refresh_control_due(self) -> None:
        if self._state not in ("loading", "not_connected"):
            log.debug("automatic refresh due")
            self.refresh_requested.emit()

    def _on_view_sort_pending(self, pending: bool) -> None:
        # On the table only: an application-wide cursor could outlive us.
        for widget in (self.table.viewport(),
                       self.table.horizontalHeader()):
            if pending:
                widget.setCursor(Qt.CursorShape.BusyCursor)
            else:
                widget.unsetCursor()

    def tools_widgets(self) -> list[QWidget]:
        """The buttons of the window's actions, in order."""
        return [self.tools.itemAt(i).widget()
                for i in range(self.tools.count())]

    def add_toolbar_actions(self, actions) -> None:
        """Put the window's actions (Refresh, …) beside the search box."""
        for action in actions:
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAccessibleName(action.text().replace("&", ""))
            self.tools.addWidget(button)
        self._set_tab_order()

    # -- what is shown -----------------------------------------------------

    def _on_view_counts_changed(self, shown: int, total: int) -> None:
        if total and not self._sized:
            # Once per load, from the first rows: later pages would make
            # the columns jump while the user reads them.
            self._sized = True
            self.table.resizeColumnsToContents()
        self._update_state()
        self.splitter.sync_detail()

    def _update_state(self) -> None:
        shown, total = self.view_model.rowCount(), self.model.rowCount()
        self._update_count(shown, total)
        empty = states.empty_state(self._state, shown, total,
                                   self.search.text().strip(),
                                   self._failure)
        if empty is None:
            self.stack.setCurrentWidget(self.splitter)
        else:
            self.empty.show_state(*empty)
            self.stack.setCurrentWidget(self.empty)
        self.export_button.setEnabled(shown > 0)

    def _update_count(self, shown: int, total: int) -> None:
        text = states.count_text(shown, total)
        if self._state in ("not_connected", "failed", "cancelled") \
                or (self._state == "loading" and not total):
            text = ""
        self.count_label.setText(text)

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
        elif state == "cancelled":
            self.refresh_requested.emit()

    def _on_bar_filters_changed(self) -> None:
        self.view_model.set_filters(**self.bar.filters())

    # -- keyboard and selection --------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def current_employee(self) -> Employee | None:
        return self.splitter.current_employee()

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
