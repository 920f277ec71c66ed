"""The redirect back from consent: parsing queries and pasted addresses."""

from __future__ import annotations

import dataclasses
import hmac
import logging
import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from zelt_desktop.errors import (AuthError, ConsentDenied, IssuerMismatch,
                                 StateMismatch, UnusableRedirect)

if TYPE_CHECKING:
    from zelt_desktop.oauth.authorization import AuthorizationRequest

log = logging.getLogger(__name__)

# A pasted text holds a query when one of these keys appears in it;
# anything else is a bare code (which may end in "=" padding).
_QUERY_KEY = re.compile(r"(?:^|[?&#])(?:code|error|state)=")
# A query without its address: "?code=...", "#code=..." or "code=...".
_QUERY_ONLY = re.compile(r"[?#]|[A-Za-z_]+=")
_WHITESPACE = re.compile(r"\s+")
# The server's error text is shown to the user: keep it short and plain.
_ERROR_TEXT_MAX = 200
_DEFAULT_PORTS = {"http": 80, "https": 443}

# What happened only: the window and the command line each add their own
# way out (a checkbox, an option), see ui/messages.py and cli/common.py.
STALE_STATE = ("This address is from another sign-in attempt, not the one "
               "this app started last.")
BARE_CODE = ("A code on its own is taken only from a sign-in started in "
             "Zelt.")
UNREADABLE = ("This address cannot be read. Copy the whole address from "
              "your browser's address bar again and paste it here.")
PARTIAL = ("This is only part of an address. Paste the whole address "
           "your browser shows, from http:// or https:// to its end.")
FOREIGN = ("This address is not the one registered for this connection: "
           "it must start with the Redirect URI set for this app in Zelt. "
           "Paste the address your browser shows after Allow access.")


@dataclasses.dataclass(frozen=True)
class Redirect:
    """What came back from consent (RFC 6749 §4.1.2): a code or an error.

    ``received_at`` is ``time.monotonic()`` at arrival; the code's
    lifetime is counted from there, the nearest the app can know to its
    issue.  ``state_checked`` is False when the consent was started in
    Zelt and its state could not be checked.
    """

    code: str | None = dataclasses.field(repr=False)
    error: str | None
    error_description: str | None
    state: str | None = dataclasses.field(repr=False)
    iss: str | None
    received_at: float
    state_checked: bool

    def raise_for_error(self) -> None:
        """Raise ConsentDenied for access_denied, AuthError for others."""
        if self.error is None:
            return
        if self.error == "access_denied":
            raise ConsentDenied("Access was declined on the consent page. "
                                "Connect again and choose Allow access.")
        text = _plain(self.error)
        if self.error_description:
            text += ": " + _plain(self.error_description).rstrip(".")
        # A first sentence of its own: the window puts it in the title.
        raise AuthError(f"Zelt did not give access. Its reason: {text}. "
                        "Connect to Zelt again; if it happens again, ask "
                        "your Zelt admin to check the app.")


def parse_query(query: str) -> dict[str, str]:
    """The parameters of a URL query, percent-decoded exactly once.

    A literal "+" stays "+": codes hold no spaces, and decoding it as a
    space would spoil a Base64 code.  The first of repeated keys wins.
    """
    params: dict[str, str] = {}
    for part in query.lstrip("?").split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        params.setdefault(unquote(key), unquote(value))
    return params


def parse_pasted(text: str) -> tuple[str, dict[str, str] | None]:
    """Clean a pasted address or code; return it and its parameters.

    Neither an address nor a code holds whitespace, so all of it goes
    (a trailing newline, a line break from an e-mail).  The parameters
    are None for a bare code.  Raises UnusableRedirect for an address
    that cannot be read or is cut short at the front.
    """
    cleaned = _WHITESPACE.sub("", text)
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError as e:  # lone surrogates from a bad decode
        raise UnusableRedirect(UNREADABLE) from e
    if "://" in cleaned:
        try:
            parts = urlsplit(cleaned)
            parts.port  # noqa: B018 - raises for a port that is no port
        except ValueError as e:  # e.g. "http://[::1/cb": a bracket lost
            raise UnusableRedirect(UNREADABLE) from e
        query = parts.query
        if not query and _QUERY_KEY.search("#" + parts.fragment):
            query = parts.fragment
        return cleaned, parse_query(query)
    if not _QUERY_KEY.search(cleaned):
        return cleaned, None
    if not _QUERY_ONLY.match(cleaned):
        raise UnusableRedirect(PARTIAL)
    return cleaned, parse_query(cleaned.lstrip("?#"))


