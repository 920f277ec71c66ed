"""``login``, ``status`` and ``logout`` against the sandbox."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.cli.conftest import CLIENT_SECRET
from zelt_desktop.cli.login import step_line
from zelt_desktop.signin import STEPS
from zelt_desktop.sandbox import robot


def read_consent_url(process: subprocess.Popen) -> str:
    line = process.stdout.readline().decode().strip()
    if not line.startswith("http"):
        process.kill()
        _, stderr = process.communicate()
        pytest.fail(f"no consent URL: {line!r} {stderr.decode()}")
    return line


def test_login_no_browser_completed_by_an_http_client(rig, profile):
    rig.add_profile(profile)
    process = rig.start("--verbose", "login", "--no-browser")
    consent_url = read_consent_url(process)
    assert consent_url.startswith(profile.authorization_endpoint + "?")

    robot.press(consent_url)  # the browser lands on the listener
    result = rig.finish(process)
    assert result.returncode == 0, result.stderr
    assert result.out == "connected as Kwame de la Halden\n"
    said = [step_line(step) for step in STEPS]
    steps = [line for line in result.stderr.splitlines() if line in said]
    assert steps == ["Zelt sent the sign-in code.",
                     "Finishing the sign-in with Zelt…",
                     "Saved in your password store.", "Checked with Zelt."]

    # --verbose copied the log, which holds no secret of the sign-in.
    stored = rig.token_store().load(profile.id).tokens
    assert "zelt_desktop.signin" in result.stderr
    for secret in (CLIENT_SECRET, stored.access_token,
                   stored.refresh_token, urlsplit(consent_url).query):
        assert secret not in result.stderr

    status = rig.run("status")
    assert status.returncode == 0, status.stderr
    assert "tokens stored: yes" in status.out
    assert "access token expires: " in status.out
    assert "(in 59 min)" in status.out or "(in 60 min)" in status.out
    assert stored.access_token not in status.out


def test_login_takes_an_address_pasted_into_stdin(rig, sandbox, profile):
    # A redirect URI the app cannot listen on: the address is pasted.
    profile.redirect_uri = "https://relay.zelt-desktop.test/callback"
    sandbox.register_app(profile.client_id, CLIENT_SECRET,
                         profile.redirect_uri)
    rig.add_profile(profile)
    process = rig.start("login", "--no-browser", stdin=subprocess.PIPE)
    consent_url = read_consent_url(process)

    process.stdin.write(b"not an address\n")
    process.stdin.flush()
    for line in process.stderr:
        if b"cannot be used" in line:
            break
    location = robot.press(consent_url, follow=False)
    assert location.startswith(profile.redirect_uri + "?code=")
    process.stdin.write(location.encode() + b"\n")
    process.stdin.flush()

    result = rig.finish(process)
    assert result.returncode == 0, result.stderr
    assert result.out.startswith("connected as ")
    assert sandbox.token_requests[-1]["redirect_uri"] == profile.redirect_uri


def test_login_started_in_zelt(rig, sandbox, profile):
    rig.add_profile(profile)
    process = rig.start("login", "--started-in-zelt")
    line = process.stderr.readline()
    assert b"Code flow" in line

    robot.press(sandbox.code_flow_url(profile.client_id))
    result = rig.finish(process)
    assert result.returncode == 0, result.stderr
    assert result.out.startswith("connected as ")


def test_login_with_a_wrong_client_secret_exits_3(rig, profile):
    rig.add_profile(profile, secret="wrong-secret-not-real")
    process = rig.start("login", "--no-browser")
    robot.press(read_consent_url(process))
    result = rig.finish(process)
    assert result.returncode == 3
    assert "HTTP 401" in result.stderr
    assert result.stdout == b""
    assert rig.token_store().load(profile.id) is None


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_interrupted_login_exits_3_and_frees_the_listener(rig, profile):
    rig.add_profile(profile)
    process = rig.start("login", "--no-browser")
    read_consent_url(process)
    process.send_signal(signal.SIGINT)
    result = rig.finish(process)
    assert result.returncode == 3
    assert "Cancelled." in result.stderr

    port = urlsplit(profile.redirect_uri).port
    with socket.create_server(("127.0.0.1", port)):
        pass  # the port is free again


def test_status_and_logout(rig, profile):
    rig.add_profile(profile)
    before = rig.run("status")
    assert before.returncode == 3
    assert "tokens stored: no" in before.out
    assert "zelt-desktop login" in before.stderr

    rig.connect(profile)
    assert rig.run("status", "--profile", "Acme").returncode == 0

    logout = rig.run("logout")
    assert logout.returncode == 0, logout.stderr
    assert rig.token_store().load(profile.id) is None
    assert rig.token_store().load_client_secret(profile.id) == CLIENT_SECRET
    after = rig.run("status")
    assert after.returncode == 3
