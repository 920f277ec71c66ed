"""One window per user: a second start hands over --connect and --profile."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.ui.test_main_window import (SECRET, app_profile,  # noqa: F401
                                       browser, context, make_window)
from zelt_desktop.profiles import Settings
from zelt_desktop.ui.single_instance import (SingleInstance, parse_message,
                                             server_name)

WAIT_MS = 10_000
START_SECONDS = 60.0
# The tests' stand-in for a later start speaks over a Unix socket file.
unix_only = pytest.mark.skipif(sys.platform == "win32",
                               reason="Unix socket files")


@pytest.fixture
def name(tmp_path) -> str:
    return server_name(tmp_path / "config")


@pytest.fixture
def first(qtbot, name):
    instance = SingleInstance(name)
    assert instance.listen()
    yield instance
    instance.close()


class LaterStart(threading.Thread):
    """A later start's message, sent over the first's socket by a thread.

    Speaks the wire protocol with a plain Unix socket: PySide6 keeps the
    interpreter lock inside QLocalSocket's blocking waits, so a second
    QLocalSocket in this process could not hear the first answer.  The
    real hand_off runs in a process of its own below.
    """

    def __init__(self, instance: SingleInstance, message: dict) -> None:
        super().__init__(name="later-start")
        self.path = instance._server.fullServerName()
        self.data = json.dumps(message).encode("utf-8") + b"\n"
        self.answer: bytes | None = None
        self.start()

    def run(self) -> None:
        with socket.socket(socket.AF_UNIX) as client:
            client.settimeout(WAIT_MS / 1000)
            client.connect(self.path)
            client.sendall(self.data)
            self.answer = client.recv(16)

    def outcome(self, qtbot) -> bytes | None:
        qtbot.waitUntil(lambda: not self.is_alive(), timeout=WAIT_MS)
        return self.answer


def test_server_name_is_per_user_and_config_folder(tmp_path):
    one = server_name(tmp_path / "a", user="ann")
    assert one == server_name(tmp_path / "a", user="ann")
    assert one != server_name(tmp_path / "b", user="ann")
    assert one != server_name(tmp_path / "a", user="bob")
    assert server_name(tmp_path, user="a b/c").startswith(
        "zelt-desktop-a_b_c-")


@unix_only
def test_second_start_hands_its_message_to_the_first(qtbot, first, name):
    with qtbot.waitSignal(first.message_received, timeout=WAIT_MS) as got:
        later = LaterStart(first, {"connect": True, "profile": "Acme"})

    assert got.args[0] == {"connect": True, "profile": "Acme"}
    assert later.outcome(qtbot) == b"ok\n"


def test_without_a_running_window_nothing_is_handed_off(name):
    assert SingleInstance(name).hand_off({"connect": False,
                                          "profile": None}) is False


@unix_only
def test_a_second_listener_does_not_take_over_a_live_name(
        qtbot, first, name, expect_warning):
    expect_warning("another window started at the same time")
    second = SingleInstance(name)
    try:
        assert second.listen() is False
        with qtbot.waitSignal(first.message_received, timeout=WAIT_MS):
            later = LaterStart(first, {"connect": False, "profile": None})
        assert later.outcome(qtbot) == b"ok\n"
    finally:
        second.close()


@unix_only
def test_a_stale_name_left_by_a_crash_is_taken_over(qtbot, name):
    probe = SingleInstance(name)
    assert probe.listen()
    path = probe._server.fullServerName()
    probe.close()
    # What a killed window leaves: the socket file, nobody listening.
    with socket.socket(socket.AF_UNIX) as stale:
        stale.bind(path)
    assert Path(path).exists()

    instance = SingleInstance(name)
    try:
        assert instance.listen() is True
        with qtbot.waitSignal(instance.message_received, timeout=WAIT_MS):
            later = LaterStart(instance, {"connect": True,
                                          "profile": None})
        assert later.outcome(qtbot) == b"ok\n"
    finally:
        instance.close()


@pytest.mark.parametrize("data, expected, warning", [
    (b'{"connect": true, "profile": "A"}', {"connect": True,
                                            "profile": "A"}, None),
    (b'{"connect": "yes", "profile": 3}', {"connect": False,
                                           "profile": None}, None),
    (b"[1, 2]", None, None),
    (b"\xff\xfe", None, "message unreadable"),
    (b"not json", None, "message unreadable"),
    (b'{"profile": "' + b"x" * 5000 + b'"}', None, "message too long"),
])
def test_messages_are_checked(data, expected, warning, expect_warning):
    if warning:
        expect_warning(warning)
    assert parse_message(data) == expected


@unix_only
def test_window_switches_and_connects_as_a_second_start_asks(
        qtbot, first, context, app_profile, browser):
    browser.button = None  # the consent page opens; nobody presses
    second = dataclasses.replace(app_profile, name="Second company",
                                 id="second-profile-id")
    context.profiles.save(Settings([app_profile, second], app_profile.id))
    context.tokens().save_client_secret(second.id, SECRET)
    window = make_window(qtbot, context)
    first.message_received.connect(window.on_handed_off)

    with qtbot.waitSignal(window.profile_opened, timeout=WAIT_MS):
        later = LaterStart(first, {"connect": True,
                                   "profile": "second COMPANY"})
    qtbot.waitUntil(lambda: bool(browser.urls), timeout=WAIT_MS)

    assert later.outcome(qtbot) == b"ok\n"
    assert window.profile.id == second.id
    assert window.sign_in.sign_in is not None
    assert window.sign_in.sign_in.profile.id == second.id


# -- two real starts -----------------------------------------------------

def _env(tmp_path: Path) -> dict:
    """A home, config and log folder of the test's own: its own name."""
    (tmp_path / "run").mkdir(mode=0o700, exist_ok=True)
    return dict(os.environ, HOME=str(tmp_path / "home"),
                XDG_CONFIG_HOME=str(tmp_path / "config"),
                XDG_STATE_HOME=str(tmp_path / "state"),
                XDG_RUNTIME_DIR=str(tmp_path / "run"),
                QT_QPA_PLATFORM="offscreen",
                DBUS_SESSION_BUS_ADDRESS="disabled:")


def _wait_for(path: Path, text: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while text not in path.read_text(encoding="utf-8", errors="replace"):
        assert process.poll() is None, path.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, f"no {text!r} in {path}"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_second_start_exits_and_the_first_gets_its_wish(tmp_path):
    command = [sys.executable, "-m", "zelt_desktop"]
    first_log = tmp_path / "first.log"
    with open(first_log, "wb") as stream:
        first = subprocess.Popen(command + ["--verbose"], env=_env(tmp_path),
                                 stdout=subprocess.DEVNULL, stderr=stream)
    try:
        _wait_for(first_log, "listening for later starts", first)

        second = subprocess.run(
            command + ["--verbose", "--connect", "--profile", "Acme"],
            env=_env(tmp_path), capture_output=True, timeout=START_SECONDS)

        assert second.returncode == 0, second.stderr
        assert b"handed the start over" in second.stderr
        assert b"did not answer" not in second.stderr
        _wait_for(first_log, "a second start asked: connect=True, "
                             "profile given=True", first)
    finally:
        first.send_signal(signal.SIGTERM)
        code = first.wait(timeout=START_SECONDS)
    assert code == 0
