"""Fixtures of the end-to-end suite: a real X server, browser and keyring.

A part that is missing skips the tests that need it, with the reason; when
the CI variable is set the same tests fail instead, so that a CI run that
could not test the real thing does not pass.
"""

from __future__ import annotations

import os

# Qt reads this once, when pytest-qt creates the application: these tests
# draw on a real X server (the unit suite's conftest sets offscreen).
os.environ["QT_QPA_PLATFORM"] = "xcb"

import logging  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.e2e.support import (CHROMEDRIVER, CHROMIUM,  # noqa: E402
                               HOST_RULES, INBOX_VARIABLE, SHIM,
                               WAIT_SECONDS, BrowserInbox, missing)
from zelt_desktop import logs  # noqa: E402
from zelt_desktop.store.secrets import SecretStore  # noqa: E402
from zelt_desktop.store.tokens import TokenStore  # noqa: E402

PROBE_SECONDS = 10.0


def _x_server_reachable(display: str) -> bool:
    """True if ``display`` names a local X server whose socket exists."""
    if not display.startswith(":"):
        return True  # a TCP display: Qt will tell
    number = display[1:].split(".", 1)[0]
    return Path(f"/tmp/.X11-unix/X{number}").exists()


@pytest.fixture(scope="session", autouse=True)
def x_server():
    """Every test here needs a real X server (Xvfb in CI)."""
    display = os.environ.get("DISPLAY", "")
    if not display:
        missing("no X server: DISPLAY is not set (start Xvfb, see .ci/run)")
    if not _x_server_reachable(display):
        missing(f"no X server answers on DISPLAY={display}")
    return display


@pytest.fixture(scope="session")
def secret_service():
    """The Secret Service keyring backend, checked to be the one in use."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        missing("no D-Bus session bus (run inside dbus-run-session)")
    import keyring
    from keyring.backends import SecretService

    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        missing("no org.freedesktop.secrets on the session bus: keyring "
                f"chose {type(backend).__module__}.{type(backend).__name__}")
    _probe(backend)
    return backend


def _probe(backend) -> None:
    """Write, read and remove one entry: the collection is unlocked.

    Through SecretStore, whose calls give up after a timeout: a locked
    collection may wait forever on an unlock prompt nobody answers.
    """
    from zelt_desktop.errors import SecretStoreError
    from zelt_desktop.store.secrets import SecretStore

    store = SecretStore(backend, timeout=PROBE_SECONDS)
    try:
        store.set("e2e-probe", "probe-value-not-secret")
        value = store.get("e2e-probe")
        store.delete("e2e-probe")
    except SecretStoreError as e:
        missing(f"the Secret Service is not usable ({type(e).__name__}): "
                "start gnome-keyring-daemon --unlock, see .ci/run")
    if value != "probe-value-not-secret":
        missing("the Secret Service did not keep a test entry")


def _require_file(path: str, name: str) -> str:
    found = path if os.access(path, os.X_OK) else shutil.which(name)
    if not found:
        missing(f"{name} is not installed (apt-get install {name})")
    return found


@pytest.fixture
def chromium(tmp_path):
    """A headless Chromium driven by Selenium 4, with a fresh profile."""
    driver_path = _require_file(CHROMEDRIVER, "chromedriver")
    browser_path = _require_file(CHROMIUM, "chromium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    home = tmp_path / "chromium-home"
    home.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-quic", "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-features=HttpsUpgrades",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}",
                 f"--host-resolver-rules={HOST_RULES}"):
        options.add_argument(flag)
    # Chromium writes under HOME whatever the profile folder says.
    env = dict(os.environ, HOME=str(home))
    service = Service(executable_path=driver_path, env=env,
                      log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    yield driver
    driver.quit()


@pytest.fixture(scope="session", autouse=True)
def browser_shim(tmp_path_factory) -> Path:
    """One shim for the session: webbrowser reads BROWSER only once.

    Autouse: no test may start the desktop's real browser.
    """
    folder = tmp_path_factory.mktemp("browser")
    shim = folder / "browser-shim"
    shim.write_text(SHIM, encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BROWSER", str(shim))
        env.setenv(INBOX_VARIABLE, str(folder / "unclaimed-inbox"))
        yield shim


@pytest.fixture
def browser_inbox(browser_shim, tmp_path, monkeypatch) -> BrowserInbox:
    """Where the app's browser requests land during this test."""
    inbox = BrowserInbox(tmp_path / "browser-inbox", browser_shim)
    monkeypatch.setenv(INBOX_VARIABLE, str(inbox.path))
    return inbox


@pytest.fixture
def app_log(tmp_path):
    """The app's rotating log file, set up as the entry point does.

    The set-up touches process-wide loggers; they are put back after.
    """
    loggers = [logging.getLogger(), logging.getLogger("zelt_desktop")]
    saved = [(lg, list(lg.handlers), lg.level) for lg in loggers]
    path = logs.setup_logging(tmp_path / "logs", level=logging.DEBUG)
    yield path
    for logger, handlers, level in saved:
        for handler in logger.handlers[:]:
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)


@pytest.fixture
def forget(secret_service, tmp_path):
    """Removes the keyring entries of the profiles a test made."""
    profile_ids: list[str] = []
    yield profile_ids
    store = TokenStore(SecretStore(secret_service),
                       lock_dir=tmp_path / "locks")
    for profile_id in profile_ids:
        store.forget_profile(profile_id)
