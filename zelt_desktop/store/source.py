"""A valid access token for one profile, refreshed once however asked."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Callable

from zelt_desktop.errors import (NetworkError, NotConnected,
                                 RefreshRejected)
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.oauth.tokens import REFRESH_MARGIN, TokenSet
from zelt_desktop.store.tokens import StoredTokens, TokenStore

log = logging.getLogger(__name__)

# More disagreement than this between the wall clock and the monotonic
# clock since the record was loaded means a clock jump or a sleep: the
# expiry is then not to be trusted (issue 5, Expiry).
CLOCK_JUMP = 60.0  # seconds

NOT_CONNECTED_MESSAGE = "Not connected to Zelt yet. Connect to sign in."
LOST_REPLY_MESSAGE = (
    "The answer to the sign-in renewal was lost and Zelt no longer accepts "
    "the saved sign-in. Connect to Zelt again.")


class TokenSource:
    """Hands out a valid access token for one profile; refreshes single-flight.

    Refresh tokens rotate (zelt-api.md, step 3): each one is good for one
    refresh, so two refreshes racing with the same token leave one side
    signed out.  A refresh therefore holds a lock in this process and the
    profile's file lock across processes, re-reads the store under them,
    and stores the new pair, read back, before its access token is used.
    """

    def __init__(self, profile_id: str, store: TokenStore,
                 client: TokenClient, *,
                 wall_clock: Callable[[], datetime] = (
                     lambda: datetime.now(timezone.utc)),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.profile_id = profile_id
        self._store = store
        self._client = client
        self._wall_clock = wall_clock
        self._clock = clock
        self._lock = threading.RLock()
        self._current: StoredTokens | None = None
        self._unsaved: TokenSet | None = None
        self._deadline = 0.0
        self._loaded_wall = wall_clock()
        self._loaded_mono = clock()

    def load(self) -> TokenSet | None:
        """Take the stored token set; derive its monotonic deadline."""
        with self._lock:
            stored = self._store.load(self.profile_id)
            if stored is None:
                self._current = None
                return None
            self._adopt(stored)
            return stored.tokens

    def tokens(self) -> TokenSet | None:
        """The current token set; never waits for a refresh in progress."""
        current = self._current  # one read: a refresh swaps it whole
        return current.tokens if current else None

    def expires_at(self) -> datetime | None:
        tokens = self.tokens()
        return tokens.expires_at if tokens else None

    def access_token(self) -> str:
        """A valid access token, refreshed first when due.

        Raises NotConnected when nothing is stored for the profile.
        """
        with self._lock:
            if self._current is None and self.load() is None:
                raise NotConnected(NOT_CONNECTED_MESSAGE)
            if self._refresh_due():
                self.refresh()
            return self._current.tokens.access_token

    def refresh(self, rejected_access_token: str | None = None) -> TokenSet:
        """Renew the tokens, unless another process already did.

        ``rejected_access_token`` is the token the API refused (a 401
        after sleep): if the store holds another one by now, that one is
        used without asking Zelt.
        """
        with self._lock, self._store.lock(self.profile_id):
            stored = self._store.load(self.profile_id)
            if stored is None:
                raise NotConnected(NOT_CONNECTED_MESSAGE)
            if self._rotated_elsewhere(stored, rejected_access_token):
                return stored.tokens
            if self._unsaved is not None:
                return self._save(self._unsaved, received=False)
            fresh = self._renew(stored)
            if fresh is None:
                return self._current.tokens  # adopted from the store
            return self._save(fresh, received=True)

    # -- steps of a refresh ------------------------------------------------

    def _rotated_elsewhere(self, stored: StoredTokens,
                           rejected: str | None) -> bool:
        """Adopt a record someone else stored; True when it is usable."""
        known = rejected or (self._current.tokens.access_token
                             if self._current else None)
        if known is None or stored.tokens.access_token == known:
            return False
        log.debug("profile %s: the store holds newer tokens (generation "
                  "%d); using them", self.profile_id, stored.generation)
        self._unsaved = None  # its refresh token was spent before them
        self._adopt(stored)
        return rejected is not None or not self._refresh_due()

    def _renew(self, stored: StoredTokens) -> TokenSet | None:
        """New tokens from Zelt for the stored refresh token.

        None when the store turned out to hold newer tokens, now adopted.
        """
        refresh_token = stored.tokens.refresh_token
        if not refresh_token:
            raise RefreshRejected("The saved sign-in cannot be renewed. "
                                  "Connect to Zelt again.")
        try:
            fresh = self._client.refresh(refresh_token)
        except RefreshRejected as e:
            return self._after_refusal(stored, e)
        except NetworkError as e:
            return self._after_lost_reply(stored, e)
        return fresh.with_previous(stored.tokens)

    def _after_refusal(self, stored: StoredTokens,
                       error: RefreshRejected) -> None:
        """Refused: another writer may have rotated; else the user acts.

        Nothing stored is deleted and nothing retried: the user decides
        (issue 5).  Zelt's reason stays in the error's message.
        """
        again = self._store.load(self.profile_id)
        if again is not None and \
                again.tokens.access_token != stored.tokens.access_token:
            self._adopt(again)
            return None
        log.warning("profile %s: Zelt refused the refresh token",
                    self.profile_id)
        raise error

    def _after_lost_reply(self, stored: StoredTokens,
                          error: NetworkError) -> TokenSet | None:
        """The reply was lost: the refresh token may be spent or not."""
        log.warning("profile %s: refresh reply lost (%s); trying the "
                    "stored refresh token once more", self.profile_id,
                    type(error).__name__)
        again = self._store.load(self.profile_id)
        if again is None:
            raise NotConnected(NOT_CONNECTED_MESSAGE) from error
        if again.tokens.access_token != stored.tokens.access_token:
            self._adopt(again)
            return None
        try:
            fresh = self._client.refresh(again.tokens.refresh_token or "")
        except RefreshRejected as e:
            raise RefreshRejected(LOST_REPLY_MESSAGE, status=e.status,
                                  request_id=e.request_id) from e
        return fresh.with_previous(again.tokens)

    def _save(self, fresh: TokenSet, *, received: bool) -> TokenSet:
        """Store ``fresh`` (read back) before anyone uses it."""
        # Kept until stored: Zelt has spent the old refresh token, so a
        # failed write is retried with these, not with a new refresh.
        self._unsaved = fresh
        generation = self._store.save(self.profile_id, fresh)
        self._unsaved = None
        self._adopt(StoredTokens(fresh, generation), received=received)
        log.debug("profile %s: tokens renewed, generation %d, expire at %s",
                  self.profile_id, generation, fresh.expires_at.isoformat())
        return fresh

    # -- time --------------------------------------------------------------

    def _adopt(self, stored: StoredTokens, *, received: bool = False) -> None:
        """Make ``stored`` current and derive its monotonic deadline.

        Tokens just received from Zelt count their lifetime from now:
        a wall clock that disagrees with Zelt's (an ``exp`` taken from
        the JWT) must not make a fresh token look expired, or every call
        would refresh again.
        """
        self._loaded_wall = self._wall_clock()
        self._loaded_mono = self._clock()
        tokens = stored.tokens
        left = (tokens.lifetime if received
                else tokens.expires_at - self._loaded_wall)
        self._deadline = self._loaded_mono + left.total_seconds()
        self._current = stored

    def _refresh_due(self) -> bool:
        tokens = self._current.tokens
        margin = min(REFRESH_MARGIN, tokens.lifetime / 10)
        if self._deadline - self._clock() < margin.total_seconds():
            return True
        return self._clock_jumped()

    def _clock_jumped(self) -> bool:
        wall = (self._wall_clock() - self._loaded_wall).total_seconds()
        mono = self._clock() - self._loaded_mono
        if abs(wall - mono) <= CLOCK_JUMP:
            return False
        log.info("profile %s: the clock moved %+.0f s against the "
                 "monotonic clock; refreshing rather than trusting the "
                 "expiry", self.profile_id, wall - mono)
        return True
