"""The token record and client secret of each profile, in the secret store.

Entries of service ``zelt-desktop`` (docs/architecture.md): ``ID/tokens``
is a pointer ``{"generation": G, "chunks": N, "version": 1}``, the record
itself is the JSON of the token set in chunks ``ID/tokens/G/0`` …
``ID/tokens/G/N-1`` (one chunk where the backend's entry size allows), and
``ID/client-secret`` the client secret.  Every access holds the profile's
lock, shared between processes.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

from zelt_desktop.errors import SecretStoreError
from zelt_desktop.oauth.tokens import TokenSet
from zelt_desktop.store.chunks import ChunkedEntry
from zelt_desktop.store.lock import DEFAULT_TIMEOUT, ProfileLock, profile_lock
from zelt_desktop.store.secrets import SecretStore

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class StoredTokens:
    """A token set as stored, with the generation that holds it."""

    tokens: TokenSet
    generation: int


class TokenStore:
    """Loads and saves the token record and client secret of profiles."""

    def __init__(self, secrets: SecretStore, *,
                 lock_dir: Path | None = None,
                 lock_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.secrets = secrets
        self.lock_dir = lock_dir
        self.lock_timeout = lock_timeout
        self._locks: dict[str, ProfileLock] = {}

    def lock(self, profile_id: str) -> ProfileLock:
        """The profile's lock; the same object each time, so re-entrant."""
        if profile_id not in self._locks:
            self._locks[profile_id] = profile_lock(
                profile_id, self.lock_dir, self.lock_timeout)
        return self._locks[profile_id]

    # -- tokens ------------------------------------------------------------

    def load(self, profile_id: str) -> StoredTokens | None:
        """The stored token set, or None when the profile has none.

        Raises NotConnected when the record is damaged, SecretStoreError
        when the store cannot be read.
        """
        entry = self._tokens(profile_id)
        with self.lock(profile_id):
            found = entry.read()
            self._clean(entry)
        if found is None:
            log.debug("no tokens stored for profile %s", profile_id)
            return None
        text, generation = found
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        tokens = TokenSet.from_json(data if isinstance(data, dict) else {})
        log.debug("loaded tokens of profile %s, generation %d",
                  profile_id, generation)
        return StoredTokens(tokens, generation)

    def save(self, profile_id: str, tokens: TokenSet) -> int:
        """Store ``tokens`` durably; return the record's new generation.

        The record is read back before this returns.  A failed write
        raises SecretStoreError and leaves the previous record in place.
        """
        text = json.dumps(tokens.to_json(), separators=(",", ":"))
        with self.lock(profile_id):
            generation = self._tokens(profile_id).write(text)
        log.debug("saved tokens of profile %s, generation %d (%d chars)",
                  profile_id, generation, len(text))
        return generation

    def delete(self, profile_id: str) -> None:
        """Remove the token record: the pointer first, then its chunks."""
        with self.lock(profile_id):
            self._tokens(profile_id).delete()
        log.debug("deleted tokens of profile %s", profile_id)

    # -- the client secret -------------------------------------------------

    def load_client_secret(self, profile_id: str) -> str | None:
        entry = self._client_secret(profile_id)
        with self.lock(profile_id):
            found = entry.read()
            self._clean(entry)
        return found[0] if found else None

    def save_client_secret(self, profile_id: str, secret: str) -> None:
        """Store the client secret; chunked only past the entry limit."""
        with self.lock(profile_id):
            self._client_secret(profile_id).write(secret)
        log.debug("saved the client secret of profile %s (%d chars)",
                  profile_id, len(secret))

    def delete_client_secret(self, profile_id: str) -> None:
        with self.lock(profile_id):
            self._client_secret(profile_id).delete()
        log.debug("deleted the client secret of profile %s", profile_id)

    def forget_profile(self, profile_id: str) -> None:
        """Remove everything stored for the profile: tokens and secret."""
        with self.lock(profile_id):
            self.delete(profile_id)
            self.delete_client_secret(profile_id)

    # -- helpers -----------------------------------------------------------

    def _tokens(self, profile_id: str) -> ChunkedEntry:
        return ChunkedEntry(self.secrets, f"{profile_id}/tokens")

    def _client_secret(self, profile_id: str) -> ChunkedEntry:
        return ChunkedEntry(self.secrets, f"{profile_id}/client-secret",
                            inline=True)

    @staticmethod
    def _clean(entry: ChunkedEntry) -> None:
        # Leftovers only cost space: a failure to remove them must not
        # keep a readable record from being used.
        try:
            entry.clean()
        except SecretStoreError as e:
            log.warning("could not remove leftovers of %s: %s",
                        entry.base, type(e).__name__)
