"""The redirect back from consent: parsing queries and pasted addresses."""

from __future__ import annotations

import dataclasses
import hmac
import logging
import re
import time
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from zelt_desktop.errors import (AuthError, ConsentDenied, IssuerMismatch,
                                 StateMismatch, UnusableRedirect)

if TYPE_CHECKING:
    from zelt_desktop.oauth.authorization import AuthorizationRequest

log = logging.getLogger(__name__)

# A pasted text is read as a query when one of these keys appears in it;
# anything else is a bare code (which may end in "=" padding).
_QUERY_KEY = re.compile(r"(?:^|[?&#])(?:code|error|state)=")
_WHITESPACE = re.compile(r"\s+")
# The server's error text is shown to the user: keep it short and plain.
_ERROR_TEXT_MAX = 200
_DEFAULT_PORTS = {"http": 80, "https": 443}

STALE_STATE = ("This address is from another sign-in attempt: its state "
               "does not match the one this app sent. Use the newest "
               "browser tab, or start again. If you started the consent "
               "in Zelt yourself, tick 'I started it in Zelt'.")
BARE_CODE = ("Tick 'I started it in Zelt' to use a bare code, or paste "
             "the whole address your browser shows.")


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
            text += ": " + _plain(self.error_description)
        raise AuthError(f"Zelt did not grant access ({text}).")


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
    are None for a bare code.
    """
    cleaned = _WHITESPACE.sub("", text)
    if "://" in cleaned:
        parts = urlsplit(cleaned)
        query = parts.query
        if not query and _QUERY_KEY.search("#" + parts.fragment):
            query = parts.fragment
        return cleaned, parse_query(query)
    if _QUERY_KEY.search(cleaned):
        return cleaned, parse_query(cleaned.split("?", 1)[-1])
    return cleaned, None


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
                started_in_zelt: bool, issuer: str | None = None,
                ) -> tuple[Redirect, bool]:
    """A Redirect from pasted text, and whether whitespace was trimmed."""
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
    expected = request.state if request is not None else None
    redirect = accept(params, expected_state=expected, issuer=issuer,
                      started_in_zelt=started_in_zelt)
    log.debug("pasted an address with %d parameters", len(params))
    return redirect, trimmed


def matches_redirect_uri(text: str, redirect_uri: str) -> bool:
    """True when ``text`` is an address at ``redirect_uri`` with a result.

    Used to notice a redirect copied to the clipboard: scheme, host, port
    and path must be equal, and a code or an error present.
    """
    cleaned = text.strip()
    if any(ch.isspace() for ch in cleaned):
        return False
    try:
        got, want = urlsplit(cleaned), urlsplit(redirect_uri)
        same = (got.scheme.lower() == want.scheme.lower()
                and got.hostname == want.hostname
                and _port(got) == _port(want)
                and (got.path or "/") == (want.path or "/"))
    except ValueError:
        return False
    params = parse_query(got.query)
    return same and bool(params.get("code") or params.get("error"))


def _same(state: str | None, expected: str | None) -> bool:
    if state is None or expected is None:
        return False
    # A constant-time compare costs nothing here and leaks nothing.
    return hmac.compare_digest(state.encode(), expected.encode())


def _port(parts) -> int | None:
    return parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())


def _plain(text: str) -> str:
    printable = "".join(ch for ch in text if ch.isprintable())
    return printable[:_ERROR_TEXT_MAX]
