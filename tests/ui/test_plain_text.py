"""Names from Zelt or the user are shown as typed, never read as markup."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QRadioButton

from zelt_desktop.context import AppContext
from zelt_desktop.profiles import Profile, Settings
from zelt_desktop.ui.credentials_form import CredentialsForm
from zelt_desktop.ui.directory.detail import DetailPanel
from zelt_desktop.ui.first_run import SetupGuide
from zelt_desktop.ui.profile_book import ProfileBook
from zelt_desktop.ui.profile_dialog import ManageProfilesDialog
from zelt_desktop.zelt.employees import normalise

# Rich text would show a bold "x"; plain text shows all of it.
MARKUP = "<b>x</b>"
# A file name holds no "/": the entity would show as "&" in rich text.
FILE_NAME = "<b>x&amp;.html"


def assert_literal(widget, text: str = MARKUP) -> None:
    assert "<b>" in text and text in widget.text()
    assert widget.textFormat() == Qt.TextFormat.PlainText


@pytest.fixture
def dialog(qtbot, tmp_path, secret_store):
    context = AppContext.create(config_dir=tmp_path / "config",
                                secret_store=secret_store,
                                lock_dir=tmp_path / "locks")
    profile = Profile(name=MARKUP, client_id="plain-text-test-app")
    context.profiles.save(Settings([profile], profile.id))
    dialog = ManageProfilesDialog(ProfileBook(context))
    qtbot.addWidget(dialog)
    return dialog


def test_the_detail_title_shows_a_name_from_zelt_as_it_is(qtbot):
    panel = DetailPanel()
    qtbot.addWidget(panel)
    panel.show_employee(normalise({"userId": 7, "displayName": MARKUP}))
    assert panel.title.text() == MARKUP
    assert_literal(panel.title)


def test_the_connections_status_shows_a_typed_name_as_it_is(dialog):
    dialog.buttons["duplicate"].click()
    assert dialog.status.text().startswith(f"Added {MARKUP} (copy).")
    assert_literal(dialog.status, dialog.status.text())


def test_the_delete_confirmation_shows_a_typed_name_as_it_is(dialog):
    dialog.buttons["delete"].click()
    box = dialog.confirm
    assert box is not None
    assert_literal(box, repr(MARKUP))
    box.button(QMessageBox.StandardButton.No).click()
    assert dialog.confirm is None


def test_the_forms_notice_and_errors_show_text_as_it_is(qtbot):
    form = CredentialsForm(with_secret=True)
    qtbot.addWidget(form)
    form.show_notice(f"Removed spaces around: {MARKUP}.")
    form.show_field_error("client_id", f"{MARKUP} is not a Client ID.")
    assert_literal(form.notice, f"Removed spaces around: {MARKUP}.")
    for label in form.errors.values():
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert_literal(form.errors["client_id"], f"{MARKUP} is not a")


def test_the_relay_status_shows_the_chosen_path_as_it_is(qtbot, tmp_path):
    guide = SetupGuide(Profile(name="Zelt"), lambda profile: None)
    qtbot.addWidget(guide)
    guide.show()
    guide.next()
    page = guide.redirect
    page.findChild(QRadioButton, "guide_relay").click()
    path = tmp_path / FILE_NAME

    assert page.save_relay_page(str(path))

    assert path.exists()
    assert_literal(page.relay_status, FILE_NAME)
