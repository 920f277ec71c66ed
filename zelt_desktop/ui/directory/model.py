"""The table model over the loaded employees: one row per person."""

from __future__ import annotations

import logging
from array import array
from datetime import date
from typing import Sequence

from PySide6.QtCore import (QAbstractTableModel, QDate, QLocale,
                            QModelIndex, QPersistentModelIndex, Qt, Signal)

from zelt_desktop.ui.directory.keys import SortPreparer
from zelt_desktop.ui.directory.search import merge_rows
from zelt_desktop.zelt.employees import (COLUMNS, DEFAULT_COLUMNS, Employee,
                                         ManagerLookup, normalise, ranks,
                                         sort_order)

log = logging.getLogger(__name__)

# Up to this many rows a column's sort keys are computed on the spot
# (about 0.1 s for names here); above it, in a worker thread.
SYNC_ROWS = 20_000
# Rows that arrived after a column's ranks were prepared are merged in by
# binary search, up to this many; more, and the ranks are prepared again.
MERGE_ROWS = 5_000

# data() with this role answers the row's Employee.
EmployeeRole = Qt.ItemDataRole.UserRole + 1

# data() runs for every painted cell and role: plain ints compare fastest.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value

_Index = QModelIndex | QPersistentModelIndex


class DateTexts:
    """Dates in the user's short locale format, each formatted once.

    A company of 100,000 people has a few thousand distinct start dates,
    so the cache stays small while search and paint reuse the text.
    """

    def __init__(self, locale: QLocale | None = None) -> None:
        self._locale = locale or QLocale()
        self._texts: dict[date, str] = {}

    def text(self, day: date | None) -> str:
        if day is None:
            return ""
        text = self._texts.get(day)
        if text is None:
            qdate = QDate(day.year, day.month, day.day)
            text = self._locale.toString(qdate, QLocale.FormatType.ShortFormat)
            self._texts[day] = text
        return text


