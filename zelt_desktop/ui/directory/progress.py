"""The loading strip: what has arrived so far, a bar, and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar,
                               QPushButton, QWidget)

from zelt_desktop.ui.directory.states import people_noun


class LoadProgress(QWidget):
    """"Loading… 3,400 people, page 34 of 100", a bar and Cancel.

    The bar counts pages; without a page count from Zelt it is a busy
    bar, and the words still count the people.

    Signals:
        cancel_requested(): the user pressed Cancel.
    """

    cancel_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent, objectName="loadProgressStrip")
        self.label = QLabel(self, objectName="loadProgressLabel")
        self.bar = QProgressBar(self, objectName="loadProgress")
        self.bar.setAccessibleName("Loading progress")
        self.bar.setTextVisible(False)   # the label says it in words
        self.cancel_button = QPushButton("&Cancel", self,
                                         objectName="loadCancelButton")
        self.cancel_button.setAccessibleName("Cancel loading")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)

    def set_progress(self, loaded: int, pages: int,
                     total_pages: int | None) -> None:
        """``loaded`` people in ``pages`` pages, of ``total_pages``."""
        text = f"Loading… {loaded:,} {people_noun(loaded)}"
        if pages:
            text += f", page {pages:,}"
            if total_pages:
                text += f" of {total_pages:,}"
        self.label.setText(text)
        self.bar.setAccessibleDescription(text)
        self.bar.setRange(0, total_pages or 0)   # 0..0: a busy bar
        self.bar.setValue(min(pages, total_pages or 0))

    @property
    def text(self) -> str:
        return self.label.text()
