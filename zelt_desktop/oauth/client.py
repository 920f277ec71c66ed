"""The token client: code exchange and refresh at Zelt's token endpoint."""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from urllib.parse import quote_plus, urlsplit

import requests
import urllib3.exceptions

from zelt_desktop import __version__
from zelt_desktop.errors import (CodeExpired, InvalidSetting, NetworkError,
                                 ProxyError, RequestTimedOut, TLSError,
                                 UnusableRedirect, ZeltError)
from zelt_desktop.oauth.redirect import Redirect
from zelt_desktop.oauth.replies import (CodeContext, payload, request_id,
                                        token_error)
from zelt_desktop.oauth.tokens import TokenSet

log = logging.getLogger(__name__)

USER_AGENT = f"ZeltDesktop/{__version__} (+python-requests)"
# Zelt: a code expires 3 minutes after it is issued (zelt-api.md, step 1).
CODE_LIFETIME = 180.0
TIMEOUT = 30.0


class _ClientAuth(requests.auth.AuthBase):
    """Puts the client's Authorization header on a request.

    Being an auth object, it also keeps requests from replacing the header
    with credentials from a ~/.netrc file.
    """

    def __init__(self, value: str) -> None:
        self._value = value

    def __call__(self, request):
        request.headers["Authorization"] = self._value
        return request


def basic_credentials(client_id: str, client_secret: str,
                      style: str = "basic") -> str:
    """The Authorization header value for the client's credentials.

    "basic" is Zelt's documented form, the raw ``id:secret`` in Base64,
    exactly what ``curl -u`` sends.  "rfc6749" form-urlencodes id and
    secret first (RFC 6749 §2.3.1), for servers that follow the RFC.
    """
    if style == "rfc6749":
        client_id = quote_plus(client_id, safe="")
        client_secret = quote_plus(client_secret, safe="")
    elif style != "basic":
        raise InvalidSetting("Choose a client authentication style.",
                             field="client_auth")
    raw = f"{client_id}:{client_secret}".encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


class TokenClient:
    """Exchanges codes and refresh tokens at one token endpoint."""

    def __init__(self, token_endpoint: str, client_id: str,
                 client_secret: str, redirect_uri: str, *,
                 client_auth: str = "basic",
                 session: requests.Session | None = None,
                 timeout: float = TIMEOUT,
                 code_lifetime: float = CODE_LIFETIME,
                 clock=time.monotonic) -> None:
        self.token_endpoint = token_endpoint
        self.redirect_uri = redirect_uri
        self._auth = _ClientAuth(
            basic_credentials(client_id, client_secret, client_auth))
        self._owns_session = session is None
        self._session = session or requests.Session()
        self._timeout = timeout
        self._code_lifetime = code_lifetime
        self._clock = clock
        # SHA-256 of every code sent, to explain a refusal of a reused one
        # without keeping the code itself.
        self._sent: set[bytes] = set()
        self._host = urlsplit(token_endpoint).hostname or "Zelt"

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> TokenClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def exchange(self, redirect: Redirect,
                 code_verifier: str | None) -> TokenSet:
        """Trade the redirect's code for tokens (RFC 6749 §4.1.3)."""
        if redirect.code is None:
            redirect.raise_for_error()
            raise UnusableRedirect(
                "This address holds no sign-in code. Paste the whole "
                "address your browser shows after Allow access.")
        age = self._clock() - redirect.received_at
        if age > self._code_lifetime:
            raise CodeExpired(
                f"The sign-in code arrived {age:.0f} s ago, and Zelt "
                f"accepts a code for {self._code_lifetime:.0f} s only. "
                "Start the sign-in again.")

        data = {"grant_type": "authorization_code", "code": redirect.code,
                "redirect_uri": self.redirect_uri}
        if code_verifier:
            data["code_verifier"] = code_verifier
        digest = hashlib.sha256(redirect.code.encode("utf-8")).digest()
        code = CodeContext(age=age, sent_before=digest in self._sent,
                           lifetime=self._code_lifetime)
        # Counted as sent from here on: the request may reach Zelt.
        self._sent.add(digest)
        log.debug("exchanging a code of %d chars, %.1f s old, verifier %s",
                  len(redirect.code), age, "sent" if code_verifier else "none")

        response = self._post(data)
        if not 200 <= response.status_code < 300:
            raise token_error(response, code=code)
        return TokenSet.from_response(payload(response))

    def refresh(self, refresh_token: str) -> TokenSet:
        """New tokens for a refresh token (RFC 6749 §6).

        Zelt requires the redirect_uri here too.  A reply without a
        refresh token leaves it None: the caller keeps the old one with
        ``TokenSet.with_previous``.
        """
        data = {"grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "redirect_uri": self.redirect_uri}
        log.debug("refreshing with a refresh token of %d chars",
                  len(refresh_token))
        response = self._post(data)
        if not 200 <= response.status_code < 300:
            raise token_error(response, code=None)
        return TokenSet.from_response(payload(response))

    def _post(self, data: dict) -> requests.Response:
        """POST the form; retry once only if it never left this machine.

        A code is single-use: a request that may have reached the server
        is never sent again (it could spend the code twice).
        """
        try:
            return self._send(data)
        except requests.RequestException as e:
            if not _refused_before_sending(e):
                raise self._network_error(e) from e
            log.info("could not connect to %s; trying once more", self._host)
        try:
            return self._send(data)
        except requests.RequestException as e:
            raise self._network_error(e) from e

    def _send(self, data: dict) -> requests.Response:
        response = self._session.post(
            self.token_endpoint, data=data, auth=self._auth,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=self._timeout, allow_redirects=False)
        log.debug("token endpoint answered HTTP %d (request id %s)",
                  response.status_code, request_id(response))
        return response

    def _network_error(self, e: requests.RequestException) -> ZeltError:
        host = self._host
        if isinstance(e, requests.exceptions.SSLError):
            return TLSError(f"The secure connection to {host} could not be "
                            "verified. If your company inspects web "
                            "traffic, its certificate must be installed "
                            "on this computer.")
        if isinstance(e, requests.exceptions.ProxyError):
            return ProxyError(f"The proxy failed the connection to {host}. "
                              "Check the proxy settings of this computer.")
        if isinstance(e, requests.Timeout):
            # The code may be spent already: never sent twice (issue 5).
            return RequestTimedOut(f"{host} did not answer in time. Start "
                                   "the sign-in again.")
        return NetworkError(f"{host} could not be reached. Check the "
                            "network connection and the Token URL.")


def _refused_before_sending(e: requests.RequestException) -> bool:
    """True for a connection that failed before any byte was sent."""
    if type(e) is not requests.ConnectionError or not e.args:
        return False
    reason = getattr(e.args[0], "reason", None)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)