class DirectoryModel(QAbstractTableModel):
    """The loaded people, in loading order, over the chosen columns.

    Rows are plain ``Employee`` objects (no item per cell), so 100,000
    people cost about what their records cost.  Sorting and filtering are
    the view model's work (``filter.DirectoryView``).

    With ``prepare_in_background`` the sort keys of a large company are
    computed in a worker thread (``keys.SortPreparer``): ``sorted_rows``
    then answers None until they are ready, and ``sort_prepared`` says
    when.  ``growing`` is True while pages are still being appended: the
    keys are then kept to merge later pages in, else only the ranks.

    Signals:
        managers_resolved(object): the list of rows whose manager's name
            came with a later page; dataChanged follows for the manager
            column.
        sort_prepared(str): the ranks of this column are ready.
    """

    managers_resolved = Signal(object)
    sort_prepared = Signal(str)

    def __init__(self, parent=None, *, columns: Sequence[str] = (),
                 prepare_in_background: bool = False) -> None:
        super().__init__(parent)
        self._employees: list[Employee] = []
        self._columns = list(columns or DEFAULT_COLUMNS)
        self._managers = ManagerLookup()
        self._sort_keys: dict[str, list[tuple]] = {}
        self._ranks: dict[str, Sequence[int]] = {}
        self._growing = False
        # Bumped when every row changes (generation) or managers' names
        # do (revision): a key prepared before is then stale.
        self.generation = 0
        self.revision = 0
        self.sync_rows = SYNC_ROWS
        self.preparer = (SortPreparer(self, self) if prepare_in_background
                         else None)
        self.dates = DateTexts()

    # -- the data ----------------------------------------------------------

    @property
    def employees(self) -> list[Employee]:
        return self._employees

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def employee(self, row: int) -> Employee:
        return self._employees[row]

    def append_page(self, items: list[dict]) -> None:
        """Add one page of records as Zelt sent them."""
        if not items:
            return
        new = [normalise(item) for item in items]
        first = len(self._employees)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._employees.extend(new)
        changed = self._managers.add(new)
        for key, keys in self._sort_keys.items():
            keys.extend(map(COLUMNS[key].sort_key, new))
        # Ranks stay: they still order the rows they were made for, and
        # sorted_rows merges the newer ones in.
        self.endInsertRows()
        self._managers_changed(changed)
        log.debug("page of %d added, %d rows", len(new), len(self._employees))

    def set_employees(self, items: list[dict]) -> None:
        """Replace every row with ``items``."""
        self.beginResetModel()
        self._reset_rows()
        self._employees = [normalise(item) for item in items]
        self._managers.add(self._employees)
        self.endResetModel()

    def adopt(self, other: DirectoryModel) -> None:
        """Take the rows ``other`` loaded off-screen, with their keys.

        A refresh fills a second model page by page; taking its rows at
        the end is one reset, not 100,000 records normalised at once.
        """
        self.beginResetModel()
        self._reset_rows()
        self._employees, self._managers = other._employees, other._managers
        self._sort_keys, self._ranks = other._sort_keys, other._ranks
        other._employees, other._sort_keys, other._ranks = [], {}, {}
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._reset_rows()
        self.endResetModel()

    def set_columns(self, keys: Sequence[str]) -> None:
        """Show ``keys`` (COLUMNS keys), in this order."""
        unknown = [key for key in keys if key not in COLUMNS]
        if unknown or not keys:
            raise ValueError(f"unknown or no columns: {unknown}")
        if list(keys) == self._columns:
            return
        self.beginResetModel()
        self._columns = list(keys)
        self.endResetModel()

    @property
    def growing(self) -> bool:
        return self._growing

    @growing.setter
    def growing(self, growing: bool) -> None:
        self._growing = growing
        if not growing:
            # No page will need merging: the ranks alone sort.
            self._sort_keys.clear()

    def sort_keys(self, key: str) -> list[tuple]:
        """The core sort key of every row for column ``key``, kept."""
        keys = self._sort_keys.get(key)
        if keys is None:
            keys = list(map(COLUMNS[key].sort_key, self._employees))
            self._sort_keys[key] = keys
        return keys

    def sort_ranks(self, key: str) -> Sequence[int]:
        """Every row's rank for column ``key`` (0: empty), kept."""
        kept = self._ranks.get(key)
        if kept is None or len(kept) < len(self._employees):
            kept = self._ranks[key] = ranks(self.sort_keys(key))
        return kept

    def sort_ready(self, key: str) -> bool:
        """True when ``sorted_rows(key)`` answers without a long wait."""
        kept = self._ranks.get(key)
        if kept is None:
            return False
        missing = len(self._employees) - len(kept)
        return missing == 0 or (missing <= MERGE_ROWS
                                and key in self._sort_keys)

    def sorted_rows(self, key: str, descending: bool = False,
                    ) -> list[int] | None:
        """Every row, ordered by column ``key``; None while prepared.

        A large company's keys are then computed in a worker thread and
        ``sort_prepared(key)`` follows: the GUI thread never spends half
        a second on the first sort by a column.
        """
        if self.sort_ready(key):
            kept = self._ranks[key]
            # Kept as 4-byte ints; sorting boxed ones is a third faster.
            order = sort_order(_as_list(kept), descending)
            if len(kept) < len(self._employees):
                newer = range(len(kept), len(self._employees))
                order = merge_rows(order, newer, self._sort_keys[key],
                                   descending)
            return order
        if self.preparer is None or len(self._employees) <= self.sync_rows:
            return sort_order(self.sort_ranks(key), descending)
        self.preparer.want([key], urgent=True)
        return None

    def prepare(self, keys: Sequence[str]) -> None:
        """Prepare these columns' ranks ahead, in the order given.

        A small company sorts on the spot: nothing to prepare.
        """
        if self.preparer is not None \
                and len(self._employees) > self.sync_rows:
            self.preparer.want([k for k in keys if not self.sort_ready(k)])

    def ticket(self) -> tuple[int, int, int]:
        """What a key prepared now depends on: see ``install_sort``."""
        return self.generation, self.revision, len(self._employees)

    def install_sort(self, key: str, ticket: tuple[int, int, int],
                     keys: list[tuple], kept_ranks: Sequence[int]) -> bool:
        """Keep keys and ranks prepared elsewhere; False when stale."""
        generation, revision, count = ticket
        if generation != self.generation or count > len(self._employees):
            return False
        if key == "manager" and revision != self.revision:
            return False   # a manager's name arrived meanwhile
        if self._growing and key not in self._sort_keys:
            keys.extend(map(COLUMNS[key].sort_key, self._employees[count:]))
            self._sort_keys[key] = keys
        self._ranks[key] = kept_ranks
        log.debug("ranks of %s prepared for %d rows", key, count)
        self.sort_prepared.emit(key)
        return True

    def text(self, e: Employee, key: str) -> str:
        """What a cell shows: the core's text, dates in the locale."""
        if key == "start_date":
            return self.dates.text(e.start_date)
        return COLUMNS[key].value(e)

    def _reset_rows(self) -> None:
        self._employees = []
        self._managers = ManagerLookup()
        self._sort_keys = {}
        self._ranks = {}
        self.generation += 1
        if self.preparer is not None:
            self.preparer.reset()

    def _managers_changed(self, rows: list[int]) -> None:
        if not rows:
            return
        self.revision += 1
        self._ranks.pop("manager", None)
        keys = self._sort_keys.get("manager")
        for row in rows if keys is not None else ():
            keys[row] = COLUMNS["manager"].sort_key(self._employees[row])
        self.managers_resolved.emit(rows)
        if "manager" in self._columns:
            column = self._columns.index("manager")
            self.dataChanged.emit(self.index(rows[0], column),
                                  self.index(rows[-1], column),
                                  [Qt.ItemDataRole.DisplayRole])

    # -- QAbstractTableModel -----------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._employees)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    def cell(self, row: int, column: int, role: int):
        """data() for a source row, without building an index."""
        if role == _DISPLAY or role == _TOOLTIP:
            return self.text(self._employees[row], self._columns[column])
        if role == EmployeeRole:
            return self._employees[row]
        if role == _ALIGNMENT and self._columns[column] == "user_id":
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role in (Qt.ItemDataRole.DisplayRole,
                    Qt.ItemDataRole.ToolTipRole):
            return COLUMNS[self._columns[section]].title
        return None


def _as_list(ranks: Sequence[int]) -> list[int]:
    return ranks.tolist() if isinstance(ranks, array) else list(ranks)
