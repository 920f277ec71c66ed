"""What the window and the command line share: settings and secrets.

The secret store is opened lazily, off the GUI thread, because a keyring
backend may talk to D-Bus or show an unlock prompt.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from zelt_desktop import browser
from zelt_desktop.profiles import Profile, ProfileStore, Settings
from zelt_desktop.store.secrets import (MemoryKeyring, SecretStore,
                                        open_secret_store)
from zelt_desktop.store.tokens import TokenStore

log = logging.getLogger(__name__)


@dataclasses.dataclass
class AppContext:
    """The app's outside world, injected: tests pass their own parts.

    ``profile_override`` is a profile used instead of the saved ones (the
    demo): it is never written to the settings file; ``override_secret``
    is its client secret, a public fake.
    """

    profiles: ProfileStore
    open_browser: Callable[[str], bool] = browser.open_url
    profile_override: Profile | None = None
    override_secret: str | None = None
    lock_dir: Path | None = None
    _secrets: SecretStore | None = None
    _tokens: TokenStore | None = None
    _guard: threading.Lock = dataclasses.field(
        default_factory=threading.Lock)

    @classmethod
    def create(cls, *, config_dir: Path | None = None,
               secret_store: SecretStore | None = None,
               **kwargs) -> AppContext:
        return cls(profiles=ProfileStore(config_dir), _secrets=secret_store,
                   **kwargs)

    def tokens(self) -> TokenStore:
        """The token store; opens the secret store on first use (blocking).

        Raises SecretStoreError when the operating system's store cannot be
        used; ``use_memory_store`` is the user's way out.
        """
        with self._guard:
            if self._tokens is None:
                if self._secrets is None:
                    self._secrets = open_secret_store()
                    log.info("secret store: %s", self._secrets.backend_name)
                self._tokens = TokenStore(self._secrets,
                                          lock_dir=self.lock_dir)
            return self._tokens

    def tokens_if_open(self) -> TokenStore | None:
        """The token store if something opened it already, else None."""
        return self._tokens

    @property
    def secret_store_is_memory(self) -> bool:
        return self._secrets is not None and self._secrets.is_memory

    @property
    def secret_store(self) -> SecretStore | None:
        return self._secrets

    def use_secret_store(self, secrets: SecretStore) -> None:
        with self._guard:
            self._secrets = secrets
            self._tokens = TokenStore(secrets, lock_dir=self.lock_dir)

    def use_memory_store(self) -> None:
        """Keep secrets for this session only, after the user agreed."""
        self.use_secret_store(SecretStore(MemoryKeyring()))
        log.warning("secrets are kept in memory for this session only")

    def load_settings(self) -> Settings:
        settings = self.profiles.load()
        if self.profile_override is not None:
            settings = Settings([self.profile_override],
                                self.profile_override.id)
        return settings

    def current_profile(self) -> Profile | None:
        return self.load_settings().last_used()

    def save_profile(self, profile: Profile) -> None:
        """Remember ``profile`` and make it the one that opens on start."""
        if self.profile_override is not None:
            self.profile_override = profile
            return
        settings = self.profiles.load()
        settings.put(profile)
        settings.last_profile_id = profile.id
        self.profiles.save(settings)
