"""The form for a Zelt app's credentials, with the advanced endpoints."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QToolButton, QVBoxLayout, QWidget)

from zelt_desktop.errors import InvalidSetting
from zelt_desktop.profiles import (AUTHORIZE_PATH, DEFAULT_BASE_URL,
                                   TOKEN_PATH, Profile)
from zelt_desktop.ui.field_checks import check_field

CLIENT_AUTH_LABELS = {
    "basic": "Zelt (Basic, raw id:secret)",
    "rfc6749": "Standard (RFC 6749, encoded id:secret)",
}
# field name -> (label, object name, placeholder)
_FIELDS = {
    "name": ("Name", "profileNameEdit", "Such as the company's name"),
    "client_id": ("Client ID", "clientIdEdit", "From the App credentials page"),
    "client_secret": ("Client secret", "clientSecretEdit",
                      "From the App credentials page"),
    "redirect_uri": ("Redirect URI", "redirectUriEdit",
                     "Exactly as registered in Zelt"),
    "base_url": ("Base URL", "baseUrlEdit", DEFAULT_BASE_URL),
    "authorize_url": ("Authorize URL", "authorizeUrlEdit", ""),
    "token_url": ("Token URL", "tokenUrlEdit", ""),
    "listen_url": ("Listener address", "listenUrlEdit",
                   "Same as the Redirect URI"),
    "issuer": ("Issuer", "issuerEdit", "Optional"),
}
_ADVANCED = ("base_url", "authorize_url", "token_url", "listen_url",
             "issuer")


class CredentialsForm(QWidget):
    """Client ID, secret and redirect URI, plus an Advanced section.

    ``with_name`` adds the connection's name (the profile editor);
    ``with_secret`` False leaves the secret out (it is entered at
    Connect); ``live_checks`` shows a tick or a hint under each field as
    it is typed (the first-run guide, the editor).

    Signals:
        edited(): any field changed.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None, *,
                 with_name: bool = False, with_secret: bool = True,
                 live_checks: bool = False) -> None:
        super().__init__(parent)
        self._profile = Profile(name="Zelt")
        self._live = live_checks
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._rows: dict[str, tuple[QFormLayout, QVBoxLayout]] = {}
        self.notice = QLabel(objectName="formNotice", wordWrap=True)
        # Notices and errors may quote what was typed: text, never markup.
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()

        basic = QFormLayout()
        names = (["name"] if with_name else []) + ["client_id"]
        names += (["client_secret"] if with_secret else []) + ["redirect_uri"]
        for name in names:
            self._add_row(basic, name)

        self.advanced_toggle = QToolButton(
            text="Advanced settings", checkable=True,
            objectName="advancedToggle")
        self.advanced_toggle.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced = QWidget(objectName="advancedGroup")
        advanced_form = QFormLayout(self.advanced)
        advanced_form.setContentsMargins(0, 0, 0, 0)
        self._add_row(advanced_form, "base_url")
        self._add_row(advanced_form, "authorize_url")
        self._add_row(advanced_form, "token_url")
        self.client_auth = QComboBox(objectName="clientAuthCombo")
        self.client_auth.setAccessibleName("Client authentication")
        for key, label in CLIENT_AUTH_LABELS.items():
            self.client_auth.addItem(label, key)
        self.client_auth.currentIndexChanged.connect(self.edited)
        advanced_form.addRow("Client authentication", self.client_auth)
        self._add_row(advanced_form, "listen_url")
        self._add_row(advanced_form, "issuer")
        self.advanced.hide()
        self.advanced_toggle.toggled.connect(self.show_advanced)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(basic)
        layout.addWidget(self.notice)
        layout.addWidget(self.advanced_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced)
        self.edits["base_url"].textChanged.connect(self._update_placeholders)
        if live_checks:
            self.clear_errors()

    def _add_row(self, form: QFormLayout, name: str) -> None:
        label, object_name, placeholder = _FIELDS[name]
        edit = QLineEdit(objectName=object_name, placeholderText=placeholder)
        edit.setAccessibleName(label)
        edit.textChanged.connect(self.edited)
        error = QLabel(objectName=object_name + "Error", wordWrap=True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.setAccessibleName(f"{label}: check")
        error.hide()
        if self._live:
            edit.textChanged.connect(lambda _, n=name: self._check(n))
        column = QVBoxLayout()
        column.setSpacing(2)
        if name == "client_secret":
            column.addLayout(self._secret_row(edit))
        else:
            column.addWidget(edit)
        column.addWidget(error)
        form.addRow(label, column)
        self.edits[name], self.errors[name] = edit, error
        self._rows[name] = (form, column)

    def _secret_row(self, edit: QLineEdit) -> QHBoxLayout:
        """The masked secret with a Show/Hide button beside it."""
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_toggle = QToolButton(text="Show", checkable=True,
                                         objectName="showSecretButton")
        self.secret_toggle.setAccessibleName("Show the client secret")
        self.secret_toggle.setToolTip("Show or hide the client secret")
        self.secret_toggle.toggled.connect(self._on_secret_toggle_toggled)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(self.secret_toggle)
        return row

    def _on_secret_toggle_toggled(self, shown: bool) -> None:
        self.edits["client_secret"].setEchoMode(
            QLineEdit.EchoMode.Normal if shown
            else QLineEdit.EchoMode.Password)
        self.secret_toggle.setText("Hide" if shown else "Show")

    def show_advanced(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def hide_all_but(self, *names: str) -> None:
        """Show only the rows of ``names`` (a rename needs the name)."""
        for name, (form, column) in self._rows.items():
            form.setRowVisible(column, name in names)
        if not set(names) & set(_ADVANCED):
            self.advanced_toggle.hide()
            self.advanced.hide()

    def _update_placeholders(self, base: str) -> None:
        base = (base.strip() or DEFAULT_BASE_URL).rstrip("/")
        self.edits["authorize_url"].setPlaceholderText(base + AUTHORIZE_PATH)
        self.edits["token_url"].setPlaceholderText(base + TOKEN_PATH)

    def set_profile(self, profile: Profile, secret: str | None = "") -> None:
        self._profile = profile
        for name, edit in self.edits.items():
            if name != "client_secret":
                edit.setText(getattr(profile, name))
        if secret is not None and "client_secret" in self.edits:
            self.edits["client_secret"].setText(secret)
        index = self.client_auth.findData(profile.client_auth)
        self.client_auth.setCurrentIndex(max(index, 0))
        self._update_placeholders(profile.base_url)
        self.clear_errors()

    def set_secret(self, secret: str) -> None:
        self.edits["client_secret"].setText(secret)

    def secret(self) -> str:
        edit = self.edits.get("client_secret")
        return edit.text().strip() if edit is not None else ""

    def profile(self) -> Profile:
        """The profile as typed (not trimmed, not checked)."""
        values = {name: edit.text() for name, edit in self.edits.items()
                  if name != "client_secret"}
        values["base_url"] = values["base_url"] or DEFAULT_BASE_URL
        values["client_auth"] = self.client_auth.currentData()
        return dataclasses.replace(self._profile, **values)

    def collect(self) -> tuple[Profile, str] | None:
        """Trim, check and return (profile, secret); None if a field is bad.

        Trimmed fields are written back and the user is told; a missing or
        malformed field is named next to it, before anything is sent.
        """
        self.clear_errors()
        profile, trimmed = self.profile().trimmed()
        trimmed = [name for name in trimmed if name in self.edits]
        raw_secret = (self.edits["client_secret"].text()
                      if "client_secret" in self.edits else "")
        if raw_secret != raw_secret.strip():
            trimmed.append("client_secret")
        for name in trimmed:
            edit = self.edits[name]
            edit.setText(edit.text().strip())
        if trimmed:
            labels = ", ".join(_FIELDS[name][0] for name in trimmed)
            self.show_notice(f"Removed spaces around: {labels}.")
        try:
            profile.validate()
        except InvalidSetting as e:
            self.show_field_error(e.field or "client_id", str(e))
            return None
        if "client_secret" in self.edits and not self.secret():
            self.show_field_error("client_secret", "Enter the Client secret.")
            return None
        self._profile = profile
        return profile, self.secret()

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def show_field_error(self, field: str, message: str) -> None:
        if field in _ADVANCED:
            self.advanced_toggle.setChecked(True)
        label = self.errors.get(field) or self.errors["client_id"]
        label.setText(f"⚠ {message}")
        label.show()
        self.edits.get(field, self.edits["client_id"]).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.notice.hide()
        if self._live:
            for name in self.edits:
                self._check(name)

    def check_text(self, field: str) -> str:
        """What the live check under ``field`` says ("" when silent)."""
        label = self.errors[field]
        return "" if label.isHidden() else label.text()

    def _check(self, field: str) -> None:
        """Tick or hint under ``field``, as the user types."""
        verdict = check_field(field, self.edits[field].text())
        label = self.errors[field]
        label.setText(str(verdict) if verdict else "")
        label.setVisible(verdict is not None)
