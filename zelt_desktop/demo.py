"""The demo: a sandbox Zelt on loopback and a profile of its own.

The demo's profile is never saved to the settings file, and its entries
in the secret store are removed when the demo ends; a fixed id means that
a demo killed before its clean-up is cleaned by the next one.
"""

from __future__ import annotations

import logging
import socket

from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.sandbox.server import DEMO_CLIENT_SECRET, SandboxServer
from zelt_desktop.store.tokens import TokenStore

log = logging.getLogger(__name__)

DEMO_PROFILE_ID = "demo"


class Demo:
    """Starts and stops the sandbox and describes the demo profile."""

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.server = SandboxServer(options or SandboxOptions())
        self.profile: Profile | None = None
        self.client_secret = DEMO_CLIENT_SECRET

    def start(self) -> Profile:
        self.server.start()
        redirect_uri = f"http://127.0.0.1:{_free_port()}/callback"
        app = self.server.register_demo_app(redirect_uri)
        self.profile = Profile(
            name="Demo company (sandbox)", client_id=app.client_id,
            redirect_uri=app.redirect_uri, base_url=self.server.base_url,
            id=DEMO_PROFILE_ID)
        log.info("demo sandbox started")
        return self.profile

    def forget(self, store: TokenStore | None) -> None:
        """Remove the demo's entries from the secret store."""
        if store is None:
            return
        try:
            store.forget_profile(DEMO_PROFILE_ID)
        except Exception as e:  # noqa: BLE001 - clean-up must not fail exit
            log.warning("could not remove the demo's secrets: %s",
                        type(e).__name__)

    def stop(self, store: TokenStore | None = None) -> None:
        self.forget(store)
        self.server.stop()


def _free_port() -> int:
    """A free loopback port for the demo's redirect URI.

    The sandbox registers the redirect URI before the listener binds it;
    a port taken in between gives a plain "port in use" message.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
