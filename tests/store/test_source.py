"""TokenSource against the sandbox: when to refresh, rotation, failures."""

from __future__ import annotations

import threading

import pytest

from tests.store.keyrings import SwitchedKeyring
from tests.store.signin import SignedIn, signed_in_at
from zelt_desktop.errors import (NotConnected, RefreshRejected,
                                 RequestTimedOut, SecretStoreError)
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.sandbox.server import SandboxServer
from zelt_desktop.store.source import TokenSource


def source_for(signed_in: SignedIn, clocks=None, *, store=None,
               client=None) -> TokenSource:
    kwargs = {}
    if clocks is not None:
        kwargs = {"wall_clock": clocks.now, "clock": clocks.monotonic}
    return TokenSource(signed_in.profile.id, store or signed_in.store(),
                       client or signed_in.client(), **kwargs)


class LosingClient:
    """A token client whose first reply is lost on the way back.

    With ``reaches_zelt`` the request is sent (the refresh token is then
    spent at Zelt); without it, it is lost before reaching Zelt.
    """

    def __init__(self, client, *, reaches_zelt: bool) -> None:
        self.client = client
        self.reaches_zelt = reaches_zelt
        self.lost = False

    def refresh(self, refresh_token: str):
        if self.lost:
            return self.client.refresh(refresh_token)
        self.lost = True
        if self.reaches_zelt:
            self.client.refresh(refresh_token)
        raise RequestTimedOut("Zelt did not answer in time.")


# -- when to refresh -------------------------------------------------------

def test_nothing_stored_is_not_connected(signed_in):
    signed_in.store().delete(signed_in.profile.id)

    with pytest.raises(NotConnected):
        source_for(signed_in).access_token()


def test_fresh_token_is_used_as_stored(signed_in, clocks):
    source = source_for(signed_in, clocks)

    assert source.access_token() == signed_in.tokens.access_token
    assert source.expires_at() == signed_in.tokens.expires_at
    assert signed_in.refreshes() == 0


def test_refreshes_when_less_than_five_minutes_remain(signed_in, clocks):
    source = source_for(signed_in, clocks)
    source.load()

    clocks.advance(3600 - 301)
    assert source.access_token() == signed_in.tokens.access_token
    clocks.advance(2)
    token = source.access_token()

    assert token != signed_in.tokens.access_token
    assert signed_in.refreshes() == 1
    assert signed_in.me_status(token) == 200


def test_short_lifetime_refreshes_at_a_tenth(clocks, tmp_path):
    with SandboxServer(SandboxOptions(access_token_lifetime=60)) as sandbox:
        signed_in = signed_in_at(sandbox, tmp_path)
        try:
            source = source_for(signed_in, clocks)
            source.load()

            clocks.advance(53)  # 7 s of 60 left: more than 6 s
            assert source.access_token() == signed_in.tokens.access_token
            clocks.advance(2)  # 5 s left
            assert source.access_token() != signed_in.tokens.access_token
            assert signed_in.refreshes() == 1
        finally:
            signed_in.close()


@pytest.mark.parametrize("wall_jump", [7200, -7200])
def test_wall_clock_jump_refreshes_rather_than_trusts(signed_in, clocks,
                                                      wall_jump):
    # A sleep moves the wall clock but not the monotonic one (on Linux).
    source = source_for(signed_in, clocks)
    source.load()

    clocks.advance(0, wall=wall_jump)
    token = source.access_token()

    assert token != signed_in.tokens.access_token
    assert signed_in.refreshes() == 1
    assert source.access_token() == token  # trusted again after it


def test_small_clock_drift_is_trusted(signed_in, clocks):
    source = source_for(signed_in, clocks)
    source.load()

    clocks.advance(600, wall=650)

    assert source.access_token() == signed_in.tokens.access_token
    assert signed_in.refreshes() == 0


# -- rotation and durability -----------------------------------------------

