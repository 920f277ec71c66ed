"""Manage connections…: add, edit, duplicate, rename and delete them."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout,
                               QLabel, QListView, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from zelt_desktop.errors import InputError, InvalidSetting
from zelt_desktop.profiles import Profile
from zelt_desktop.ui.credentials_form import CredentialsForm
from zelt_desktop.ui.messages import explain
from zelt_desktop.ui.profile_book import ProfileBook

log = logging.getLogger(__name__)

SECRET_NOTE = ("The Client secret is asked for when you connect; it is "
               "kept in this computer's password store, never in a file.")


class ProfileEditor(QDialog):
    """Every setting of one connection, saved through ``save``.

    ``save`` raises InvalidSetting (shown next to its field) or InputError
    (shown under the form); ``saved`` holds the profile once it worked.
    ``rename_only`` shows the name alone.
    """

    def __init__(self, profile: Profile, save: Callable[[Profile], None],
                 *, title: str, rename_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="profileEditor")
        self.setWindowTitle(title)
        self._save = save
        self.saved: Profile | None = None
        self.form = CredentialsForm(with_name=True, with_secret=False,
                                    live_checks=True)
        self.form.set_profile(profile, None)
        self.form.advanced_toggle.setChecked(True)
        note = QLabel(SECRET_NOTE, wordWrap=True)
        if rename_only:
            self.form.hide_all_but("name")
            note.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(
            QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveProfileButton")
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.form.edits["name"].setFocus()

    def try_save(self) -> None:
        collected = self.form.collect()
        if collected is None:
            return
        profile, _ = collected
        try:
            self._save(profile)
        except InvalidSetting as e:
            self.form.show_field_error(e.field or "name", str(e))
            return
        except InputError as e:
            self.form.show_notice(str(explain(e)))
            return
        self.saved = profile
        self.accept()


NO_CONNECTIONS = ("No connections yet. Click Add… and enter the details "
                  "of your Zelt app.")


class ManageProfilesDialog(QDialog):
    """The list of connections and what can be done with them.

    Signals:
        profile_saved(object): a Profile added or changed.
        profile_deleted(str): the id of a profile removed; its secrets are
            still in the store for the window to remove in a worker.
    """

    profile_saved = Signal(object)
    profile_deleted = Signal(str)

    def __init__(self, book: ProfileBook,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="manageProfilesDialog")
        self.setWindowTitle("Manage connections")
        self.book = book
        self.editor: ProfileEditor | None = None
        self.confirm: QMessageBox | None = None
        self._profiles: list[Profile] = []

        self.names = QStringListModel(self)
        self.list = QListView(objectName="profileList")
        self.list.setModel(self.names)
        self.list.setAccessibleName("Connections")
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.doubleClicked.connect(lambda _: self.edit())
        self.status = QLabel(objectName="manageStatus", wordWrap=True)
        # It names connections as typed: text, never markup.
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = {
            "add": self._button("&Add…", "addProfileButton",
                                "Add a connection", self.add),
            "edit": self._button("&Edit…", "editProfileButton",
                                 "Edit the chosen connection", self.edit),
            "duplicate": self._button(
                "D&uplicate", "duplicateProfileButton",
                "Duplicate the chosen connection", self.duplicate),
            "rename": self._button("&Rename…", "renameProfileButton",
                                   "Rename the chosen connection",
                                   self.rename),
            "delete": self._button("De&lete…", "deleteProfileButton",
                                   "Delete the chosen connection",
                                   self.delete),
        }
        self._lay_out()
        self.reload()

    def _button(self, text, name, accessible, slot) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setAccessibleName(accessible)
        button.clicked.connect(slot)
        return button

    def _lay_out(self) -> None:
        side = QVBoxLayout()
        for button in self.buttons.values():
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(close)

    # -- the list ----------------------------------------------------------

    def reload(self, select_id: str | None = None) -> None:
        try:
            self._profiles = self.book.profiles()
        except InputError as e:
            self._profiles = []
            self.status.setText(str(explain(e)))
        self.names.setStringList([p.name for p in self._profiles])
        ids = [p.id for p in self._profiles]
        row = ids.index(select_id) if select_id in ids else 0
        self.select_row(row)
        if self.book.read_only:
            self.status.setText("The demo's connection is shown but not "
                                "saved; it cannot be changed here.")
        elif not self._profiles and not self.status.text():
            self.status.setText(NO_CONNECTIONS)
        elif self._profiles and self.status.text() == NO_CONNECTIONS:
            self.status.clear()
        for button in self.buttons.values():
            button.setEnabled(not self.book.read_only)
        has_one = bool(self._profiles) and not self.book.read_only
        for key in ("edit", "duplicate", "rename", "delete"):
            self.buttons[key].setEnabled(has_one)

    def select_row(self, row: int) -> None:
        self.list.setCurrentIndex(self.names.index(row, 0))

    def chosen(self) -> Profile | None:
        row = self.list.currentIndex().row()
        return self._profiles[row] if 0 <= row < len(self._profiles) else None

    # -- the actions -------------------------------------------------------

    def add(self) -> None:
        profile = Profile(name=self.book.free_name("New connection"))
        self._open_editor(profile, "Add a connection")

    def edit(self) -> None:
        profile = self.chosen()
        if profile is not None:
            self._open_editor(profile, f"Edit {profile.name}")

    def rename(self) -> None:
        profile = self.chosen()
        if profile is not None:
            self._open_editor(profile, f"Rename {profile.name}",
                              rename_only=True)

    def duplicate(self) -> None:
        profile = self.chosen()
        if profile is None:
            return
        try:
            copy = self.book.duplicate(profile)
        except InputError as e:
            self.status.setText(str(explain(e)))
            return
        self.status.setText(f"Added {copy.name}. Enter its Client secret "
                            "when you connect.")
        self.reload(copy.id)
        self.profile_saved.emit(copy)

    def delete(self) -> None:
        profile = self.chosen()
        if profile is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, "Delete connection",
            f"Delete the connection {profile.name!r}? Its client secret "
            "and sign-in are removed from this computer too.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the typed name
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.buttonClicked.connect(
            lambda button: self._on_confirm_clicked(profile, box, button))
        self.confirm = box
        box.open()

    def _on_confirm_clicked(self, profile: Profile, box: QMessageBox,
                            button) -> None:
        self.confirm = None
        if box.standardButton(button) != QMessageBox.StandardButton.Yes:
            return
        try:
            self.book.remove(profile.id)
        except InputError as e:
            self.status.setText(str(explain(e)))
            return
        self.status.setText(f"Deleted {profile.name}.")
        self.reload()
        self.profile_deleted.emit(profile.id)

    def _open_editor(self, profile: Profile, title: str, *,
                     rename_only: bool = False) -> None:
        if rename_only:
            original = profile

            def save(edited: Profile) -> None:
                self.book.put(dataclasses.replace(original,
                                                  name=edited.name))
        else:
            save = self.book.put
        editor = ProfileEditor(profile, save, title=title,
                               rename_only=rename_only, parent=self)
        editor.accepted.connect(lambda: self._on_editor_accepted(editor))
        self.editor = editor
        editor.open()

    def _on_editor_accepted(self, editor: ProfileEditor) -> None:
        self.editor = None
        saved = self.book.find(editor.saved.id) if editor.saved else None
        if saved is None:
            return
        self.status.setText(f"Saved {saved.name}.")
        self.reload(saved.id)
        self.profile_saved.emit(saved)
