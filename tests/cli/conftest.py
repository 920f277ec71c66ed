"""The command line as a subprocess, with its own home and secret store.

Each test gets a folder that stands for the user's home (settings, log,
locks) and a file-backed keyring that the subprocess loads through
PYTHON_KEYRING_BACKEND.  Profiles and tokens can be put in place from the
test itself, so that only the command under test starts a process.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import free_port
from tests.keyring_file_backend import (BACKEND, PATH_VARIABLE,
                                        FileBackedKeyring)
from zelt_desktop.oauth.tokens import TokenSet
from zelt_desktop.profiles import APP_NAME, Profile, ProfileStore
from zelt_desktop.sandbox.server import SandboxServer
from zelt_desktop.store.secrets import SecretStore
from zelt_desktop.store.tokens import TokenStore

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "cli-test-app"
CLIENT_SECRET = "test-secret-not-real"
RUN_TIMEOUT = 60  # seconds; a command that hangs fails instead


@dataclasses.dataclass
class Result:
    returncode: int
    stdout: bytes
    stderr: str

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8")


class Rig:
    """Runs ``zelt-desktop`` and prepares what it will find on disk."""

    def __init__(self, home: Path, sandbox: SandboxServer) -> None:
        self.home = home
        self.sandbox = sandbox
        self.config_dir = home / "config" / APP_NAME
        self.state_dir = home / "state" / APP_NAME
        self.keyring_file = home / "keyring.json"
        self.env = _environment(home, self.keyring_file)

    # -- the subprocess ----------------------------------------------------

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "zelt_desktop", *args]

    def run(self, *args: str, stdin: bytes = b"",
            env: dict | None = None) -> Result:
        done = subprocess.run(self.command(*args), input=stdin,
                              capture_output=True, cwd=self.home,
                              env={**self.env, **(env or {})},
                              timeout=RUN_TIMEOUT)
        result = Result(done.returncode, done.stdout,
                        done.stderr.decode("utf-8", "replace"))
        _check_clean(result)
        return result

    def start(self, *args: str, stdin=subprocess.DEVNULL
              ) -> subprocess.Popen:
        return subprocess.Popen(self.command(*args), stdin=stdin,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=self.home,
                                env=self.env)

    def finish(self, process: subprocess.Popen) -> Result:
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
        result = Result(process.returncode, stdout,
                        stderr.decode("utf-8", "replace"))
        _check_clean(result)
        return result

    # -- what the subprocess finds -----------------------------------------

    def token_store(self) -> TokenStore:
        return TokenStore(SecretStore(FileBackedKeyring(self.keyring_file)),
                          lock_dir=self.state_dir / "locks")

    def profiles(self) -> ProfileStore:
        return ProfileStore(self.config_dir)

    def add_profile(self, profile: Profile,
                    secret: str = CLIENT_SECRET) -> Profile:
        settings = self.profiles().load()
        settings.put(profile)
        self.profiles().save(settings)
        self.token_store().save_client_secret(profile.id, secret)
        return profile

    def connect(self, profile: Profile) -> TokenSet:
        """Store tokens the sandbox issued, as a finished login would."""
        app = self.sandbox.app(profile.client_id)
        access, refresh = self.sandbox.grants.issue_pair(
            app.client_id, app.redirect_uri, app.scopes)
        tokens = TokenSet.from_response({"access_token": access,
                                         "refresh_token": refresh,
                                         "expires_in": 3600})
        self.token_store().save(profile.id, tokens)
        return tokens

    def secret_entries(self) -> str:
        """The keyring file's text ("" when there is none)."""
        if not self.keyring_file.exists():
            return ""
        return self.keyring_file.read_text(encoding="utf-8")


def _environment(home: Path, keyring_file: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    pythonpath = [str(ROOT)] + ([env["PYTHONPATH"]]
                                if env.get("PYTHONPATH") else [])
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "PYTHONPATH": os.pathsep.join(pythonpath),
        "PYTHONWARNINGS": "error",
        "PYTHON_KEYRING_BACKEND": BACKEND,
        PATH_VARIABLE: str(keyring_file),
        # No session bus: nothing may reach for a real secret service.
        "DBUS_SESSION_BUS_ADDRESS": "disabled:",
    })
    return env


def _check_clean(result: Result) -> None:
    # Any warning is an error in the subprocess too (PYTHONWARNINGS).
    assert "Traceback" not in result.stderr, result.stderr
    assert "Warning:" not in result.stderr, result.stderr


@pytest.fixture
def rig(tmp_path, sandbox) -> Rig:
    home = tmp_path / "home"
    home.mkdir()
    return Rig(home, sandbox)


@pytest.fixture
def profile(sandbox) -> Profile:
    """A profile of an app registered in the sandbox; not saved yet."""
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app(CLIENT_ID, CLIENT_SECRET, redirect_uri)
    return Profile(name="Acme", client_id=CLIENT_ID,
                   redirect_uri=redirect_uri, base_url=sandbox.base_url)
