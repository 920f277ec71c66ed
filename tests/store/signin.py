"""Helpers of the store tests: a real sign-in at the sandbox, and clocks."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import requests

from tests.helpers import free_port
from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.oauth.redirect import accept, parse_query
from zelt_desktop.oauth.tokens import TokenSet
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot
from zelt_desktop.store.secrets import MemoryKeyring, SecretStore
from zelt_desktop.store.tokens import TokenStore

CLIENT_ID = "store-test-client"
CLIENT_SECRET = "test-secret-not-real"
PROFILE_ID = "0123456789abcdef0123456789abcdef"


class Clocks:
    """A wall clock and a monotonic clock that a test moves by hand."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.wall = datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return self.mono

    def now(self) -> datetime:
        return self.wall

    def advance(self, seconds: float, *, wall: float | None = None) -> None:
        """Move both clocks; ``wall`` moves the wall clock differently."""
        self.mono += seconds
        self.wall += timedelta(seconds=seconds if wall is None else wall)


@dataclasses.dataclass
class SignedIn:
    """A profile with real sandbox tokens saved in a store."""

    sandbox: object
    profile: Profile
    backend: MemoryKeyring
    lock_dir: object
    tokens: TokenSet
    clients: list[TokenClient]

    def client(self) -> TokenClient:
        """A token client of its own, closed at the end of the test."""
        client = TokenClient(self.profile.token_endpoint, CLIENT_ID,
                             CLIENT_SECRET, self.profile.redirect_uri)
        self.clients.append(client)
        return client

    def store(self, backend=None) -> TokenStore:
        """A TokenStore of its own over the same secret-store backend."""
        return TokenStore(SecretStore(backend or self.backend),
                          lock_dir=self.lock_dir)

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def refreshes(self) -> int:
        """How many refresh requests the sandbox has received."""
        return sum(1 for form in self.sandbox.token_requests
                   if form.get("grant_type") == "refresh_token")

    def me_status(self, access_token: str) -> int:
        """The status of /apiv2/users/me with ``access_token``."""
        with requests.Session() as session:
            return session.get(
                self.sandbox.base_url + "/apiv2/users/me", timeout=10,
                headers={"Authorization": f"Bearer {access_token}"},
            ).status_code


def sign_in(sandbox, profile: Profile) -> TokenSet:
    """A consent pressed by the robot, then a real code exchange."""
    request = AuthorizationRequest.start(profile)
    # Nothing listens at the redirect URI: the robot does not follow it.
    location = robot.press(request.url, follow=False)
    redirect = accept(parse_query(urlsplit(location).query),
                      expected_state=request.state)
    with TokenClient(profile.token_endpoint, CLIENT_ID, CLIENT_SECRET,
                     profile.redirect_uri) as client:
        return client.exchange(redirect, request.code_verifier)


def signed_in_at(sandbox, lock_dir) -> SignedIn:
    """Register an app, sign in, and save the tokens in a new store."""
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    sandbox.register_app(CLIENT_ID, CLIENT_SECRET, redirect_uri)
    profile = Profile(name="store test", client_id=CLIENT_ID,
                      redirect_uri=redirect_uri, base_url=sandbox.base_url,
                      id=PROFILE_ID)
    backend = MemoryKeyring(max_entry_chars=1280)
    state = SignedIn(sandbox, profile, backend, lock_dir,
                     sign_in(sandbox, profile), [])
    state.store().save(profile.id, state.tokens)
    return state
