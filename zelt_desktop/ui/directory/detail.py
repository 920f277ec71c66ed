"""The detail panel: every field Zelt returned for the selected person."""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import (QAbstractTableModel, QEvent, QModelIndex,
                            QPersistentModelIndex, Qt, Signal)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QTableView, QVBoxLayout,
                               QWidget)

from zelt_desktop.ui.directory.table import FONT_EVENTS, fit_rows_to_font
from zelt_desktop.zelt.employees import (COLUMNS, DEFAULT_COLUMNS, Employee,
                                         detail_fields)

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# The summary: the directory's own columns, the manager by name.
SUMMARY = DEFAULT_COLUMNS + [k for k in ("account_status",)
                             if k not in DEFAULT_COLUMNS]
ALL_FIELDS = "Everything Zelt sent"


def readable(path: str) -> str:
    """``role.department.name`` → ``Role › Department › Name``."""
    words = (_CAMEL.sub(" ", part).replace("_", " ").strip()
             for part in path.split("."))
    return " › ".join(w[:1].upper() + w[1:].lower() for w in words)


class FieldsModel(QAbstractTableModel):
    """Two columns, field and value: a summary in the directory's words,
    then every field Zelt returned, the dotted path in the tooltip."""

    TITLES = ("Field", "Value")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._summary: list[tuple[str, str]] = []
        self._fields: list[tuple[str, str]] = []
        self._rows: list[tuple[str, str, str]] = []

    def set_fields(self, fields: list[tuple[str, str]],
                   summary: list[tuple[str, str]] = ()) -> None:
        self.beginResetModel()
        self._summary, self._fields = list(summary), fields
        self._rows = [(title, value, "") for title, value in summary]
        if summary and fields:
            self._rows.append((ALL_FIELDS, "", ""))
        self._rows += [(readable(path), value, path)
                       for path, value in fields]
        self.endResetModel()

    def fields(self) -> list[tuple[str, str]]:
        """Every field as Zelt sent it: (dotted path, text)."""
        return list(self._fields)

    def summary(self) -> list[tuple[str, str]]:
        return list(self._summary)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def data(self, index: _Index, role: int = _DISPLAY):
        if not index.isValid():
            return None
        title, value, path = self._rows[index.row()]
        if role == _DISPLAY:
            return value if index.column() else title
        if role == _TOOLTIP:
            return (value or None) if index.column() else (path or title)
        if role == _FONT and title == ALL_FIELDS and not path:
            font = QGuiApplication.font()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return self.TITLES[section]
        return None


class DetailPanel(QWidget):
    """The selected person's name, every field, and copy buttons.

    ``row_text`` is set by the directory: it gives a person's visible
    cells, tab-separated, for "Copy row".

    Signals:
        copied(str): what was put on the clipboard ("email" or "row").
    """

    copied = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.employee: Employee | None = None
        self.row_text = lambda e: e.name

        self.title = QLabel(self, objectName="detailTitle")
        # A name from Zelt is text, never markup.
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)

        self.model = FieldsModel(self)
        self.table = QTableView(self, objectName="detailFields")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Every field of the selected person")
        self.table.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        fit_rows_to_font(self.table)

        self.copy_email = QPushButton("Copy &email", self,
                                      objectName="copyEmailButton")
        self.copy_email.setAccessibleName("Copy email address")
        self.copy_email.clicked.connect(self._on_copy_email_clicked)
        self.copy_row = QPushButton("Copy ro&w", self,
                                    objectName="copyRowButton")
        self.copy_row.setAccessibleName("Copy the whole row")
        self.copy_row.clicked.connect(self._on_copy_row_clicked)

        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_email)
        buttons.addWidget(self.copy_row)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.show_employee(None)

    def show_employee(self, employee: Employee | None) -> None:
        self.employee = employee
        if employee is None:
            self.title.setText("Select a person to see every field.")
            self.model.set_fields([])
        else:
            self.title.setText(employee.name or employee.email
                               or f"ID {employee.user_id}")
            summary = [(COLUMNS[key].title, COLUMNS[key].value(employee))
                       for key in SUMMARY]
            self.model.set_fields(detail_fields(employee.raw),
                                  [(t, v) for t, v in summary if v])
            self.table.resizeRowsToContents()
        self.copy_email.setEnabled(bool(employee and employee.email))
        self.copy_row.setEnabled(employee is not None)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt
        if event.type() in FONT_EVENTS:
            fit_rows_to_font(self.table)
        super().changeEvent(event)

    def _on_copy_email_clicked(self) -> None:
        if self.employee and self.employee.email:
            QGuiApplication.clipboard().setText(self.employee.email)
            self.copied.emit("email")

    def _on_copy_row_clicked(self) -> None:
        if self.employee is not None:
            QGuiApplication.clipboard().setText(self.row_text(self.employee))
            self.copied.emit("row")
