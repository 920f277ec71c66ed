"""The packaged app (build.spec): self-test, no streams, a real consent."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e import flow
from tests.e2e.support import WAIT_SECONDS, missing, wait_until
from zelt_desktop.demo import DEMO_PROFILE_ID
from zelt_desktop.store.secrets import SERVICE

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "zelt-desktop"
BUILD_SECONDS = 600
RUN_SECONDS = 180
LOADED = "directory loaded: 250 employees"
DEMO_ENTRIES = (f"{DEMO_PROFILE_ID}/tokens",
                f"{DEMO_PROFILE_ID}/client-secret")
CACHE = ROOT / "build" / "pyinstaller-cache"


@pytest.fixture(scope="session")
def bundle() -> Path:
    """dist/zelt-desktop, built once a session as scripts/build.sh does."""
    if importlib.util.find_spec("PyInstaller") is None:
        missing("PyInstaller is not installed: scripts/bootstrap.sh --build")
    if sys.platform.startswith("linux") and not shutil.which("objdump"):
        missing("PyInstaller needs binutils (apt-get install binutils)")
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(CACHE))
    env.pop("ZELT_ONEFILE", None)
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm",
         "--log-level", "WARN", "build.spec"],
        cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=BUILD_SECONDS)
    assert result.returncode == 0, result.stderr[-5000:]
    return BUNDLE


@pytest.fixture
def home(tmp_path) -> Path:
    """A HOME of the test's own: the frozen app writes its log there."""
    path = tmp_path / "home"
    path.mkdir()
    return path


def app_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("XDG_") or k == "XDG_RUNTIME_DIR"}
    env.update(HOME=str(home), **extra)
    return env


def log_text(home: Path) -> str:
    logs = sorted(home.rglob("zelt-desktop.log"))
    return logs[0].read_text(encoding="utf-8") if logs else ""


def _close_standard_streams() -> None:
    for fd in (0, 1, 2):
        os.close(fd)


@pytest.mark.parametrize("name", ["zelt-desktop-cli", "zelt-desktop"])
def test_self_test_uses_the_secret_service(secret_service, bundle, home,
                                           name):
    result = subprocess.run(
        [str(bundle / name), "--demo", "--self-test"], env=app_env(home),
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=RUN_SECONDS)

    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines[-1] == "employees: 250"
    stores = [line for line in lines if line.startswith("secret store:")]
    assert stores and "SecretService" in stores[0], lines


def test_windowed_app_runs_without_standard_streams(secret_service, bundle,
                                                    home):
    result = subprocess.run(
        [str(bundle / "zelt-desktop"), "--demo", "--self-test"],
        env=app_env(home), preexec_fn=_close_standard_streams,
        timeout=RUN_SECONDS)

    assert result.returncode == 0, log_text(home)[-3000:]
    assert LOADED in log_text(home)


def test_consent_in_chromium_against_the_frozen_app(
        secret_service, chromium, bundle, home, tmp_path, browser_inbox):
    output = open(tmp_path / "app-output.txt", "wb")
    app = subprocess.Popen(
        [str(bundle / "zelt-desktop"), "--demo", "--connect"],
        env=app_env(home, **browser_inbox.env), stdin=subprocess.DEVNULL,
        stdout=output, stderr=subprocess.STDOUT)
    try:
        consent_url = browser_inbox.next_url()
        redirect_uri = parse_qs(urlsplit(consent_url).query)[
            "redirect_uri"][0]
        flow.consent(chromium, consent_url, "allow", redirect_uri)
        wait_until(lambda: LOADED in log_text(home), WAIT_SECONDS,
                   "the frozen app to load the directory")

        record = flow.stored_record(secret_service, DEMO_PROFILE_ID)
        assert record["access_token"]
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=WAIT_SECONDS) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        output.close()

    for name in DEMO_ENTRIES:
        assert secret_service.get_password(SERVICE, name) is None, name
    internal = str(bundle / "_internal")
    paths = browser_inbox.child_library_paths()
    assert paths and not any(internal in path for path in paths), paths
