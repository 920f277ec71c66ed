"""The profile lock: re-entrant in a thread, exclusive across threads and
processes, and a wait that ends."""

from __future__ import annotations

import subprocess
import sys
import threading
import warnings

import pytest

from zelt_desktop.errors import SecretStoreTimeout
from zelt_desktop.store.lock import default_lock_dir, profile_lock

_PROBE = """
import sys
from zelt_desktop.errors import SecretStoreTimeout
from zelt_desktop.store.lock import profile_lock
try:
    with profile_lock(sys.argv[1], sys.argv[2], timeout=0.2):
        print("acquired")
except SecretStoreTimeout:
    print("busy")
"""


def try_in_thread(lock) -> str:
    result = []

    def attempt():
        try:
            with lock:
                result.append("acquired")
        except SecretStoreTimeout:
            result.append("busy")

    worker = threading.Thread(target=attempt)
    worker.start()
    worker.join()
    return result[0]


def try_in_process(profile_id, lock_dir) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, profile_id, str(lock_dir)],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_reentrant_within_a_thread(tmp_path):
    lock = profile_lock("p1", tmp_path)

    with lock:
        with lock:
            assert lock.is_locked
        assert lock.is_locked
    assert not lock.is_locked


def test_excludes_another_thread_and_another_lock_object(
        tmp_path, expect_warning):
    expect_warning(r"profile lock \S+ busy")
    lock = profile_lock("p1", tmp_path, timeout=0.2)

    with lock:
        assert try_in_thread(lock) == "busy"
        assert try_in_thread(profile_lock("p1", tmp_path, 0.2)) == "busy"
        assert try_in_thread(profile_lock("p2", tmp_path, 0.2)) == \
            "acquired"
    assert try_in_thread(profile_lock("p1", tmp_path, 0.2)) == "acquired"


def test_excludes_another_process(tmp_path):
    with profile_lock("p1", tmp_path):
        assert try_in_process("p1", tmp_path) == "busy"
    assert try_in_process("p1", tmp_path) == "acquired"


def test_wait_ends_with_a_plain_message(tmp_path, expect_warning):
    expect_warning(r"profile lock \S+ busy")
    with profile_lock("p1", tmp_path):
        holder_done = []

        def wait_for_it():
            try:
                with profile_lock("p1", tmp_path, timeout=0.2):
                    holder_done.append(None)
            except SecretStoreTimeout as e:
                holder_done.append(e)

        worker = threading.Thread(target=wait_for_it)
        worker.start()
        worker.join()

    error = holder_done[0]
    assert isinstance(error, SecretStoreTimeout)
    assert "Another Zelt Desktop window" in str(error)


@pytest.mark.parametrize("profile_id", ["../../escape", "a/b", "x" * 300])
def test_any_profile_id_gives_a_file_inside_the_lock_dir(tmp_path,
                                                         profile_id):
    lock = profile_lock(profile_id, tmp_path)

    assert lock.path.parent == tmp_path
    with lock:
        assert lock.path.exists()


def test_default_lock_dir_needs_no_runtime_dir():
    # platformdirs warns about a missing XDG_RUNTIME_DIR: not our folder.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        folder = default_lock_dir()

    assert folder.parts[-2:] == ("zelt-desktop", "locks")
