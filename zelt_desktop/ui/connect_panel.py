"""The sign-in in progress: status, steps, countdown, link and paste box."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from zelt_desktop.signin import STARTED_STEPS, STEPS
from zelt_desktop.ui.clipboard import copy_text
from zelt_desktop.ui.messages import Explanation

TICK_MS = 250

_MARKS = {"open": "○", "doing": "…", "done": "✓", "failed": "✗"}
# A step under way that reads better as a wait than as a fact.
_WAITING = {"code_received": "Waiting for Zelt to send the sign-in code"}


def _plain_label(name: str, **kwargs) -> QLabel:
    """A label for text from Zelt or the user: never read as markup."""
    label = QLabel(objectName=name, **kwargs)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


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
        self.title = _plain_label("statusTitle", wordWrap=True)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.hide()
        self.status = _plain_label("statusLabel", wordWrap=True)
        self.status.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.countdown = _plain_label("countdownLabel")
        self.countdown.setAccessibleName("Time left for the sign-in code")
        self._build_steps()

        self.url = QLineEdit(objectName="consentUrlEdit", readOnly=True)
        self.url.setAccessibleName("Consent page address")
        self.copy_url = QPushButton("Copy link", objectName="copyUrlButton")
        self.copy_url.setAccessibleName("Copy the consent page address")
        self.copy_url.clicked.connect(self._copy_url)
        self.url_hint = _plain_label("urlHint", wordWrap=True)

        self.paste = QLineEdit(objectName="pasteEdit")
        self.paste.setPlaceholderText("Paste the address your browser shows")
        self.paste.setAccessibleName("Paste the address your browser shows")
        self.use_paste = QPushButton("Use this address",
                                     objectName="usePasteButton")
        self.paste.returnPressed.connect(self._submit_paste)
        self.use_paste.clicked.connect(self._submit_paste)
        self.paste_error = _plain_label("pasteError", wordWrap=True)
        self.paste_error.hide()

        self.cancel = QPushButton("Cancel", objectName="cancelButton")
        self.cancel.clicked.connect(self.cancel_requested)

        self._build_layout()
        self._deadline: float | None = None
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _build_steps(self) -> None:
        self.steps = QWidget(objectName="stepsList")
        self.steps.setAccessibleName("Sign-in steps")
        layout = QVBoxLayout(self.steps)
        layout.setContentsMargins(0, 0, 0, 0)
        self._step_labels: dict[str, QLabel] = {}
        self._step_states: dict[str, str] = {}
        for key in STEPS:
            label = _plain_label(f"step_{key}")
            layout.addWidget(label)
            self._step_labels[key] = label
            self._set_step(key, "open")

    def _build_layout(self) -> None:
        # The link and the paste box in boxes of their own, to hide them
        # together once the wait for the browser is over.
        self.link_box = QWidget(objectName="linkBox")
        link = QVBoxLayout(self.link_box)
        link.setContentsMargins(0, 0, 0, 0)
        link.addWidget(self.url_hint)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_url)
        link.addLayout(url_row)
        self.paste_box = QWidget(objectName="pasteBox")
        paste = QVBoxLayout(self.paste_box)
        paste.setContentsMargins(0, 0, 0, 0)
        paste_row = QHBoxLayout()
        paste_row.addWidget(self.paste, 1)
        paste_row.addWidget(self.use_paste)
        paste.addLayout(paste_row)
        paste.addWidget(self.paste_error)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.steps)
        layout.addWidget(self.countdown)
        layout.addWidget(self.link_box)
        layout.addWidget(self.paste_box)
        layout.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeft)

    # -- what the window tells the panel ---------------------------------

    def show_waiting(self, consent_url: str, *, listens: bool,
                     started_in_zelt: bool) -> None:
        self.reset()
        self.url.setText(consent_url)
        self.url.setCursorPosition(0)   # show where the link goes
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
        self._set_step(next(iter(STEPS)), "doing")
        self.paste.setFocus()

    def show_code_arrived(self, deadline: float, status: str) -> None:
        """The code is here: the wait is over and so is Cancel.

        Once the code goes to Zelt the exchange cannot be taken back, so
        Cancel is disabled rather than left to promise it.
        """
        self.link_box.hide()
        self.paste_box.hide()
        self.cancel.setEnabled(False)
        self.set_status(status)
        self.start_countdown(deadline)

    def show_connected(self, connected_as: str) -> None:
        self.stop_countdown()
        self.cancel.hide()
        self.set_status(f"Connected as {connected_as}.")

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def mark_step(self, key: str) -> None:
        """SignIn reported ``key``; the steps before it are done."""
        keys = list(STEPS)
        index = keys.index(key)
        for earlier in keys[:index]:
            self._set_step(earlier, "done")
        if key in STARTED_STEPS:
            self._set_step(key, "doing")
            return
        self._set_step(key, "done")
        if index + 1 < len(keys):
            self._set_step(keys[index + 1], "doing")

    def step_texts(self) -> list[str]:
        return [label.text() for label in self._step_labels.values()]

    def start_countdown(self, deadline: float) -> None:
        """Count down to ``deadline`` (a time.monotonic() value)."""
        self._deadline = deadline
        self.countdown.show()
        self._tick()
        self._timer.start()

    def stop_countdown(self) -> None:
        self._timer.stop()

    def show_failure(self, explanation: Explanation) -> None:
        """The sign-in ended: say why; Connect is the way on."""
        self.stop_countdown()
        self.countdown.clear()
        self.countdown.hide()
        for key, state in self._step_states.items():
            if state == "doing":
                self._set_step(key, "failed")
        self.link_box.hide()
        self.paste_box.hide()
        self.cancel.hide()
        self.title.setText(explanation.title)
        self.title.show()
        self.set_status(str(explanation))

    def show_paste_error(self, text: str) -> None:
        self.paste_error.setText(text)
        self.paste_error.show()

    def reset(self) -> None:
        """Back to the start: nothing done, nothing said."""
        self.stop_countdown()
        self._deadline = None
        self.countdown.clear()
        self.countdown.show()
        self.title.clear()
        self.title.hide()
        self.status.clear()
        self.url.clear()
        self.url_hint.clear()
        self.paste.clear()
        self.paste_error.hide()
        self.link_box.show()
        self.paste_box.show()
        self.cancel.setEnabled(True)
        self.cancel.show()
        for key in STEPS:
            self._set_step(key, "open")

    # -- slots -------------------------------------------------------------

    def _set_step(self, key: str, state: str) -> None:
        label = self._step_labels[key]
        text = _WAITING.get(key, STEPS[key]) if state == "doing" \
            else STEPS[key]
        label.setText(f"{_MARKS[state]} {text}")
        label.setEnabled(state != "open")
        self._step_states[key] = state

    def _tick(self) -> None:
        if self._deadline is None:
            return
        left = max(0, int(self._deadline - time.monotonic()))
        minutes, seconds = divmod(left, 60)
        self.countdown.setText(
            f"Sign-in code valid for {minutes}:{seconds:02d}" if left
            else "The sign-in code has expired.")
        if not left:
            self._timer.stop()

    def _copy_url(self) -> None:
        copy_text(self.url.text(), self.copy_url)

    def _submit_paste(self) -> None:
        text = self.paste.text()
        if text.strip():
            self.paste_error.hide()
            self.paste_submitted.emit(text)
