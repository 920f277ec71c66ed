"""A strict RFC 6749 authorization server and resource server, for tests.

Where the sandbox copies Zelt, this one follows the RFCs to the letter:
client_secret_basic with id and secret form-urlencoded (RFC 6749 §2.3.1),
errors as §5.2 JSON, ``iss`` on every redirect (RFC 9207), refresh
replies that keep the refresh token (§6) and no ``/apiv2/users/me``.
Consent is given at once: a GET of the authorize URL redirects.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import http.server
import json
import secrets
import threading
import time
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

import requests

from tests.helpers import serving

AUTHORIZE_PATH = "/oauth2/authorize"
TOKEN_PATH = "/oauth2/token"
USERS_PATH = "/apiv2/users"
CODE_LIFETIME = 600.0  # seconds; RFC 6749 §4.1.2 advises at most 10 min
REALM = "rfc-test"
FORM_TYPE = "application/x-www-form-urlencoded"
# RFC 6749 §5.1: token replies are never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclasses.dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: tuple[str, str] | None  # (code_challenge, method)
    issued_at: float
    used: bool = False
    tokens: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _Refresh:
    client_id: str
    revoked: bool = False


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        server: RFCServer = self.server.owner
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        if parts.path == AUTHORIZE_PATH:
            self._send(*server.authorize(query))
        elif parts.path == USERS_PATH:
            self._send(*server.users(self.headers.get("Authorization"),
                                     query))
        else:  # /apiv2/users/me among them: not a standard endpoint
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        server: RFCServer = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        if urlsplit(self.path).path != TOKEN_PATH:
            self._send(404, {"error": "not_found"})
            return
        self._send(*server.token(self.headers.get("Authorization"),
                                 self.headers.get("Content-Type", ""),
                                 parse_qs(body, keep_blank_values=True)))

    def _send(self, status: int, body, headers: dict | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args) -> None:
        pass  # standard error may be None; tests read the records instead


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up is no failure of the server


class RFCServer:
    """Registered clients, codes and tokens, and the HTTP server.

    ``redirect_iss`` is the ``iss`` put on redirects (the issuer unless a
    test changes it); ``token_requests`` and ``issued`` record every form
    received and every code or token handed out.
    """

    def __init__(self, *, people: int = 12,
                 access_token_lifetime: int = 3600) -> None:
        self.people = [{"userId": n, "firstName": "Test",
                        "lastName": f"Person {n}"}
                       for n in range(1, people + 1)]
        self.access_token_lifetime = access_token_lifetime
        self.token_requests: list[dict[str, str]] = []
        self.authorization_headers: list[str] = []
        self.issued: list[str] = []
        self.redirect_iss: str | None = None
        self._clients: dict[str, tuple[str, str]] = {}
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, float] = {}  # token: expiry (monotonic)
        self._refresh: dict[str, _Refresh] = {}
        self._lock = threading.Lock()
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.issuer = self.base_url
        self.redirect_iss = self.issuer

    @property
    def authorize_url(self) -> str:
        return self.base_url + AUTHORIZE_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def __enter__(self) -> RFCServer:
        self._serving = serving(self._httpd)
        self._serving.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._serving.__exit__(*exc)

    def register(self, client_id: str, secret: str,
                 redirect_uri: str) -> None:
        self._clients[client_id] = (secret, redirect_uri)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (a long sleep)."""
        with self._lock:
            self._access = dict.fromkeys(self._access, 0.0)

    def refreshes(self) -> int:
        return sum(1 for form in self.token_requests
                   if form.get("grant_type") == "refresh_token")

    # -- the authorization endpoint (RFC 6749 §4.1.1, §4.1.2) ------------

    def authorize(self, query: dict[str, list[str]]):
        client_id = _single(query, "client_id")
        client = self._clients.get(client_id or "")
        redirect_uri = _single(query, "redirect_uri")
        # §4.1.2.1: an unknown client or redirect URI is never redirected to.
        if client is None or redirect_uri not in (None, client[1]):
            return 400, {"error": "invalid_request"}
        redirect_uri = client[1]
        state = _single(query, "state")
        if any(len(values) > 1 for values in query.values()):
            return _redirect(redirect_uri, error="invalid_request",
                             state=state, iss=self.redirect_iss)
        if _single(query, "response_type") != "code":
            return _redirect(redirect_uri, error="unsupported_response_type",
                             state=state, iss=self.redirect_iss)
        challenge = _single(query, "code_challenge")
        method = _single(query, "code_challenge_method") or "plain"
        if challenge and method not in ("S256", "plain"):
            return _redirect(redirect_uri, error="invalid_request",
                             state=state, iss=self.redirect_iss)

        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(
                client_id, redirect_uri,
                (challenge, method) if challenge else None, time.monotonic())
            self.issued.append(code)
        return _redirect(redirect_uri, code=code, state=state,
                         iss=self.redirect_iss)

    # -- the token endpoint (§3.2, §4.1.3, §6) ---------------------------

    def token(self, authorization: str | None, content_type: str,
              form: dict[str, list[str]]):
        params = {name: values[0] for name, values in form.items()}
        with self._lock:
            self.token_requests.append(params)
            if authorization:
                self.authorization_headers.append(authorization)
        if content_type.split(";")[0].strip().lower() != FORM_TYPE or \
                any(len(values) > 1 for values in form.values()):
            return _error("invalid_request")
        # §2.3: one authentication method only.
        if authorization and "client_secret" in params:
            return _error("invalid_request")
        client_id = self._authenticate(authorization)
        if client_id is None:
            # §5.2: 401 and a challenge of the scheme the client used.
            return _error("invalid_client", 401,
                          {"WWW-Authenticate": f'Basic realm="{REALM}"'})
        grant_type = params.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange(client_id, params)
        if grant_type == "refresh_token":
            return self._renew(client_id, params)
        return _error("unsupported_grant_type" if grant_type
                      else "invalid_request")

    def _authenticate(self, authorization: str | None) -> str | None:
        """The client of a client_secret_basic header (§2.3.1), or None."""
        scheme, _, value = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip(), validate=True)
            raw_id, colon, raw_secret = decoded.decode("ascii").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        # Appendix B: both parts are form-urlencoded before Base64.
        client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        client = self._clients.get(client_id)
        if not colon or client is None or not hmac.compare_digest(
                secret.encode("utf-8"), client[0].encode("utf-8")):
            return None
        return client_id

    def _exchange(self, client_id: str, params: dict[str, str]):
        with self._lock:
            grant = self._codes.get(params.get("code", ""))
            if grant is not None and grant.used:
                # §4.1.2: a code used twice revokes what it gave.
                for token in grant.tokens:
                    self._access.pop(token, None)
                    self._refresh.pop(token, None)
                return _error("invalid_grant")
            if grant is None:
                return _error("invalid_grant")
            grant.used = True
        if grant.client_id != client_id or \
                time.monotonic() - grant.issued_at > CODE_LIFETIME or \
                params.get("redirect_uri") != grant.redirect_uri or \
                not _verifier_ok(grant.challenge,
                                 params.get("code_verifier")):
            return _error("invalid_grant")
        access, refresh = self._new_access(), secrets.token_urlsafe(48)
        with self._lock:
            self._refresh[refresh] = _Refresh(client_id)
            self.issued.append(refresh)
            grant.tokens += [access, refresh]
        return self._reply(access, refresh)

    def _renew(self, client_id: str, params: dict[str, str]):
        with self._lock:
            grant = self._refresh.get(params.get("refresh_token", ""))
        if grant is None or grant.revoked or grant.client_id != client_id:
            return _error("invalid_grant")
        # §6: the server MAY issue a new refresh token; this one does not,
        # so the client must keep the one it has.
        return self._reply(self._new_access(), None)

    def _new_access(self) -> str:
        token = secrets.token_urlsafe(40)
        with self._lock:
            self._access[token] = (time.monotonic()
                                   + self.access_token_lifetime)
            self.issued.append(token)
        return token

    def _reply(self, access: str, refresh: str | None):
        body = {"access_token": access, "token_type": "bearer",
                "expires_in": self.access_token_lifetime}
        if refresh is not None:
            body["refresh_token"] = refresh
        return 200, body, NO_STORE

    # -- the resource server (RFC 6750) ----------------------------------

    def users(self, authorization: str | None, query: dict[str, list[str]]):
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return 401, None, {"WWW-Authenticate": f'Bearer realm="{REALM}"'}
        with self._lock:
            expiry = self._access.get(token)
        if expiry is None or time.monotonic() >= expiry:
            return 401, None, {"WWW-Authenticate": f'Bearer realm="{REALM}"'
                                                   ', error="invalid_token"'}
        try:
            page = int(_single(query, "page") or 1)
            size = int(_single(query, "pageSize") or 100)
        except ValueError:
            return 400, {"error": "invalid_request"}
        if page < 1 or size < 1:
            return 400, {"error": "invalid_request"}
        return 200, self.people[(page - 1) * size:page * size]


def approve(consent_url: str, *, follow: bool = True,
            timeout: float = 10.0) -> str:
    """Play the browser: open the consent URL, follow its redirect once.

    Returns the redirect's address; with ``follow`` it is also requested,
    so that the app's listener receives it.
    """
    with requests.Session() as session:
        session.trust_env = False  # loopback only, whatever the proxy
        answer = session.get(consent_url, allow_redirects=False,
                             timeout=timeout)
        location = answer.headers.get("Location")
        if answer.status_code != 302 or not location:
            raise RuntimeError(f"no redirect (HTTP {answer.status_code})")
        if follow:
            session.get(location, allow_redirects=False, timeout=timeout)
    return location


def _single(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _redirect(uri: str, **params: str | None):
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if urlsplit(uri).query else "?"
    return 302, None, {"Location": uri + separator + query}


def _error(error: str, status: int = 400, headers: dict | None = None):
    return status, {"error": error}, dict(NO_STORE, **(headers or {}))


def _verifier_ok(challenge: tuple[str, str] | None,
                 verifier: str | None) -> bool:
    """RFC 7636 §4.6; a code without a challenge needs no verifier."""
    if challenge is None:
        return True
    if not verifier:
        return False
    expected, method = challenge
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        verifier = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(verifier, expected)
