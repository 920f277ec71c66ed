"""``python -m zelt_desktop.sandbox`` in a process of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests

from tests.sandbox.support import exchange, new_code
from zelt_desktop.sandbox.server import RegisteredApp

SECRET = "cli-secret-not-real"
REDIRECT = "http://127.0.0.1:9/cli-callback"

pytestmark = pytest.mark.skipif(os.name == "nt",
                                reason="stops the process with a signal")


class _Remote:
    """Enough of SandboxServer for the support helpers: its base URL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url


def run_sandbox(*args: str) -> subprocess.Popen:
    env = dict(os.environ, SANDBOX_TEST_SECRET=SECRET)
    return subprocess.Popen(
        [sys.executable, "-m", "zelt_desktop.sandbox", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(process: subprocess.Popen) -> tuple[str, str]:
    """The rest of the output once the process ended.

    Read through the same file objects as the first line: communicate()
    would miss what readline() already buffered.
    """
    rest, errors = process.stdout.read(), process.stderr.read()
    process.wait(timeout=30)
    return rest, errors


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_command_line_serves_until_a_signal(stop_signal):
    with run_sandbox("--port", "0", "--employees", "30", "--client-id",
                     "cli-app", "--client-secret-env", "SANDBOX_TEST_SECRET",
                     "--redirect-uri", REDIRECT) as process:
        first = process.stdout.readline().strip()
        assert first.startswith("Zelt sandbox running at http://127.0.0.1:")
        sandbox = _Remote(first.rsplit(" ", 1)[1])
        app = RegisteredApp("cli-app", SECRET, REDIRECT)
        response = exchange(sandbox, app, new_code(sandbox, app))
        assert response.status_code == 200
        users = requests.get(
            sandbox.base_url + "/apiv2/users", timeout=10, headers={
                "Authorization": "Bearer " + response.json()["access_token"]})
        assert len(users.json()["items"]) == 30

        process.send_signal(stop_signal)
        rest, errors = finish(process)
    assert process.returncode == 0, errors
    assert "demo app: client id zelt-desktop-demo" in rest
    assert "redirect URI http://127.0.0.1:53682/callback" in rest
    assert f"client id cli-app, client secret (from the environment), " \
           f"redirect URI {REDIRECT}" in rest
    assert SECRET not in rest + errors


def test_options_reach_the_sandbox():
    with run_sandbox("--port", "0", "--no-scopes", "--demo-redirect-uri",
                     "http://127.0.0.1:9/demo") as process:
        first = process.stdout.readline().strip()
        process.send_signal(signal.SIGTERM)
        rest, _ = finish(process)
    assert first.startswith("Zelt sandbox running at")
    assert "redirect URI http://127.0.0.1:9/demo, scopes (none)" in rest
    assert "employees: 250" in rest


def test_a_missing_secret_variable_is_a_usage_error():
    with run_sandbox("--port", "0", "--client-id", "x", "--client-secret-env",
                     "NO_SUCH_VARIABLE_HERE", "--redirect-uri",
                     REDIRECT) as process:
        out, errors = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "NO_SUCH_VARIABLE_HERE is not set" in errors
    assert out == ""
