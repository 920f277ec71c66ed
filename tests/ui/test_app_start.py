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
