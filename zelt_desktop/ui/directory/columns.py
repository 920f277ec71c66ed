"""The column chooser: which columns the directory shows, in what order."""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import (QAbstractListModel, QModelIndex, QObject,
                            QPersistentModelIndex, QPoint, Qt)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox,
                               QHBoxLayout, QLabel, QListView, QMenu,
                               QPushButton, QTableView, QVBoxLayout)

from zelt_desktop.zelt.employees import COLUMNS, DEFAULT_COLUMNS

_Index = QModelIndex | QPersistentModelIndex

# The one key the directory keeps in the window's settings: no personal
# data, only column keys.
COLUMNS_SETTING = "directory/columns"


class ColumnListModel(QAbstractListModel):
    """Every column, checked when shown, in the order chosen."""

    def __init__(self, shown: Sequence[str], parent=None) -> None:
        super().__init__(parent)
        self.set_shown(shown)

    def set_shown(self, shown: Sequence[str]) -> None:
        self.beginResetModel()
        rest = [key for key in COLUMNS if key not in shown]
        self._keys = list(shown) + rest
        self._checked = set(shown)
        self.endResetModel()

    def shown(self) -> list[str]:
        return [key for key in self._keys if key in self._checked]

    def move(self, row: int, step: int) -> int:
        """Move one row up (-1) or down (+1); return where it is now."""
        target = row + step
        if not (0 <= row < len(self._keys) and 0 <= target < len(self._keys)):
            return row
        # beginMoveRows wants the row *before which* it lands.
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(),
                           target + 1 if step > 0 else target)
        keys = self._keys
        keys[row], keys[target] = keys[target], keys[row]
        self.endMoveRows()
        return target

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._keys)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key = self._keys[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[key].title
        if role == Qt.ItemDataRole.CheckStateRole:
            return (Qt.CheckState.Checked if key in self._checked
                    else Qt.CheckState.Unchecked)
        return None

    def setData(self, index: _Index, value,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        key = self._keys[index.row()]
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(key)
        elif len(self._checked) > 1:   # at least one column stays
            self._checked.discard(key)
        else:
            return False
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemNeverHasChildren)


class ColumnsDialog(QDialog):
    """Check the columns to show and order them with Up and Down."""

    def __init__(self, shown: Sequence[str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose columns")
        self.model = ColumnListModel(shown, self)
        self.list = QListView(self, objectName="columnsList")
        self.list.setModel(self.model)
        self.list.setAccessibleName("Columns, checked when shown")
        self.list.setSelectionMode(
            QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setCurrentIndex(self.model.index(0))

        label = QLabel("&Columns to show (Space checks, Up and Down "
                       "buttons order them):", self)
        label.setBuddy(self.list)
        label.setWordWrap(True)
        self.up = self._button("Move &up", "Move the column up", -1)
        self.down = self._button("Move &down", "Move the column down", 1)
        self.defaults = QPushButton("&Restore defaults", self)
        self.defaults.setAccessibleName("Restore the default columns")
        self.defaults.clicked.connect(
            lambda: self.model.set_shown(DEFAULT_COLUMNS))

        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel,
                               self)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        side = QVBoxLayout()
        for button in (self.up, self.down, self.defaults):
            side.addWidget(button)
        side.addStretch()
        middle = QHBoxLayout()
        middle.addWidget(self.list)
        middle.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(middle)
        layout.addWidget(box)

    def chosen(self) -> list[str]:
        return self.model.shown()

    def _button(self, text: str, name: str, step: int) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.clicked.connect(lambda: self._move(step))
        return button

    def _move(self, step: int) -> None:
        row = self.model.move(self.list.currentIndex().row(), step)
        self.list.setCurrentIndex(self.model.index(row))


class ColumnControl(QObject):
    """Applies and remembers the column choice; the header's menu."""

    def __init__(self, table: QTableView, model, view_model, settings,
                 parent=None) -> None:
        super().__init__(parent)
        self._table, self._model, self._view = table, model, view_model
        self._settings = settings
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)

    def set_columns(self, keys: Sequence[str]) -> None:
        """Show ``keys`` in this order, and remember the choice."""
        keys = list(dict.fromkeys(k for k in keys if k in COLUMNS))
        keys = keys or list(DEFAULT_COLUMNS)
        self._model.set_columns(keys)
        if hasattr(self._settings, "set"):
            self._settings.set(COLUMNS_SETTING, keys)
        else:
            self._settings[COLUMNS_SETTING] = keys
        self._restore_sort_indicator()

    def choose(self) -> None:
        dialog = ColumnsDialog(self._model.columns, self._table)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_columns(dialog.chosen())
        dialog.deleteLater()

    def _restore_sort_indicator(self) -> None:
        # The view model keeps its order; only the arrow follows the
        # column, and a blocked header keeps the table from sorting again.
        key, columns = self._view.sort_column, self._model.columns
        header = self._table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(
            columns.index(key) if key in columns else -1,
            Qt.SortOrder.DescendingOrder if self._view.descending
            else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _on_header_menu(self, position: QPoint) -> None:
        menu = QMenu(self._table)
        shown = self._model.columns
        for key, column in COLUMNS.items():
            action = QAction(column.title, menu, checkable=True,
                             checked=key in shown)
            action.setEnabled(len(shown) > 1 or key not in shown)
            action.toggled.connect(
                lambda on, key=key: self._toggle(key, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("Choose columns…", self.choose)
        menu.exec(self._table.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()

    def _toggle(self, key: str, on: bool) -> None:
        shown = [k for k in self._model.columns if k != key]
        self.set_columns(shown + [key] if on else shown)


def saved_columns(settings) -> list[str]:
    """The remembered column keys, or the defaults."""
    saved = settings.get(COLUMNS_SETTING)
    if isinstance(saved, str):
        saved = saved.split(",")
    if not isinstance(saved, (list, tuple)):
        saved = ()
    keys = [k for k in saved if isinstance(k, str) and k in COLUMNS]
    return list(dict.fromkeys(keys)) or list(DEFAULT_COLUMNS)
