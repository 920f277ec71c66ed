"""Starting the window where it cannot open says why instead of aborting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="X11/Wayland display checks")


def start(tmp_path, **env_changes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_STATE_HOME=str(tmp_path / "s"), **env_changes)
    return subprocess.run([sys.executable, "-m", "zelt_desktop"], env=env,
                          capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_no_display_is_explained_on_the_terminal(tmp_path):
    result = start(tmp_path)

    assert result.returncode == 2
    assert "no display is available" in result.stderr
    assert "--self-test" in result.stderr


def test_a_display_that_does_not_answer_is_explained(tmp_path):
    result = start(tmp_path, DISPLAY=":239", QT_QPA_PLATFORM="xcb")

    assert result.returncode != 0
    assert "zelt-desktop:" in result.stderr
    assert "platform plugin" in result.stderr


def test_sigterm_closes_the_demo_cleanly(tmp_path):
    """--demo --connect signs in through BROWSER; SIGTERM then gets the
    same clean-up as closing the window: exit 0, demo entries removed."""
    import json
    import signal
    import time
    from tests.keyring_file_backend import BACKEND, PATH_VARIABLE

    shim = tmp_path / "browser"
    shim.write_text(f"#!{sys.executable}\n"
                    "import sys\n"
                    "from zelt_desktop.sandbox import robot\n"
                    "robot.press(sys.argv[1], 'allow')\n")
    shim.chmod(0o700)
    keyring_file = tmp_path / "keyring.json"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_STATE_HOME=str(tmp_path / "s"), QT_QPA_PLATFORM="offscreen",
               PYTHON_KEYRING_BACKEND=BACKEND, BROWSER=f"{shim} %s",
               **{PATH_VARIABLE: str(keyring_file)})
    log_file = tmp_path / "s" / "zelt-desktop" / "log" / "zelt-desktop.log"

    def demo_entries() -> list[str]:
        if not keyring_file.exists():
            return []
        return [name for name in json.loads(keyring_file.read_text())
                if name.split("\n")[1].startswith("demo/")]

    app = subprocess.Popen(
        [sys.executable, "-m", "zelt_desktop", "--demo", "--connect"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while "directory loaded: 250" not in (
                log_file.read_text() if log_file.exists() else ""):
            assert app.poll() is None, app.stderr.read()
            assert time.monotonic() < deadline, "the demo never loaded"
            time.sleep(0.1)
        assert demo_entries(), "the sign-in stored nothing"
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        app.stderr.close()
    assert demo_entries() == []
