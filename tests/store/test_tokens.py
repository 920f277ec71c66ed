"""TokenStore: the chunked record behind its pointer, and the client secret."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.store.keyrings import DyingKeyring
from zelt_desktop.errors import NotConnected, SecretStoreError
from zelt_desktop.oauth.tokens import TokenSet
from zelt_desktop.store.secrets import SERVICE, MemoryKeyring, SecretStore
from zelt_desktop.store.tokens import TokenStore

ISSUED = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
WINDOWS_LIMIT = 1280


def token_set(tag: str, length: int = 40) -> TokenSet:
    access = (f"test-access-{tag}-not-real-" * 100)[:length]
    return TokenSet(access_token=access,
                    refresh_token=f"test-refresh-{tag}-not-real",
                    expires_at=ISSUED + timedelta(hours=1),
                    issued_at=ISSUED)


@pytest.fixture
def backend() -> MemoryKeyring:
    return MemoryKeyring(max_entry_chars=WINDOWS_LIMIT)


@pytest.fixture
def store(backend, tmp_path) -> TokenStore:
    return TokenStore(SecretStore(backend), lock_dir=tmp_path)


def test_round_trip(store):
    tokens = token_set("a")

    generation = store.save("p1", tokens)
    loaded = store.load("p1")

    assert loaded.tokens == tokens
    assert loaded.generation == generation == 1


def test_nothing_stored_loads_as_none(store):
    assert store.load("p1") is None


def test_entry_names_follow_the_architecture(store, backend):
    store.save("p1", token_set("a"))

    pointer = json.loads(backend.get_password(SERVICE, "p1/tokens"))
    assert pointer == {"generation": 1, "chunks": 1, "version": 1}
    record = json.loads(backend.get_password(SERVICE, "p1/tokens/1/0"))
    assert set(record) == {"access_token", "refresh_token", "expires_at",
                           "issued_at", "token_type"}
    assert record["expires_at"] == "2030-01-02T04:04:05+00:00"


def test_long_token_is_chunked_under_the_windows_limit(store, backend):
    tokens = token_set("long", length=1281)

    store.save("p1", tokens)

    pointer = json.loads(backend.get_password(SERVICE, "p1/tokens"))
    assert pointer["chunks"] >= 2
    for name in backend.names():
        assert len(backend.get_password(SERVICE, name)) <= WINDOWS_LIMIT
    assert store.load("p1").tokens == tokens


def test_each_save_moves_to_a_new_generation_and_drops_the_old(
        store, backend):
    store.save("p1", token_set("a", length=3000))
    generation = store.save("p1", token_set("b", length=100))

    assert generation == 2
    assert backend.names() == ["p1/tokens", "p1/tokens/2/0"]
    assert store.load("p1").tokens == token_set("b", length=100)


def test_profiles_do_not_mix(store):
    store.save("p1", token_set("a"))
    store.save("p2", token_set("b"))

    assert store.load("p1").tokens == token_set("a")
    assert store.load("p2").tokens == token_set("b")


def test_delete_removes_pointer_and_chunks(store, backend):
    store.save("p1", token_set("a", length=3000))
    store.save("p2", token_set("b"))

    store.delete("p1")

    assert store.load("p1") is None
    assert [n for n in backend.names() if n.startswith("p1/")] == []
    assert store.load("p2") is not None
    store.delete("p1")  # nothing left: still fine


def test_save_reads_back_and_keeps_the_old_record(tmp_path, expect_warning):
    expect_warning("read-back of .* differs")
    class Truncating(MemoryKeyring):
        """Accepts a write and, when told to, keeps less of it silently."""

        truncate = False

        def set_password(self, service, username, password):
            if self.truncate:
                password = password[:-1]
            super().set_password(service, username, password)

    backend = Truncating()
    store = TokenStore(SecretStore(backend), lock_dir=tmp_path)
    old = token_set("old")
    store.save("p1", old)

    backend.truncate = True
    with pytest.raises(SecretStoreError) as caught:
        store.save("p1", token_set("new"))
    backend.truncate = False

    assert "did not keep" in str(caught.value)
    assert store.load("p1").tokens == old
    assert backend.names() == ["p1/tokens", "p1/tokens/1/0"]


def test_damaged_pointer_is_not_connected_and_can_be_replaced(
        store, backend):
    backend.set_password(SERVICE, "p1/tokens", "{not json")

    with pytest.raises(NotConnected):
        store.load("p1")
    store.save("p1", token_set("a"))
    assert store.load("p1").tokens == token_set("a")


def test_missing_chunk_is_not_connected(store, backend):
    store.save("p1", token_set("a", length=3000))
    backend.delete_password(SERVICE, "p1/tokens/1/1")

    with pytest.raises(NotConnected):
        store.load("p1")


OLD = token_set("old", length=2600)   # three chunks
NEW = token_set("new", length=1281)   # two chunks


def count_changes(tmp_path) -> int:
    backend = DyingKeyring(MemoryKeyring(max_entry_chars=WINDOWS_LIMIT),
                           changes=10_000)
    store = TokenStore(SecretStore(backend), lock_dir=tmp_path)
    store.save("p1", OLD)
    before = backend.changes_left
    store.save("p1", NEW)
    return before - backend.changes_left


def test_writer_killed_at_any_step_leaves_old_or_new(tmp_path, expect_warning):
    expect_warning("secret store (get|set|delete) failed")
    expect_warning("left old chunks")
    steps = count_changes(tmp_path)
    assert steps >= 6  # 2 chunks, the pointer, 3 old chunks removed

    for k in range(steps + 1):
        disk = MemoryKeyring(max_entry_chars=WINDOWS_LIMIT)
        TokenStore(SecretStore(disk), lock_dir=tmp_path).save("p1", OLD)
        dying = DyingKeyring(disk, changes=k)
        killed = TokenStore(SecretStore(dying), lock_dir=tmp_path)

        try:
            killed.save("p1", NEW)
            saved = True
        except SecretStoreError:
            saved = False
        # Success is reported exactly when the new record is the current
        # one: chunks and pointer written (3 changes); removing the old
        # chunks is tidying that a later load or save finishes.
        assert saved == (k >= 3), k

        # The next process: reads a whole record, old or new, never a mix.
        survivor = TokenStore(SecretStore(disk), lock_dir=tmp_path)
        loaded = survivor.load("p1")
        assert loaded.tokens in (OLD, NEW), f"killed after {k} changes"
        assert (loaded.tokens == NEW) == (k >= 3), k
        # ...and the load removed whatever the killed writer left.
        pointer = json.loads(disk.get_password(SERVICE, "p1/tokens"))
        expected = ["p1/tokens"] + [
            f"p1/tokens/{pointer['generation']}/{i}"
            for i in range(pointer["chunks"])]
        assert disk.names() == sorted(expected), k


def test_next_save_removes_orphans_of_a_killed_writer(
        tmp_path, expect_warning):
    expect_warning("secret store (get|set) failed")
    disk = MemoryKeyring(max_entry_chars=WINDOWS_LIMIT)
    TokenStore(SecretStore(disk), lock_dir=tmp_path).save("p1", OLD)
    dying = DyingKeyring(disk, changes=1)  # one chunk of two written
    with pytest.raises(SecretStoreError):
        TokenStore(SecretStore(dying), lock_dir=tmp_path).save("p1", NEW)
    assert "p1/tokens/2/0" in disk.names()

    store = TokenStore(SecretStore(disk), lock_dir=tmp_path)
    generation = store.save("p1", token_set("third"))

    assert generation == 2
    assert disk.names() == ["p1/tokens", "p1/tokens/2/0"]
    assert store.load("p1").tokens == token_set("third")


# -- the client secret -----------------------------------------------------

def test_client_secret_round_trip_is_one_plain_entry(store, backend):
    store.save_client_secret("p1", "test-secret-not-real")

    assert store.load_client_secret("p1") == "test-secret-not-real"
    assert backend.names() == ["p1/client-secret"]
    assert backend.get_password(SERVICE, "p1/client-secret") == \
        "test-secret-not-real"


def test_long_client_secret_is_chunked(store, backend):
    secret = "test-secret-not-real-" * 100

    store.save_client_secret("p1", secret)

    assert store.load_client_secret("p1") == secret
    assert len(backend.names()) > 2
    store.save_client_secret("p1", "short-test-secret")
    assert backend.names() == ["p1/client-secret"]


def test_secret_that_looks_like_a_pointer_survives(store):
    secret = '{"chunks": 1, "generation": 1, "version": 1}'

    store.save_client_secret("p1", secret)

    assert store.load_client_secret("p1") == secret


def test_forget_profile_removes_tokens_and_secret(store, backend):
    store.save("p1", token_set("a", length=3000))
    store.save_client_secret("p1", "test-secret-not-real")
    store.save_client_secret("p2", "other-test-secret")

    store.forget_profile("p1")

    assert store.load("p1") is None
    assert store.load_client_secret("p1") is None
    assert backend.names() == ["p2/client-secret"]
