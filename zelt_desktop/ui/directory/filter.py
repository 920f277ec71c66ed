"""The view model: the loaded people searched, filtered and sorted."""

from __future__ import annotations

import logging

from PySide6.QtCore import (QAbstractProxyModel, QModelIndex,
                            QPersistentModelIndex, Qt, QTimer, Signal)

from zelt_desktop.ui.directory.model import DirectoryModel
from zelt_desktop.ui.directory.search import (IncrementalSearch, filter_rows,
                                              merge_rows, normalise_query,
                                              row_text)
from zelt_desktop.zelt.employees import (STATUS_FILTERS, Employee,
                                         matches_status)

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
_FLAGS = (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
          | Qt.ItemFlag.ItemNeverHasChildren)


class DirectoryView(QAbstractProxyModel):
    """What the table shows: a list of source rows, not a proxy per row.

    QSortFilterProxyModel asks ``data()`` of every cell on each keystroke,
    about a million Python calls at 100,000 rows.  Here each row has one
    folded text over the visible columns, searched incrementally, and sort
    keys come from the core, computed once per column.

    A sort whose keys a worker still prepares is pending: the rows keep
    their order until the keys come (``sort_pending`` says so), so the
    window never waits on the first sort of a large company.

    Signals:
        counts_changed(int, int): rows shown, rows loaded.
        sort_pending(bool): a sort waits for its keys (True), or no more.
    """

    counts_changed = Signal(int, int)
    sort_pending = Signal(bool)

    def __init__(self, source: DirectoryModel, parent=None) -> None:
        super().__init__(parent)
        self._source = source
        self._order: list[int] = []   # every source row, sorted
        self._base: list[int] = []    # _order through the quick filters
        self._rows: list[int] = []    # _base through the search: shown
        self._search = IncrementalSearch()
        self._query = ""
        self._department: str | None = None
        self._site: str | None = None
        self._status = "everyone"
        # The sort asked for, and the one the rows are in: they differ
        # while the keys of the first are prepared.
        self._sort_key: str | None = None
        self._descending = False
        self._applied: tuple[str | None, bool] = (None, False)
        self._pending = False
        self._adopting: DirectoryView | None = None
        self._rebuild = QTimer(self, singleShot=True, interval=0)
        self._rebuild.timeout.connect(self._on_rebuild_timeout)
        self.setSourceModel(source)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._on_source_model_reset)
        source.rowsInserted.connect(self._on_source_rows_inserted)
        source.managers_resolved.connect(self._on_source_managers_resolved)
        source.dataChanged.connect(self._on_source_data_changed)
        source.sort_prepared.connect(self._on_source_sort_prepared)
        self._rebuild_all()

    # -- what is shown -----------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    @property
    def sort_column(self) -> str | None:
        return self._sort_key

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def pending(self) -> bool:
        """True while the sort asked for waits for its keys."""
        return self._pending

    def employee(self, row: int) -> Employee:
        return self._source.employee(self._rows[row])

    def shown(self) -> list[Employee]:
        """The people shown, in the order shown (for the export)."""
        employees = self._source.employees
        return [employees[row] for row in self._rows]

    # -- search, quick filters, sort ---------------------------------------

    def set_search(self, text: str) -> None:
        """Show the rows whose visible cells hold every word of ``text``."""
        query = normalise_query(text)
        if query == self._query:
            return
        self._query = query
        self._replace_rows(self._search.search(query))

    def set_filters(self, *, department: str | None = None,
                    site: str | None = None, status: str = "everyone") -> None:
        """Quick filters; None means any department or site."""
        if status not in STATUS_FILTERS:
            raise ValueError(f"unknown status filter {status!r}")
        self._department, self._site, self._status = department, site, status
        self._filter()

    def sort_by(self, key: str | None, descending: bool = False) -> None:
        """Sort by the column ``key`` (None: loading order)."""
        self._sort_key, self._descending = key, descending
        if self._sort():
            self._filter()

    def sort(self, column: int,
             order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        columns = self._source.columns
        key = columns[column] if 0 <= column < len(columns) else None
        self.sort_by(key, order == Qt.SortOrder.DescendingOrder)

    def _sort(self) -> bool:
        """Order every row as asked; False while its keys are prepared."""
        wanted = (self._sort_key, self._descending)
        if self._sort_key is None:
            order = list(range(self._source.rowCount()))
        else:
            order = self._source.sorted_rows(*wanted)
        if order is None:
            self._set_pending(True)
            return False
        self._order, self._applied = order, wanted
        self._set_pending(False)
        log.debug("sorted %d rows by %s", len(order), self._sort_key)
        return True

    def _set_pending(self, pending: bool) -> None:
        if pending != self._pending:
            self._pending = pending
            self.sort_pending.emit(pending)

    def _on_source_sort_prepared(self, key: str) -> None:
        if self._pending and key == self._sort_key and self._sort():
            self._filter()

    def _filter(self) -> None:
        self._base = self._passing(self._order)
        self._search.reset(self._base)
        self._replace_rows(self._search.search(self._query))

    def _passing(self, rows: list[int]) -> list[int]:
        if (self._department is None and self._site is None
                and self._status == "everyone"):
            return list(rows)
        employees = self._source.employees
        department, site, status = self._department, self._site, self._status
        return [row for row in rows
                if (department is None
                    or employees[row].department == department)
                and (site is None or employees[row].site == site)
                and matches_status(employees[row], status)]

    def _replace_rows(self, rows: list[int]) -> None:
        """Show ``rows``, keeping selection and current row where shown."""
        if rows == self._rows:
            # Nothing moves: no repaint (later letters of a word often
            # keep the same people), but the query changed.
            self._rows = rows
            self.counts_changed.emit(len(rows), self._source.rowCount())
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        sources = [self._rows[i.row()] for i in old]
        self._rows = rows
        where = _positions(rows, sources)
        self.changePersistentIndexList(old, [
            self.index(where[s], i.column()) if s in where else QModelIndex()
            for i, s in zip(old, sources)])
        self.layoutChanged.emit()
        self.counts_changed.emit(len(rows), self._source.rowCount())

    # -- following the source ----------------------------------------------

    def adopt(self, other: DirectoryView) -> None:
        """Show what ``other`` loaded off-screen: rows, texts and order.

        ``other`` watched a model with the same columns; it is spent.
        """
        self._adopting = other
        try:
            self._source.adopt(other._source)
        finally:
            self._adopting = None

    def _on_source_model_reset(self) -> None:
        if self._adopting is not None:
            self._take(self._adopting)
        else:
            self._rebuild_all()
        self.endResetModel()
        self.counts_changed.emit(len(self._rows), self._source.rowCount())

    def _rebuild_all(self) -> None:
        self._rebuild.stop()
        texts = list(map(self._row_text, self._source.employees))
        self._search.set_texts(texts)
        # Until the sort asked for is ready, the rows keep loading order.
        self._order = list(range(len(texts)))
        self._applied = (None, False)
        self._sort()
        self._refilter()

    def _take(self, other: DirectoryView) -> None:
        self._rebuild.stop()
        self._search, other._search = other._search, IncrementalSearch()
        self._order, self._applied = other._order, other._applied
        if self._applied != (self._sort_key, self._descending):
            self._sort()
        else:
            self._set_pending(False)   # the other one sorted as asked
        self._refilter()

    def _refilter(self) -> None:
        """Quick filters and search over the whole order, without signals."""
        self._base = self._passing(self._order)
        self._search.reset(self._base)
        self._rows = self._search.search(self._query)

    def _on_source_rows_inserted(self, parent, first: int, last: int) -> None:
        employees = self._source.employees
        self._search.add_texts(
            list(map(self._row_text, employees[first:last + 1])))
        new = list(range(first, last + 1))
        new_base = self._passing(new)
        new_rows = filter_rows(self._search.texts, new_base, self._query)
        if self._applied[0] is None:
            self._append(new, new_base, new_rows)
        else:
            self._merge(new, new_base, new_rows)

    def _append(self, new, new_base, new_rows) -> None:
        end = len(self._rows)
        if new_rows:
            self.beginInsertRows(QModelIndex(), end, end + len(new_rows) - 1)
        self._order.extend(new)
        self._base.extend(new_base)
        if self._rows is not self._base:
            self._rows.extend(new_rows)
        self._search.reset(self._base, self._query, self._rows)
        if new_rows:
            self.endInsertRows()
        self.counts_changed.emit(len(self._rows), self._source.rowCount())

    def _merge(self, new, new_base, new_rows) -> None:
        key, down = self._applied
        keys = self._source.sort_keys(key)
        self._order = merge_rows(self._order, new, keys, down)
        self._base = merge_rows(self._base, new_base, keys, down)
        rows = self._base if self._rows is self._base \
            else merge_rows(self._rows, new_rows, keys, down)
        self._search.reset(self._base, self._query, rows)
        self._replace_rows(rows)

    def _on_source_managers_resolved(self, rows: list[int]) -> None:
        by_manager = self._applied[0] == "manager"
        if "manager" not in self._source.columns:
            stale = by_manager
        else:
            for row in rows:
                self._search.set_text(
                    row, self._row_text(self._source.employee(row)))
            stale = by_manager or bool(self._query)
        if stale:
            # Once the current burst of pages is in, not for each page.
            self._rebuild.start()

    def _on_source_data_changed(self, top: QModelIndex, bottom: QModelIndex,
                                roles=()) -> None:
        # The rows may be anywhere in the view: repaint what is visible.
        if self._rows:
            self.dataChanged.emit(
                self.index(0, top.column()),
                self.index(len(self._rows) - 1, bottom.column()), roles)

    def _on_rebuild_timeout(self) -> None:
        self._sort()   # pending: the order shown stays until the keys come
        self._filter()

    def row_of(self, user_id: int | None) -> int | None:
        """The row shown for the person ``user_id``, or None."""
        if user_id is None:
            return None
        employees = self._source.employees
        for row, source in enumerate(self._rows):
            if employees[source].user_id == user_id:
                return row
        return None

    def _row_text(self, e: Employee) -> str:
        source = self._source
        cells = [source.text(e, key) for key in source.columns]
        if e.start_date and "start_date" in source.columns:
            # People type dates as shown or as ISO dates: both match.
            cells.append(e.start_date.isoformat())
        return row_text(cells)

    # -- QAbstractProxyModel -----------------------------------------------

    def mapToSource(self, index: _Index) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        return self._source.index(self._rows[index.row()], index.column())

    def mapFromSource(self, index: _Index) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        where = _positions(self._rows, [index.row()])
        if index.row() not in where:
            return QModelIndex()
        return self.index(where[index.row()], index.column())

    def index(self, row: int, column: int,
              parent: _Index = QModelIndex()) -> QModelIndex:
        if parent.isValid() or not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    # The base class answers these through mapToSource: a Python call more
    # per painted cell.
    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and bool(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._source.columnCount()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self._source.cell(self._rows[index.row()], index.column(),
                                 role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        return self._source.headerData(section, orientation, role)


def _positions(rows: list[int], wanted: list[int]) -> dict[int, int]:
    """Where each of a few source rows sits in ``rows``."""
    if len(wanted) > 8:
        lookup = set(wanted)
        return {row: i for i, row in enumerate(rows) if row in lookup}
    where = {}
    for row in wanted:
        try:
            where[row] = rows.index(row)
        except ValueError:
            pass
    return where
