"""The sign-in in progress: status, steps, countdown, link and paste box."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from zelt_desktop.signin import STEPS
from zelt_desktop.ui.messages import Explanation

TICK_MS = 250


class ConnectPanel(QWidget):
    """Shown from Connect until the sign-in ends.

    Signals:
        cancel_requested(): the user pressed Cancel.
        paste_submitted(str): the user gave an address or a code.
    """

    cancel_requested = Signal()
    paste_submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel(objectName="statusLabel", wordWrap=True)
        self.status.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.countdown = QLabel(objectName="countdownLabel")
        self.countdown.setAccessibleName("Time left for the sign-in code")
        self.steps = QWidget(objectName="stepsList")
        self.steps.setAccessibleName("Sign-in steps")
        steps_layout = QVBoxLayout(self.steps)
        steps_layout.setContentsMargins(0, 0, 0, 0)
        self._step_labels: dict[str, QLabel] = {}
        for key, text in STEPS.items():
            label = QLabel(f"○ {text}", objectName=f"step_{key}")
            label.setEnabled(False)
            steps_layout.addWidget(label)
            self._step_labels[key] = label

        self.url = QLineEdit(objectName="consentUrlEdit", readOnly=True)
        self.url.setAccessibleName("Consent page address")
        self.copy_url = QPushButton("Copy link", objectName="copyUrlButton")
        self.copy_url.setAccessibleName("Copy the consent page address")
        self.copy_url.clicked.connect(self._copy_url)
        self.url_hint = QLabel(wordWrap=True)

        self.paste = QLineEdit(objectName="pasteEdit")
        self.paste.setPlaceholderText("Paste the address your browser shows")
        self.paste.setAccessibleName("Paste the address your browser shows")
        self.use_paste = QPushButton("Use this address",
                                     objectName="usePasteButton")
        self.paste.returnPressed.connect(self._submit_paste)
        self.use_paste.clicked.connect(self._submit_paste)
        self.paste_error = QLabel(objectName="pasteError", wordWrap=True)
        self.paste_error.hide()

        self.cancel = QPushButton("Cancel", objectName="cancelButton")
        self.cancel.clicked.connect(self.cancel_requested)

        self._build_layout()
        self._deadline: float | None = None
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _build_layout(self) -> None:
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_url)
        paste_row = QHBoxLayout()
        paste_row.addWidget(self.paste, 1)
        paste_row.addWidget(self.use_paste)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.steps)
        layout.addWidget(self.countdown)
        layout.addWidget(self.url_hint)
        layout.addLayout(url_row)
        layout.addLayout(paste_row)
        layout.addWidget(self.paste_error)
        layout.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeft)

    # -- what the window tells the panel ---------------------------------

    def show_waiting(self, consent_url: str, *, listens: bool,
                     started_in_zelt: bool) -> None:
        self.reset()
        self.url.setText(consent_url)
        if started_in_zelt:
            self.set_status(
                "In Zelt, open your app in the Developer Hub, click "
                "“Code flow” and then “Allow access”. You have 3 minutes.")
        elif listens:
            self.set_status("Waiting for you to allow access in your "
                            "browser…")
        else:
            self.set_status(
                "Allow access in your browser. Then copy the address the "
                "browser shows and paste it below.")
        self.url_hint.setText("If no browser opened, copy this link into "
                              "your browser:")
        self.paste.setFocus()

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def mark_step(self, key: str) -> None:
        label = self._step_labels[key]
        label.setText(f"✓ {STEPS[key]}")
        label.setEnabled(True)

    def step_texts(self) -> list[str]:
        return [label.text() for label in self._step_labels.values()]

    def start_countdown(self, deadline: float) -> None:
        """Count down to ``deadline`` (a time.monotonic() value)."""
        self._deadline = deadline
        self._tick()
        self._timer.start()

    def stop_countdown(self) -> None:
        self._timer.stop()

    def show_failure(self, explanation: Explanation) -> None:
        self.stop_countdown()
        self.set_status(f"<b>{explanation.title}.</b> {explanation}")

    def show_paste_error(self, text: str) -> None:
        self.paste_error.setText(text)
        self.paste_error.show()

    def reset(self) -> None:
        self.stop_countdown()
        self.countdown.clear()
        self.paste.clear()
        self.paste_error.hide()
        for key, label in self._step_labels.items():
            label.setText(f"○ {STEPS[key]}")
            label.setEnabled(False)

    # -- slots -------------------------------------------------------------

    def _tick(self) -> None:
        left = max(0, int(self._deadline - time.monotonic()))
        minutes, seconds = divmod(left, 60)
        self.countdown.setText(
            f"Sign-in code valid for {minutes}:{seconds:02d}" if left
            else "The sign-in code has expired.")
        if not left:
            self._timer.stop()

    def _copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self.url.text())
        self.copy_url.setText("Copied")
        QTimer.singleShot(2000, self.copy_url,
                          lambda: self.copy_url.setText("Copy link"))

    def _submit_paste(self) -> None:
        text = self.paste.text()
        if text.strip():
            self.paste_error.hide()
            self.paste_submitted.emit(text)
