"""The setup guide: what to ask the Zelt admin for, and a check of it all.

Shown on the first start (no connection yet) and from Help → Setup
guide.  The facts come from Zelt's "Create an app" and "Permissions"
pages (zelt-api.md, "Setting up an app").
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QFileDialog, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QRadioButton,
                               QVBoxLayout, QWidget, QWizard, QWizardPage)

from zelt_desktop.errors import InputError, InvalidSetting
from zelt_desktop.profiles import (DEFAULT_REDIRECT_URI, Profile,
                                   is_loopback_uri)
from zelt_desktop.relay import write_relay_page
from zelt_desktop.ui.clipboard import copy_text
from zelt_desktop.ui.credentials_form import CredentialsForm
from zelt_desktop.ui.messages import explain

log = logging.getLogger(__name__)

SCOPE = "user:read:all"
ASK_ADMIN = (
    "<p>Zelt Desktop reaches Zelt through an <i>app</i> that a Zelt admin "
    "creates for your company. Ask your admin to:</p><ol>"
    "<li>open <b>Settings → Security → Developer Hub → Build Apps</b> in "
    "Zelt and create an app (any name and description);</li>"
    "<li>register the Redirect URI shown on the next page;</li>"
    "<li>give the app the permission named on the page after;</li>"
    "<li>send you the app's <b>Client ID</b> and <b>Client secret</b> from "
    "its <b>App credentials</b> page.</li></ol>"
    "<p>Treat the Client secret like a password: have it sent privately, "
    "never in a shared chat.</p>")
REFUSED = (
    "Zelt's own guide asks for a public https address, and some Zelt "
    "accounts refuse the address above. If yours does, choose one way:")
RELAY = (
    "A relay page is a small web page that Zelt Desktop writes for you. "
    "Your admin puts it on any https address the company controls and "
    "registers that address in Zelt. After you allow access, the page "
    "sends your browser on to Zelt Desktop on this computer. The "
    "trade-off: the web server that hosts the page sees the sign-in code "
    "in its access log. That code works once, for 3 minutes, and is "
    "useless without the Client secret, which stays on this computer. "
    "Browsers may one day ask before a public page sends them to this "
    "computer; if that happens, paste the address instead: the paste box "
    "is always there.")
PASTE = (
    "After you allow access, your browser opens the registered address; "
    "the page it shows does not matter. Copy the whole address from the "
    "browser's address bar and paste it into the box in Zelt Desktop.")
SCOPES = (
    f"<p>On the app's <b>Permissions</b> tab, the admin gives the app the "
    f"scope <b>{SCOPE}</b>, so that the directory can show names, emails, "
    "jobs, departments and sites.</p>"
    "<p>If the list stays empty or columns stay blank, the app usually "
    "lacks a scope: Zelt then answers with less, not with an error.</p>"
    "<p>Scopes added later reach only new sign-ins: after the admin adds "
    "one, click <b>Reconnect</b> in Zelt Desktop.</p>")
CHECK = ("Each field shows a tick when it looks right, or what to fix. "
         "Nothing is sent to Zelt until you click Connect to Zelt.")
# The ways in when Zelt refuses a loopback redirect URI.
LOOPBACK, WITH_RELAY, WITH_PASTE = "loopback", "relay", "paste"


def _text(html: str, name: str = "") -> QLabel:
    label = QLabel(html, wordWrap=True, objectName=name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _page(title: str, *widgets: QWidget) -> QWizardPage:
    page = QWizardPage()
    page.setTitle(title)
    layout = QVBoxLayout(page)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return page


class RedirectPage(QWizardPage):
    """The redirect URI to register, and the way in if Zelt refuses it."""

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.setTitle("The address to register in Zelt")
        self.loopback = QLineEdit(_loopback_of(profile), readOnly=True,
                                  objectName="guideRedirectEdit")
        self.loopback.setAccessibleName("Redirect URI to register")
        self.copy_button = QPushButton("&Copy", objectName="guideCopyButton")
        self.copy_button.setAccessibleName("Copy the Redirect URI")
        self.copy_button.clicked.connect(self.copy_redirect_uri)
        self.choices = QButtonGroup(self)
        self.public = QLineEdit(objectName="guidePublicEdit",
                                placeholderText="https://…")
        self.public.setAccessibleName("The https address registered in Zelt")
        self.relay_button = QPushButton("&Save relay page…",
                                        objectName="saveRelayButton")
        self.relay_button.setAccessibleName("Save the relay page to a file")
        self.relay_button.clicked.connect(self._ask_relay_path)
        self.relay_status = _text("", "relayStatus")
        # It quotes a path the user chose: text, never markup.
        self.relay_status.setTextFormat(Qt.TextFormat.PlainText)
        self._lay_out()
        self._choose(_way_of(profile))
        if not is_loopback_uri(profile.redirect_uri):
            self.public.setText(profile.redirect_uri)

    def _lay_out(self) -> None:
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.loopback, 1)
        copy_row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(_text("Ask your admin to register this Redirect "
                               "URI for the app, exactly as written:"))
        layout.addLayout(copy_row)
        layout.addWidget(_text(REFUSED))
        for key, text in ((LOOPBACK, "Zelt &accepted the address above"),
                          (WITH_RELAY, "Use a &relay page (nobody pastes "
                                       "anything)"),
                          (WITH_PASTE, "&Paste the address back by hand")):
            button = QRadioButton(text, objectName=f"guide_{key}")
            button.setAccessibleName(text.replace("&", ""))
            button.toggled.connect(self._update)
            self.choices.addButton(button)
            layout.addWidget(button)
        layout.addWidget(_text("The https address registered in Zelt:"))
        layout.addWidget(self.public)
        self.relay_text = _text(RELAY)
        self.paste_text = _text(PASTE)
        layout.addWidget(self.relay_text)
        layout.addWidget(self.relay_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.relay_status)
        layout.addWidget(self.paste_text)
        layout.addStretch(1)

    def way(self) -> str:
        checked = self.choices.checkedButton()
        if checked is None:
            return LOOPBACK
        return checked.objectName().removeprefix("guide_")

    def _choose(self, way: str) -> None:
        for button in self.choices.buttons():
            button.setChecked(button.objectName() == f"guide_{way}")
        self._update()

    def _update(self) -> None:
        way = self.way()
        self.public.setEnabled(way != LOOPBACK)
        self.relay_text.setVisible(way == WITH_RELAY)
        self.relay_button.setVisible(way == WITH_RELAY)
        self.relay_status.setVisible(way == WITH_RELAY)
        self.paste_text.setVisible(way == WITH_PASTE)

    def apply_to(self, profile: Profile) -> Profile:
        """``profile`` with the redirect URI and listener of this choice."""
        loopback, public = self.loopback.text(), self.public.text().strip()
        if self.way() == LOOPBACK or not public:
            return dataclasses.replace(profile, redirect_uri=loopback,
                                       listen_url="")
        listen = loopback if self.way() == WITH_RELAY else ""
        return dataclasses.replace(profile, redirect_uri=public,
                                   listen_url=listen)

    def copy_redirect_uri(self) -> None:
        copy_text(self.loopback.text(), self.copy_button)

    def _ask_relay_path(self) -> None:
        dialog = QFileDialog(self, "Save relay page", "zelt-relay.html",
                             "Web page (*.html)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(self.save_relay_page)
        dialog.open()

    def save_relay_page(self, path: str) -> bool:
        """Write the relay page that forwards to the listener address."""
        profile = Profile(name="relay", listen_url=self.loopback.text())
        try:
            written = write_relay_page(profile, path)
        except (InvalidSetting, InputError) as e:
            self.relay_status.setText(f"⚠ {explain(e)}")
            return False
        self.relay_status.setText(
            f"✓ Saved to {written}. Your admin publishes this file at an "
            "https address and registers that address in Zelt; type it "
            "above.")
        return True


class CheckPage(QWizardPage):
    """Every field of the connection, checked as it is typed."""

    def __init__(self, guide: SetupGuide) -> None:
        super().__init__()
        self.setTitle("Check your details")
        self.setSubTitle(CHECK)
        self.guide = guide
        self.form = CredentialsForm(with_name=True, live_checks=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)

    def initializePage(self) -> None:  # noqa: N802 - Qt
        typed = self.form.profile()
        profile = self.guide.redirect.apply_to(typed)
        self.form.set_profile(profile, None)

    def validatePage(self) -> bool:  # noqa: N802 - Qt
        return self.guide.finish()


class SetupGuide(QWizard):
    """A few pages for non-technical staff; non-modal.

    ``save`` stores the profile (raising InvalidSetting or InputError).

    Signals:
        details_chosen(object, str): the saved Profile and the typed
            client secret, for the window to fill in before Connect.
    """

    details_chosen = Signal(object, str)

    def __init__(self, profile: Profile, save: Callable[[Profile], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="setupGuide")
        self.setWindowTitle("Set up Zelt Desktop")
        self.setModal(False)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setButtonText(QWizard.WizardButton.FinishButton,
                           "Use these details")
        self._save = save
        self.redirect = RedirectPage(profile)
        self.check = CheckPage(self)
        self.check.form.set_profile(profile, "")
        for page in (_page("What to ask your Zelt admin for",
                           _text(ASK_ADMIN, "guideAskAdmin")),
                     self.redirect,
                     _page("Permissions (scopes)",
                           _text(SCOPES, "guideScopes")),
                     self.check):
            self.addPage(page)
        self.resize(640, 560)

    def finish(self) -> bool:
        """Save the checked details; False keeps the guide open."""
        collected = self.check.form.collect()
        if collected is None:
            return False
        profile, secret = collected
        try:
            self._save(profile)
        except InvalidSetting as e:
            self.check.form.show_field_error(e.field or "name", str(e))
            return False
        except InputError as e:
            self.check.form.show_notice(str(explain(e)))
            return False
        log.info("setup guide saved profile %s", profile.id)
        self.details_chosen.emit(profile, secret)
        return True


def _loopback_of(profile: Profile) -> str:
    """The loopback address the guide proposes for ``profile``."""
    if profile.listen_url:
        return profile.listen_url
    if is_loopback_uri(profile.redirect_uri):
        return profile.redirect_uri
    return DEFAULT_REDIRECT_URI


def _way_of(profile: Profile) -> str:
    if profile.listen_url:
        return WITH_RELAY
    return LOOPBACK if is_loopback_uri(profile.redirect_uri) else WITH_PASTE
