"""Copy text to the clipboard and say so on the button that did it."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton

FEEDBACK_MS = 2000


def copy_text(text: str, button: QAbstractButton | None = None) -> None:
    """Put ``text`` on the clipboard; ``button`` reads "Copied" a moment.

    The button's own label is kept on it, so a second click within the
    moment does not make "Copied" its label for good.
    """
    QGuiApplication.clipboard().setText(text)
    if button is None:
        return
    label = button.property("copyLabel") or button.text()
    button.setProperty("copyLabel", label)
    button.setText("Copied")
    QTimer.singleShot(FEEDBACK_MS, button, lambda: button.setText(label))
