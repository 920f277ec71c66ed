"""SecretStore: round trips, error mapping, timeouts, backend facts."""

from __future__ import annotations

import os
import subprocess
import sys

import keyring.errors
import pytest
from keyring.backends import fail, null

from tests.store.keyrings import HangingKeyring, RaisingKeyring
from zelt_desktop.errors import (SecretStoreError, SecretStoreLocked,
                                 SecretStoreTimeout, SecretStoreUnavailable)
from zelt_desktop.store.secrets import (SERVICE, MemoryKeyring, SecretStore,
                                        entry_limit)


def test_memory_round_trip():
    store = SecretStore(MemoryKeyring())

    store.set("p1/client-secret", "test-secret-not-real")

    assert store.get("p1/client-secret") == "test-secret-not-real"
    assert store.get("p2/client-secret") is None
    store.delete("p1/client-secret")
    assert store.get("p1/client-secret") is None


def test_entries_are_under_the_app_service():
    backend = MemoryKeyring()
    SecretStore(backend).set("p1/tokens", "x")

    assert backend.get_password(SERVICE, "p1/tokens") == "x"
    assert SERVICE == "zelt-desktop"


def test_delete_of_a_missing_entry_is_fine():
    SecretStore(MemoryKeyring()).delete("never-stored")


def test_memory_backend_names_itself_memory():
    store = SecretStore(MemoryKeyring())

    assert store.backend_name == "memory"
    assert store.is_memory


def test_memory_keyring_is_never_chosen_by_keyring():
    # Below the fail backend (0) and the chainer's cut (> 0).
    assert MemoryKeyring.priority < fail.Keyring.priority


def test_limited_memory_refuses_long_entries_like_windows(expect_warning):
    expect_warning("secret store set failed")
    backend = MemoryKeyring(max_entry_chars=1280)
    store = SecretStore(backend)

    store.set("fits", "a" * 1280)
    with pytest.raises(SecretStoreError) as caught:
        store.set("too-long", "a" * 1281)

    assert isinstance(caught.value.__cause__,
                      keyring.errors.PasswordSetError)
    assert store.max_entry_chars == 1280
    assert store.get("too-long") is None


def test_windows_credential_manager_limit_comes_from_its_class_name():
    class WinVaultKeyring(MemoryKeyring):
        """Named like keyring's Windows backend; no limit of its own."""

    assert entry_limit(WinVaultKeyring()) == 1280
    assert entry_limit(MemoryKeyring()) is None


@pytest.mark.parametrize("error, expected", [
    (keyring.errors.NoKeyringError("no backend"), SecretStoreUnavailable),
    (keyring.errors.KeyringLocked("Failed to unlock"), SecretStoreLocked),
    (keyring.errors.InitError("Prompt dismissed"), SecretStoreLocked),
    (keyring.errors.PasswordSetError("refused"), SecretStoreError),
    (OSError("the daemon went away"), SecretStoreError),
])
def test_backend_errors_are_mapped(error, expected, expect_warning):
    expect_warning("secret store get failed")
    expect_warning("secret store set failed")
    store = SecretStore(RaisingKeyring(error))

    for call in (lambda: store.get("a"), lambda: store.set("a", "b"),
                 store.check):
        with pytest.raises(expected) as caught:
            call()
        assert type(caught.value) is expected
        assert caught.value.__cause__ is error


def test_locked_message_names_the_fix(expect_warning):
    expect_warning("secret store get failed")
    store = SecretStore(RaisingKeyring(
        keyring.errors.InitError("Prompt dismissed")))

    with pytest.raises(SecretStoreLocked) as caught:
        store.check()

    assert "locked" in str(caught.value)
    assert "this session only" in str(caught.value)


def test_messages_never_quote_the_value(expect_warning):
    expect_warning("secret store set failed")
    store = SecretStore(RaisingKeyring(keyring.errors.PasswordSetError(
        "could not store test-secret-not-real")))

    with pytest.raises(SecretStoreError) as caught:
        store.set("p1/client-secret", "test-secret-not-real")

    assert "test-secret-not-real" not in str(caught.value)


def test_delete_that_fails_on_a_present_entry_is_an_error():
    class Stubborn(MemoryKeyring):
        def delete_password(self, service, username):
            raise keyring.errors.PasswordDeleteError("refused")

    store = SecretStore(Stubborn())
    store.set("a", "b")

    with pytest.raises(SecretStoreError):
        store.delete("a")


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_fail_and_null_backends_are_unavailable(backend):
    with pytest.raises(SecretStoreUnavailable) as caught:
        SecretStore(backend).check()

    assert "No password store" in str(caught.value)


def test_hanging_backend_times_out_quickly(expect_warning):
    expect_warning("secret store get did not answer")
    expect_warning("secret store set did not answer")
    backend = HangingKeyring()
    store = SecretStore(backend, timeout=0.2)
    try:
        # Returning at all is the point; pytest-timeout catches a hang.
        with pytest.raises(SecretStoreTimeout) as caught:
            store.get("p1/tokens")
        with pytest.raises(SecretStoreTimeout):
            store.set("p1/tokens", "x")
    finally:
        backend.release.set()
    assert "did not answer in time" in str(caught.value)


_OPEN_SCRIPT = """
from zelt_desktop.errors import SecretStoreUnavailable
from zelt_desktop.store.secrets import open_secret_store
try:
    open_secret_store()
except SecretStoreUnavailable:
    print("unavailable")
print(open_secret_store(allow_memory=True).backend_name)
"""


def test_open_secret_store_falls_back_to_memory_only_when_allowed(
        tmp_path):
    # A process of its own: keyring reads its backend choice once.
    env = dict(os.environ, HOME=str(tmp_path),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    done = subprocess.run([sys.executable, "-c", _OPEN_SCRIPT], env=env,
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["unavailable", "memory"]
