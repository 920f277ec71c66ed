"""Live checks of the credentials fields: a tick, or a hint in plain words.

No Qt here: the form shows what these functions say.  The hard rules are
Profile.validate's; the hints add what a person needs to fix a field.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from zelt_desktop.errors import InvalidSetting
from zelt_desktop.profiles import (DEFAULT_REDIRECT_URI, Profile,
                                   is_loopback_uri)

# Fields that may stay empty: they then follow another field.
OPTIONAL = ("base_url", "authorize_url", "token_url", "listen_url",
            "issuer")
_EMPTY = {
    "name": "Give this connection a name, such as your company's.",
    "client_id": "Paste the Client ID from the app's App credentials "
                 "page in Zelt.",
    "client_secret": "Paste the Client secret from the App credentials "
                     "page in Zelt.",
    "redirect_uri": "Enter the Redirect URI registered for the app in "
                    "Zelt.",
}
_ENDPOINT_HINT = ("This address starts with https://, such as "
                  "https://go.zelt.app.")


@dataclasses.dataclass(frozen=True)
class Check:
    """The verdict on one field: ``ok`` with a short note, or a hint."""

    ok: bool
    text: str

    def __str__(self) -> str:
        return f"✓ {self.text}" if self.ok else f"⚠ {self.text}"


def check_field(name: str, value: str) -> Check | None:
    """The verdict on field ``name``; None for an empty optional field."""
    value = value.strip()
    if not value:
        return None if name in OPTIONAL else Check(
            False, _EMPTY.get(name, "This field is needed."))
    checker = _CHECKERS.get(name)
    return checker(value) if checker else Check(True, "Looks right.")


def _client_id(value: str) -> Check:
    if any(char.isspace() for char in value):
        return Check(False, "A Client ID has no spaces: copy it again.")
    if "://" in value:
        return Check(False, "This is an address, not a Client ID.")
    if len(value) < 4:
        return Check(False, "This looks too short for a Client ID.")
    return Check(True, "Looks like a Client ID.")


def _client_secret(value: str) -> Check:
    if any(char.isspace() for char in value):
        return Check(False, "A Client secret has no spaces: copy it again.")
    return Check(True, "Entered.")


def _redirect_uri(value: str) -> Check:
    hint = _rule(redirect_uri=value)
    if hint is None and is_loopback_uri(value):
        return Check(True, "The app catches the sign-in at this address.")
    if hint is None and urlsplit(value).scheme == "https":
        return Check(True, "You paste the address back, or use a relay "
                           "page.")
    # RFC 8252 §7.3: a loopback redirect names the address and a port.
    return Check(False, "Use http://127.0.0.1:PORT/PATH (such as "
                        f"{DEFAULT_REDIRECT_URI}) or an https:// address.")


def _endpoint(field: str):
    def check(value: str) -> Check:
        if _rule(**{field: value}) is None and _secure_or_local(value):
            return Check(True, "Looks right.")
        return Check(False, _ENDPOINT_HINT)
    return check


def _listen_url(value: str) -> Check:
    if is_loopback_uri(value):
        return Check(True, "The app listens at this address.")
    return Check(False, "The listener address is on this computer: "
                        f"http://127.0.0.1:PORT/PATH, such as "
                        f"{DEFAULT_REDIRECT_URI}.")


def _secure_or_local(value: str) -> bool:
    """https, or http to this computer (a sandbox or a local proxy)."""
    scheme = urlsplit(value).scheme
    return scheme == "https" or (scheme == "http" and is_loopback_uri(value))


def _rule(**field: str) -> str | None:
    """Profile.validate's message for one field, or None if it passes."""
    (name, value), = field.items()
    try:
        Profile(name="check", client_id="check", **field).validate()
    except InvalidSetting as e:
        return str(e) if e.field == name else None
    return None


_CHECKERS = {
    "client_id": _client_id,
    "client_secret": _client_secret,
    "redirect_uri": _redirect_uri,
    "base_url": _endpoint("base_url"),
    "authorize_url": _endpoint("authorize_url"),
    "token_url": _endpoint("token_url"),
    "issuer": _endpoint("issuer"),
    "listen_url": _listen_url,
}
