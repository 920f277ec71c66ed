"""Steps that the end-to-end tests share: a window, a consent, a record."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.support import WAIT_SECONDS
from zelt_desktop.context import AppContext
from zelt_desktop.store.secrets import SERVICE, SecretStore
from zelt_desktop.ui.app import build_window

CLIENT_ID = "e2e-client"
CLIENT_SECRET = "test-secret-not-real"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WAIT_MS = int(WAIT_SECONDS * 1000)


class Recorder:
    """What the window announced through its signals."""

    def __init__(self, window) -> None:
        self.connected: list[str] = []
        self.loaded: list[int] = []
        self.failed: list[str] = []
        window.connected.connect(self.connected.append)
        window.employees_loaded.connect(self.loaded.append)
        window.connect_failed.connect(self.failed.append)
        window.load_failed.connect(self.failed.append)


def open_window(qtbot, config_dir: Path, backend, *, lock_dir: Path):
    """The real window over a config folder and the Secret Service."""
    context = AppContext.create(config_dir=config_dir,
                                secret_store=SecretStore(backend),
                                lock_dir=lock_dir)
    window = build_window(context)
    qtbot.addWidget(window)
    recorder = Recorder(window)
    with qtbot.waitSignal(window.ready, timeout=WAIT_MS):
        window.show()
    qtbot.waitExposed(window)
    return window, recorder


def child(window, kind: type[QWidget], name: str):
    widget = window.findChild(kind, name)
    assert widget is not None, f"the window has no {name}"
    return widget


def fill_form(window, *, redirect_uri: str, base_url: str) -> None:
    """Type the app's credentials as a user copies them from Zelt."""
    values = {"clientIdEdit": CLIENT_ID, "clientSecretEdit": CLIENT_SECRET,
              "redirectUriEdit": redirect_uri, "baseUrlEdit": base_url}
    for name, value in values.items():
        edit = child(window, QLineEdit, name)
        edit.clear()
        edit.insert(value)


def consent(chromium, url: str, button: str, redirect_uri: str) -> str:
    """Press ``button`` on the consent page; return where Chromium landed."""
    chromium.get(url)
    WebDriverWait(chromium, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.ID, button))
    chromium.find_element(By.ID, button).click()
    WebDriverWait(chromium, WAIT_SECONDS).until(
        lambda d: d.current_url.startswith(redirect_uri))
    return chromium.current_url


def wait_loaded(qtbot, recorder: Recorder) -> None:
    qtbot.waitUntil(lambda: bool(recorder.loaded or recorder.failed),
                    timeout=WAIT_MS)
    assert not recorder.failed, recorder.failed


def step_texts(window) -> list[str]:
    steps = child(window, QWidget, "stepsList")
    return [label.text() for label in steps.findChildren(QLabel)]


def stored_record(backend, profile_id: str) -> dict:
    """The token record of a profile, read back from the keyring itself.

    The pointer ``ID/tokens`` names the generation and chunk count; the
    record is the chunks ``ID/tokens/GEN/N`` joined (architecture.md).
    """
    pointer = json.loads(backend.get_password(SERVICE, f"{profile_id}/tokens"))
    generation = pointer["generation"]
    text = "".join(
        backend.get_password(SERVICE, f"{profile_id}/tokens/{generation}/{n}")
        for n in range(pointer["chunks"]))
    return json.loads(text)


def screenshot(widget, name: str) -> Path:
    """Save what ``widget`` shows to docs/screenshots (the README's)."""
    QApplication.processEvents()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    assert widget.grab().save(str(path), "PNG"), f"could not write {path}"
    return path