def accept(params: dict, *, expected_state: str | None,
           issuer: str | None = None, started_in_zelt: bool = False,
           received_at: float | None = None) -> Redirect:
    """Check a redirect's parameters and make a Redirect of them.

    The state must be the one this app sent (RFC 6749 §10.12) unless the
    user started the consent in Zelt; ``iss`` must equal a configured
    issuer (RFC 9207 §2.4) and is ignored when none is configured.
    """
    if received_at is None:
        received_at = time.monotonic()
    code = params.get("code") or None
    error = params.get("error") or None
    if code is None and error is None:
        raise UnusableRedirect(
            "This address holds neither a code nor an error. Paste the "
            "whole address your browser shows after Allow access.")

    state = params.get("state")
    matches = _same(state, expected_state)
    if not matches and not started_in_zelt:
        raise StateMismatch(STALE_STATE)
    iss = params.get("iss") or None
    if issuer and iss is not None and iss != issuer:
        raise IssuerMismatch(
            "The redirect comes from another server than the configured "
            "issuer. Check the Issuer and the Authorize URL settings.")
    return Redirect(code=code, error=error,
                    error_description=params.get("error_description"),
                    state=state, iss=iss, received_at=received_at,
                    state_checked=matches)


def from_pasted(text: str, *, request: AuthorizationRequest | None,
                started_in_zelt: bool, redirect_uris: Iterable[str | None],
                issuer: str | None = None) -> tuple[Redirect, bool]:
    """A Redirect from pasted text, and whether whitespace was trimmed.

    A whole address counts only at one of ``redirect_uris`` (scheme,
    host, port and path): a code and our state shown by another site
    must not sign the user in.  A bare code or a query alone is taken
    under the usual rules.  Raises UnusableRedirect or StateMismatch.
    """
    cleaned, params = parse_pasted(text)
    trimmed = cleaned != text
    if not cleaned:
        raise UnusableRedirect("Paste the address your browser shows.")
    if params is None:
        if not started_in_zelt:
            raise UnusableRedirect(BARE_CODE)
        log.debug("pasted a bare code of %d chars", len(cleaned))
        redirect = Redirect(code=unquote(cleaned), error=None,
                            error_description=None, state=None, iss=None,
                            received_at=time.monotonic(),
                            state_checked=False)
        return redirect, trimmed
    if "://" in cleaned and not any(same_endpoint(cleaned, uri)
                                    for uri in redirect_uris if uri):
        log.debug("refused a pasted address at another endpoint")
        raise UnusableRedirect(FOREIGN)
    expected = request.state if request is not None else None
    redirect = accept(params, expected_state=expected, issuer=issuer,
                      started_in_zelt=started_in_zelt)
    log.debug("pasted an address with %d parameters", len(params))
    return redirect, trimmed


def same_endpoint(address: str, uri: str) -> bool:
    """True when scheme, host, port and path of the two are equal.

    Malformed input is not equal to anything (no ValueError escapes).
    """
    try:
        got, want = urlsplit(address), urlsplit(uri)
        return (got.scheme.lower() == want.scheme.lower()
                and got.hostname == want.hostname
                and _port(got) == _port(want)
                and (got.path or "/") == (want.path or "/"))
    except ValueError:  # a lost bracket, a port out of range
        return False


def matches_redirect_uri(text: str, redirect_uri: str) -> bool:
    """True when ``text`` is an address at ``redirect_uri`` with a result.

    Used to notice a redirect copied to the clipboard: scheme, host, port
    and path must be equal, and a code or an error present.
    """
    cleaned = text.strip()
    if not cleaned or any(ch.isspace() for ch in cleaned):
        return False
    if not same_endpoint(cleaned, redirect_uri):
        return False
    params = parse_query(urlsplit(cleaned).query)  # it parsed just now
    return bool(params.get("code") or params.get("error"))


def _same(state: str | None, expected: str | None) -> bool:
    if state is None or expected is None:
        return False
    # A constant-time compare costs nothing here and leaks nothing.
    # "surrogatepass": a lone surrogate must compare, not raise.
    return hmac.compare_digest(state.encode("utf-8", "surrogatepass"),
                               expected.encode("utf-8", "surrogatepass"))


def _port(parts) -> int | None:
    return parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())


def _plain(text: str) -> str:
    printable = "".join(ch for ch in text if ch.isprintable())
    return printable[:_ERROR_TEXT_MAX]
