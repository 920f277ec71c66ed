"""Keyring backends that stand for the operating system's store in tests.

Each one behaves like a real backend in one way that matters: it refuses,
hangs, dies part-way through a write, or keeps its entries in a file that
several processes share.  None is ever chosen by keyring on its own: a
priority that raises RuntimeError makes it "not viable".
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import filelock
import keyring.backend
import keyring.errors
from keyring.compat import properties

from zelt_desktop.store.secrets import MemoryKeyring


class _TestBackend(keyring.backend.KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("a test backend, never chosen automatically")


class RaisingKeyring(_TestBackend):
    """Every call raises ``error``, as a locked or missing store does."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service, username):
        raise self.error

    def set_password(self, service, username, password):
        raise self.error

    def delete_password(self, service, username):
        raise self.error


class HangingKeyring(_TestBackend):
    """Every call blocks until ``release`` is set (a stuck D-Bus call)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service, username):
        self.release.wait()
        return None

    def set_password(self, service, username, password):
        self.release.wait()

    def delete_password(self, service, username):
        self.release.wait()


class DyingKeyring(_TestBackend):
    """Passes calls to ``inner`` until ``changes`` sets and deletes are done.

    From then on every call fails, as if the writing process had been
    killed: nothing more reaches the store, not even clean-up.
    """

    def __init__(self, inner: MemoryKeyring, changes: int) -> None:
        super().__init__()
        self.inner = inner
        self.changes_left = changes
        self.max_entry_chars = inner.max_entry_chars
        self.dead = False

    def get_password(self, service, username):
        self._check()
        return self.inner.get_password(service, username)

    def set_password(self, service, username, password):
        self._change()
        self.inner.set_password(service, username, password)

    def delete_password(self, service, username):
        self._change()
        self.inner.delete_password(service, username)

    def _change(self) -> None:
        self._check()
        if self.changes_left == 0:
            self.dead = True
            self._check()
        self.changes_left -= 1

    def _check(self) -> None:
        if self.dead:
            raise keyring.errors.PasswordSetError("the writer is gone")


class SwitchedKeyring(_TestBackend):
    """``inner``, whose writes fail while ``failing`` is True."""

    def __init__(self, inner: MemoryKeyring) -> None:
        super().__init__()
        self.inner = inner
        self.max_entry_chars = inner.max_entry_chars
        self.failing = False

    def get_password(self, service, username):
        return self.inner.get_password(service, username)

    def set_password(self, service, username, password):
        if self.failing:
            raise keyring.errors.PasswordSetError("write refused")
        self.inner.set_password(service, username, password)

    def delete_password(self, service, username):
        self.inner.delete_password(service, username)


class FileKeyring(_TestBackend):
    """Entries in one JSON file, shared by processes under a file lock.

    Stands for the OS store that two app processes on one machine share.
    """

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)
        self._lock = filelock.FileLock(str(self.path) + ".lock", timeout=10)

    def get_password(self, service, username):
        with self._lock:
            return self._read().get(f"{service}\n{username}")

    def set_password(self, service, username, password):
        with self._lock:
            entries = self._read()
            entries[f"{service}\n{username}"] = password
            self.path.write_text(json.dumps(entries), encoding="utf-8")

    def delete_password(self, service, username):
        with self._lock:
            entries = self._read()
            if entries.pop(f"{service}\n{username}", None) is None:
                raise keyring.errors.PasswordDeleteError("no such entry")
            self.path.write_text(json.dumps(entries), encoding="utf-8")

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