def test_rotation_is_stored_and_the_old_refresh_token_spent(signed_in):
    source = source_for(signed_in)

    fresh = source.refresh()

    stored = signed_in.store().load(signed_in.profile.id)
    assert stored.tokens == fresh == source.tokens()
    assert fresh.refresh_token != signed_in.tokens.refresh_token
    with pytest.raises(RefreshRejected):
        signed_in.client().refresh(signed_in.tokens.refresh_token)


def test_failed_write_after_refresh_is_an_error_then_saved_later(
        signed_in, clocks, expect_warning):
    expect_warning("secret store set failed")
    switch = SwitchedKeyring(signed_in.backend)
    source = source_for(signed_in, clocks, store=signed_in.store(switch))
    source.load()
    clocks.advance(3500)

    switch.failing = True
    with pytest.raises(SecretStoreError):
        source.access_token()
    assert signed_in.store().load(signed_in.profile.id).tokens == \
        signed_in.tokens

    # Zelt spent the old refresh token: the unsaved pair is stored now,
    # without a second refresh.
    switch.failing = False
    token = source.access_token()
    assert signed_in.refreshes() == 1
    assert signed_in.store().load(signed_in.profile.id).tokens.access_token \
        == token
    assert signed_in.me_status(token) == 200


def test_refused_refresh_keeps_the_store_and_does_not_loop(
        signed_in, expect_warning):
    expect_warning("refused the refresh token")
    # Another client spends the stored refresh token behind our back.
    signed_in.client().refresh(signed_in.tokens.refresh_token)
    source = source_for(signed_in)

    with pytest.raises(RefreshRejected) as caught:
        source.refresh()

    assert "again" in str(caught.value)
    assert signed_in.refreshes() == 2
    assert signed_in.store().load(signed_in.profile.id).tokens == \
        signed_in.tokens


def test_lost_reply_then_refused_asks_to_connect_again(
        signed_in, expect_warning):
    expect_warning("refresh reply lost")
    client = LosingClient(signed_in.client(), reaches_zelt=True)
    source = source_for(signed_in, client=client)

    with pytest.raises(RefreshRejected) as caught:
        source.refresh()

    assert "lost" in str(caught.value)
    assert signed_in.refreshes() == 2
    assert signed_in.store().load(signed_in.profile.id).tokens == \
        signed_in.tokens


def test_lost_request_is_tried_once_more(signed_in, expect_warning):
    expect_warning("refresh reply lost")
    client = LosingClient(signed_in.client(), reaches_zelt=False)
    source = source_for(signed_in, client=client)

    fresh = source.refresh()

    assert signed_in.refreshes() == 1
    assert signed_in.me_status(fresh.access_token) == 200
    assert signed_in.store().load(signed_in.profile.id).tokens == fresh


# -- single flight -----------------------------------------------------------

def test_rejected_token_rotated_elsewhere_is_replaced_without_refresh(
        signed_in):
    first, second = source_for(signed_in), source_for(signed_in)
    first.load()
    second.load()

    rotated = first.refresh()
    adopted = second.refresh(
        rejected_access_token=signed_in.tokens.access_token)

    assert adopted == rotated
    assert signed_in.refreshes() == 1


def test_rejected_current_token_is_refreshed(signed_in):
    source = source_for(signed_in)
    source.load()

    fresh = source.refresh(rejected_access_token=signed_in.tokens.access_token)

    assert fresh.access_token != signed_in.tokens.access_token
    assert signed_in.refreshes() == 1


def test_two_sources_in_threads_refresh_once(signed_in):
    sources = [source_for(signed_in), source_for(signed_in)]
    for source in sources:
        source.load()
    results = run_together([source.refresh for source in sources])

    assert results[0] == results[1]
    assert signed_in.refreshes() == 1
    assert signed_in.me_status(results[0].access_token) == 200


def test_one_source_many_threads_refresh_once(signed_in, clocks):
    source = source_for(signed_in, clocks)
    source.load()
    clocks.advance(3500)

    tokens = run_together([source.access_token] * 4)

    assert len(set(tokens)) == 1
    assert signed_in.refreshes() == 1


def run_together(calls):
    """Run ``calls`` in threads released at the same moment."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call))
               for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
