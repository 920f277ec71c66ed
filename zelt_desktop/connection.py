"""A profile's live connection: token source and API client, verified."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime

import requests

from zelt_desktop.errors import NotConnected, ServiceUnavailable
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.oauth.tokens import TokenSet
from zelt_desktop.profiles import Profile
from zelt_desktop.store.source import TokenSource
from zelt_desktop.store.tokens import TokenStore
from zelt_desktop.zelt.client import ZeltClient
from zelt_desktop.zelt.http import make_session

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Connection:
    """What the window and the command line need once signed in.

    ``warning`` is set when the token could not be verified for a reason
    that does not mean it is bad (a standards server without Zelt's
    ``/apiv2/users/me``).
    """

    profile: Profile
    source: TokenSource
    client: ZeltClient
    session: requests.Session
    connected_as: str = ""
    me: dict | None = None
    warning: str | None = None

    def renews_at(self) -> datetime | None:
        tokens = self.source.tokens()
        return tokens.expires_at if tokens else None

    def close(self) -> None:
        self.session.close()


def token_client(profile: Profile, client_secret: str,
                 session: requests.Session | None = None) -> TokenClient:
    return TokenClient(profile.token_endpoint, profile.client_id,
                       client_secret, profile.redirect_uri,
                       client_auth=profile.client_auth, session=session)


def open_connection(profile: Profile, store: TokenStore, *,
                    client_secret: str | None = None,
                    session: requests.Session | None = None,
                    verify: bool = True) -> Connection:
    """Build a connection from the stored tokens; blocking.

    Raises NotConnected when no tokens (or no client secret) are stored.
    """
    secret = client_secret or store.load_client_secret(profile.id)
    if not secret:
        raise NotConnected("The client secret is not saved on this "
                           "computer. Enter the Client secret and connect "
                           "again.")
    session = session or make_session()
    source = TokenSource(profile.id, store,
                         token_client(profile, secret, session))
    if source.load() is None:
        raise NotConnected()
    client = ZeltClient(profile.api_base_url, source, session=session)
    connection = Connection(profile, source, client, session)
    if verify:
        verify_connection(connection)
    return connection


def verify_connection(connection: Connection) -> None:
    """Call ``/apiv2/users/me`` and note whom the app is connected as.

    A server without that endpoint (404) makes this a warning, not a
    failure: the token itself was accepted by the token endpoint.
    """
    try:
        me = connection.client.me()
    except ServiceUnavailable as e:
        if e.status not in (404, 405):
            raise
        log.warning("token verification endpoint missing (%s)", e.status)
        connection.warning = ("Signed in, but this server cannot confirm "
                              "who you are.")
        connection.connected_as = connection.profile.name
        return
    connection.me = me
    connection.connected_as = describe_user(me)
    log.info("token verified")


def describe_user(record: dict | None) -> str:
    """The name, else the email, else the id of a ``/users/me`` record."""
    record = record or {}
    name = record.get("displayName") or " ".join(
        part for part in (record.get("firstName"), record.get("lastName"))
        if part)
    if name:
        return str(name)
    if record.get("emailAddress"):
        return str(record["emailAddress"])
    if record.get("userId") is not None:
        return f"user {record['userId']}"
    return "your Zelt account"


def store_tokens(store: TokenStore, profile: Profile,
                 tokens: TokenSet) -> None:
    """Save freshly exchanged tokens (the store reads them back)."""
    with store.lock(profile.id):
        store.save(profile.id, tokens)
