"""The window's menus and toolbar, and the dialogs they open."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

from zelt_desktop import diagnostics
from zelt_desktop.errors import InputError
from zelt_desktop.profiles import Profile
from zelt_desktop.ui.first_run import SetupGuide
from zelt_desktop.ui.messages import explain
from zelt_desktop.ui.profile_dialog import ManageProfilesDialog
from zelt_desktop.ui.profile_switcher import ProfileSwitcher

log = logging.getLogger(__name__)

COPIED = ("Diagnostics copied to the clipboard: paste them into your "
          "message to IT support.")


class WindowActions(QObject):
    """File, Connections and Help, the connection switcher, and dialogs.

    The window is a MainWindow; these call its public methods.

    Signals:
        diagnostics_copied(str): the report put on the clipboard.
    """

    diagnostics_copied = Signal(str)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.manage: ManageProfilesDialog | None = None
        self.guide: SetupGuide | None = None
        self._build_file_menu()
        self._build_connections()
        self._build_help_menu()

    def _action(self, text: str, slot, *, shortcuts=(),
                enabled: bool = True) -> QAction:
        action = QAction(text, self.window, enabled=enabled)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(slot)
        return action

    def _build_file_menu(self) -> None:
        window = self.window
        self.refresh = self._action("&Refresh", window.refresh,
                                    shortcuts=("F5", "Ctrl+R"),
                                    enabled=False)
        self.disconnect = self._action("&Disconnect", window.disconnect,
                                       enabled=False)
        quit_action = self._action("&Quit", window.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        menu = window.menuBar().addMenu("&File")
        for action in (self.refresh, self.disconnect, quit_action):
            menu.addAction(action)

    def _build_connections(self) -> None:
        self.switcher = ProfileSwitcher()
        self.switcher.profile_chosen.connect(self.window.switch_profile)
        toolbar = QToolBar("Connection", objectName="connectionToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.switcher)
        self.manage_action = self._action("&Manage connections…",
                                          self.manage_profiles)
        toolbar.addAction(self.manage_action)
        self.window.addToolBar(toolbar)
        menu = self.window.menuBar().addMenu("&Connections")
        menu.addAction(self.manage_action)

    def _build_help_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&Help")
        self.guide_action = self._action("&Setup guide",
                                         self.show_setup_guide)
        self.diagnostics_action = self._action("&Copy diagnostics",
                                               self.copy_diagnostics)
        about = self._action("&About Zelt Desktop", self.show_about)
        for action in (self.guide_action, self.diagnostics_action, about):
            menu.addAction(action)

    # -- connections -------------------------------------------------------

    def refresh_switcher(self) -> None:
        book, profile = self.window.book, self.window.profile
        try:
            profiles = book.profiles()
        except InputError as e:
            self.window.statusBar().showMessage(str(explain(e)))
            profiles = []
        self.switcher.set_profiles(profiles, profile.id if profile else None)
        self.manage_action.setEnabled(not book.read_only)

    def manage_profiles(self) -> ManageProfilesDialog:
        if self.manage is None:
            self.manage = ManageProfilesDialog(self.window.book, self.window)
            self.manage.profile_saved.connect(self.window.profile_edited)
            self.manage.profile_deleted.connect(self.window.profile_deleted)
            self.manage.finished.connect(self._on_manage_finished)
        profile = self.window.profile
        self.manage.reload(profile.id if profile else None)
        _bring_up(self.manage)
        return self.manage

    def _on_manage_finished(self) -> None:
        dialog, self.manage = self.manage, None
        if dialog is not None:
            dialog.deleteLater()

    # -- help --------------------------------------------------------------

    def show_setup_guide(self) -> SetupGuide:
        if self.guide is None:
            start = self.window.profile or Profile(name="Zelt")
            self.guide = SetupGuide(start, self.window.book.put, self.window)
            self.guide.details_chosen.connect(self.window.use_details)
            self.guide.finished.connect(self._on_guide_finished)
        _bring_up(self.guide)
        return self.guide

    def close_dialogs(self) -> None:
        for dialog in (self.manage, self.guide):
            if dialog is not None:
                dialog.close()

    def _on_guide_finished(self) -> None:
        guide, self.guide = self.guide, None
        if guide is not None:
            guide.deleteLater()

    def copy_diagnostics(self) -> None:
        """Collect the report in a worker, then put it on the clipboard."""
        window = self.window
        profile = window.saved_profile()
        window.statusBar().showMessage("Collecting diagnostics…")
        window.workers.start(
            "diagnostics",
            lambda: diagnostics.render(diagnostics.collect(window.context,
                                                           profile)),
            on_success=self._on_diagnostics_collected,
            on_failure=lambda e: window.statusBar().showMessage(
                str(explain(e))))

    def _on_diagnostics_collected(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.window.statusBar().showMessage(COPIED, 10_000)
        log.info("diagnostics copied (%d chars)", len(text))
        self.diagnostics_copied.emit(text)

    def show_about(self) -> None:
        from zelt_desktop.ui.about import show_about
        show_about(self.window)


def _bring_up(dialog) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
