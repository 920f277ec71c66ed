"""Empty states that explain themselves, and the people count."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

NOT_CONNECTED = "Connect to Zelt to see your people."
# Zelt issues working tokens to an app without scopes and then answers
# every call with an empty list (Zelt "Permissions"); scopes added later
# reach only new tokens.
NO_SCOPES = (
    "Zelt returned no people. The app probably lacks permission (scopes) "
    "to read them. Ask your Zelt admin to add user:read:all to this app "
    "(Developer Hub, Permissions), then Reconnect — scopes added in Zelt "
    "reach only new sign-ins.")
NO_FILTER_MATCH = "No one matches these filters."
CANCELLED = "Loading was cancelled before anyone arrived."


def load_failed(reason: str) -> str:
    return f"The people could not be loaded. {reason}".strip()


def no_match(text: str) -> str:
    return f"No one matches “{text}”."


def people_noun(count: int) -> str:
    return "person" if count == 1 else "people"


def count_text(shown: int, total: int) -> str:
    """ "1,234 of 250,000 people", or "250,000 people" when all show."""
    noun = people_noun(total)
    if shown == total:
        return f"{total:,} {noun}"
    return f"{shown:,} of {total:,} {noun}"


def empty_state(load: str, shown: int, total: int, query: str,
                failure: str = "") -> tuple[str, str, str | None] | None:
    """The empty state to show, as (name, sentence, button), or None.

    ``load`` is the panel's loading state: "not_connected", "loading",
    "loaded", "failed" or "cancelled".
    """
    if load == "not_connected":
        return "not_connected", NOT_CONNECTED, None
    if load == "failed":
        return "failed", load_failed(failure), None
    if load == "cancelled":
        return "cancelled", CANCELLED, "&Refresh"
    if load == "loaded" and total == 0:
        return "no_scopes", NO_SCOPES, "&Reconnect"
    if total and not shown and query:
        return "no_match", no_match(query), "C&lear search"
    if total and not shown:
        return "no_filter_match", NO_FILTER_MATCH, "C&lear filters"
    return None


class EmptyState(QWidget):
    """A sentence in plain words and, when the user can act, a button.

    Signals:
        action_triggered(str): the state whose button was pressed
            ("no_scopes", "no_match", "no_filter_match" or "cancelled").
    """

    action_triggered = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.state = ""
        self.label = QLabel(self, objectName="emptyStateLabel")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a typed query
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        # A muted colour from the user's theme, light or dark, and lines
        # of about 70 characters of the user's font, easy to read.
        self.label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.label.setMaximumWidth(
            self.label.fontMetrics().averageCharWidth() * 70)
        self.button = QPushButton(self, objectName="emptyStateButton")
        self.button.clicked.connect(
            lambda: self.action_triggered.emit(self.state))

        # Not added with an alignment: a layout then gives the label its
        # one-line size hint, and a long sentence was cut (large fonts).
        line = QHBoxLayout()
        line.addStretch()
        line.addWidget(self.label, 1)
        line.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addLayout(line)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch()

    def show_state(self, state: str, text: str,
                   button: str | None = None) -> None:
        self.state = state
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.button.setVisible(button is not None)
        if button is not None:
            self.button.setText(button)
            self.button.setAccessibleName(button.replace("&", ""))
