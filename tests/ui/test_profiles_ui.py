"""Profiles in the window: switcher, last used, manage, demo, --profile."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.helpers import free_port
from tests.ui.test_main_window import (SECRET, WAIT_MS, Browser,  # noqa: F401
                                       app_profile, browser, context,
                                       fill_and_connect, make_window)
from zelt_desktop.context import AppContext
from zelt_desktop.profiles import Profile, Settings
from zelt_desktop.ui.main_window import MainWindow
from zelt_desktop.ui.settings import MemorySettings


@pytest.fixture
def second_profile(app_profile):
    """Another connection to the same sandbox app, saved after the first."""
    return dataclasses.replace(app_profile, name="Second company",
                               id="second-profile-id")


def save(context, *profiles, last=None) -> None:
    context.profiles.save(Settings(list(profiles), last))


def switch(qtbot, window, profile_id: str) -> None:
    with qtbot.waitSignal(window.profile_opened, timeout=WAIT_MS):
        window.switch_profile(profile_id)


def port_is_free(uri: str) -> bool:
    import socket
    port = int(uri.split(":")[2].split("/")[0])
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# -- the switcher and the last used --------------------------------------

def test_switcher_lists_profiles_and_opens_the_last_used(
        qtbot, context, app_profile, second_profile):
    save(context, second_profile, app_profile, last=second_profile.id)

    window = make_window(qtbot, context)

    switcher = window.menus.switcher
    assert switcher.combo.objectName() == "profileCombo"
    assert switcher.names() == ["Second company", "Test company"]
    assert switcher.current_id() == second_profile.id
    assert window.profile.id == second_profile.id
    form = window.sign_in.form
    assert form.edits["client_id"].text() == "test-client"


def test_switching_opens_stored_tokens_else_the_form(
        qtbot, context, app_profile, second_profile, browser):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)
    context.profiles.save(_with(context, second_profile))

    switch(qtbot, window, second_profile.id)

    assert window.connection is None
    assert window.pages.currentWidget() is window.sign_in
    assert window.connected_label.text() == "Not connected"
    assert window.sign_in.form.secret() == ""
    assert context.profiles.load().last_profile_id == second_profile.id
    assert context.tokens().load(app_profile.id) is not None

    browser.urls.clear()
    with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS) as got:
        window.menus.switcher.combo.activated.emit(
            window.menus.switcher.combo.findData(app_profile.id))
    assert got.args[0] == 250
    assert browser.urls == []
    assert context.profiles.load().last_profile_id == app_profile.id


def test_switching_cancels_a_sign_in_in_progress(
        qtbot, context, app_profile, second_profile):
    context.open_browser = Browser(button=None).open
    save(context, app_profile, second_profile, last=app_profile.id)
    window = make_window(qtbot, context)
    window.sign_in.set_profile(app_profile, SECRET)
    window.sign_in.connect_button.click()
    qtbot.waitUntil(lambda: window.sign_in.sign_in is not None,
                    timeout=WAIT_MS)
    assert not port_is_free(app_profile.redirect_uri)

    switch(qtbot, window, second_profile.id)

    assert window.sign_in.sign_in is None
    assert window.sign_in.panel.isHidden()
    qtbot.waitUntil(lambda: port_is_free(app_profile.redirect_uri),
                    timeout=WAIT_MS)


def test_profile_option_opens_that_profile(qtbot, context, app_profile,
                                           second_profile):
    save(context, app_profile, second_profile, last=app_profile.id)

    window = MainWindow(context, profile_name="SECOND company",
                        ui_settings=MemorySettings())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=WAIT_MS):
        window.show()

    assert window.profile.id == second_profile.id
    assert context.profiles.load().last_profile_id == second_profile.id


def test_unknown_profile_option_says_so_and_opens_the_last_used(
        qtbot, context, app_profile, second_profile, expect_warning):
    expect_warning("no profile named as --profile asked")
    save(context, app_profile, second_profile, last=app_profile.id)

    window = MainWindow(context, profile_name="Nobody",
                        ui_settings=MemorySettings())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=WAIT_MS):
        window.show()

    assert window.profile.id == app_profile.id
    assert "Nobody" in window.statusBar().currentMessage()


# -- managing connections -------------------------------------------------

def test_add_saves_every_field_and_opens_the_first_profile(
        qtbot, context, sandbox):
    window = make_window(qtbot, context)
    assert window.menus.switcher.names() == []
    dialog = window.menus.manage_profiles()

    dialog.buttons["add"].click()
    editor = dialog.editor
    values = {"name": "Acme", "client_id": "acme-client",
              "redirect_uri": "https://relay.example.test/zelt",
              "base_url": sandbox.base_url,
              "listen_url": f"http://127.0.0.1:{free_port()}/callback",
              "issuer": "https://issuer.example.test"}
    for name, value in values.items():
        editor.form.edits[name].setText(value)
    assert "client_secret" not in editor.form.edits
    with qtbot.waitSignal(window.profile_opened, timeout=WAIT_MS):
        editor.save_button.click()

    saved = context.profiles.load().find("acme")
    assert {k: getattr(saved, k) for k in values} == values
    assert window.profile.id == saved.id
    assert window.menus.switcher.names() == ["Acme"]
    assert dialog.names.stringList() == ["Acme"]


def test_names_are_unique_regardless_of_case(qtbot, context, app_profile,
                                             second_profile):
    save(context, app_profile, second_profile, last=app_profile.id)
    window = make_window(qtbot, context)
    dialog = window.menus.manage_profiles()
    dialog.select_row(0)  # "Second company"

    dialog.buttons["rename"].click()
    editor = dialog.editor
    editor.form.edits["name"].setText("test COMPANY")
    editor.save_button.click()

    error = editor.form.errors["name"]
    assert "exists already" in error.text() and not error.isHidden()
    assert editor.isVisible()
    assert context.profiles.load().find(second_profile.id).name == \
        "Second company"


def test_rename_keeps_the_id_and_the_connection(qtbot, context, app_profile):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)
    dialog = window.menus.manage_profiles()

    dialog.buttons["rename"].click()
    dialog.editor.form.edits["name"].setText("Renamed company")
    dialog.editor.save_button.click()

    assert context.profiles.load().find(app_profile.id).name == \
        "Renamed company"
    assert window.connection is not None
    assert window.menus.switcher.names() == ["Renamed company"]


def test_duplicate_copies_settings_but_not_secrets(
        qtbot, context, app_profile, secret_store):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)
    dialog = window.menus.manage_profiles()

    dialog.buttons["duplicate"].click()

    settings = context.profiles.load()
    copy = settings.find("Test company (copy)")
    assert copy is not None and copy.id != app_profile.id
    assert dataclasses.replace(copy, id=app_profile.id,
                               name=app_profile.name) == app_profile
    assert context.tokens().load_client_secret(copy.id) is None
    assert context.tokens().load(copy.id) is None
    assert not [n for n in secret_store.backend.names()
                if n.startswith(copy.id)]


def _delete(qtbot, dialog, answer):
    dialog.buttons["delete"].click()
    box = dialog.confirm
    assert box is not None and box.isVisible()
    box.button(answer).click()


def test_delete_asks_then_removes_the_profile_and_its_secrets(
        qtbot, context, app_profile, second_profile, secret_store):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)
    context.profiles.save(_with(context, second_profile))
    dialog = window.menus.manage_profiles()
    dialog.reload(app_profile.id)

    _delete(qtbot, dialog, QMessageBox.StandardButton.No)
    assert context.profiles.load().find(app_profile.id) is not None

    with qtbot.waitSignal(window.profile_opened, timeout=WAIT_MS):
        _delete(qtbot, dialog, QMessageBox.StandardButton.Yes)

    assert context.profiles.load().find(app_profile.id) is None
    qtbot.waitUntil(lambda: not [n for n in secret_store.backend.names()
                                 if n.startswith(app_profile.id)],
                    timeout=WAIT_MS)
    assert window.connection is None
    assert window.profile.id == second_profile.id
    assert window.menus.switcher.names() == ["Second company"]


def test_editing_the_profile_in_use_reopens_it(qtbot, context, app_profile,
                                               sandbox):
    window = make_window(qtbot, context)
    fill_and_connect(qtbot, window, app_profile)
    dialog = window.menus.manage_profiles()
    dialog.buttons["edit"].click()
    dialog.editor.form.edits["issuer"].setText(sandbox.base_url)

    with qtbot.waitSignal(window.employees_loaded, timeout=WAIT_MS):
        dialog.editor.save_button.click()

    assert window.connection.profile.issuer == sandbox.base_url


def test_demo_profile_is_shown_but_never_saved(qtbot, tmp_path,
                                               secret_store, app_profile):
    context = AppContext.create(config_dir=tmp_path / "config",
                                secret_store=secret_store,
                                lock_dir=tmp_path / "locks",
                                profile_override=app_profile,
                                override_secret=SECRET)

    window = make_window(qtbot, context)
    dialog = window.menus.manage_profiles()

    assert window.menus.switcher.names() == ["Test company"]
    assert not window.menus.manage_action.isEnabled()
    assert not any(b.isEnabled() for b in dialog.buttons.values())
    assert not (tmp_path / "config" / "settings.json").exists()


def _with(context, profile) -> Settings:
    settings = context.profiles.load()
    settings.put(profile)
    return settings


# -- keyboard and screen readers -----------------------------------------

def _unnamed(root) -> list[str]:
    """Controls under ``root`` that a screen reader could not name."""
    from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView,
                                   QComboBox, QLineEdit)
    def in_combo(widget) -> bool:  # a combo's own popup list
        while widget is not None and not isinstance(widget, QComboBox):
            widget = widget.parentWidget()
        return widget is not None

    named = [w for kind in (QLineEdit, QComboBox, QAbstractItemView)
             for w in root.findChildren(kind)
             if not w.accessibleName() and not in_combo(w.parentWidget())]
    named += [w for w in root.findChildren(QAbstractButton)
              if not (w.accessibleName() or w.text())]
    return [w.objectName() or type(w).__name__ for w in named]


def _tab_order(start) -> list[str]:
    from PySide6.QtCore import Qt
    order, widget = [], start
    while True:
        if (widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            order.append(widget.objectName())
        widget = widget.nextInFocusChain()
        if widget is start:
            return order


def test_window_parts_are_named_and_tab_in_reading_order(
        qtbot, context, app_profile):
    save(context, app_profile, last=app_profile.id)
    window = make_window(qtbot, context)
    window.sign_in.form.show_advanced(True)
    window.sign_in.panel.show()
    dialog = window.menus.manage_profiles()
    dialog.buttons["edit"].click()

    for root in (window.sign_in, window.menus.switcher, dialog,
                 dialog.editor):
        assert _unnamed(root) == [], root
    order = [name for name in _tab_order(window.menus.switcher.combo)
             if name]
    assert order == [
        "profileCombo", "clientIdEdit", "clientSecretEdit",
        "showSecretButton", "redirectUriEdit", "advancedToggle",
        "baseUrlEdit", "authorizeUrlEdit", "tokenUrlEdit",
        "clientAuthCombo", "listenUrlEdit", "issuerEdit", "connectButton",
        "startedInZeltCheck", "consentUrlEdit", "copyUrlButton",
        "pasteEdit", "usePasteButton", "cancelButton"]


def test_an_empty_list_of_connections_says_what_to_do(qtbot, tmp_path):
    from zelt_desktop.context import AppContext
    from zelt_desktop.profiles import Profile
    from zelt_desktop.ui.profile_book import ProfileBook
    from zelt_desktop.ui.profile_dialog import (NO_CONNECTIONS,
                                                ManageProfilesDialog)
    book = ProfileBook(AppContext.create(config_dir=tmp_path))
    dialog = ManageProfilesDialog(book)
    qtbot.addWidget(dialog)
    assert dialog.status.text() == NO_CONNECTIONS

    book.put(Profile(name="Acme", client_id="acme"))
    dialog.reload()

    assert dialog.status.text() == ""
