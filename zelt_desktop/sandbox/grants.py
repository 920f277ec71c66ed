"""Authorization codes and tokens of the sandbox: issued, checked, spent."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
from typing import Callable

log = logging.getLogger(__name__)

CODE_SIZES = (30, 31, 32)  # random bytes; Base64 padding then varies
REFRESH_CLAIM_LIFETIME = 90 * 86400  # seconds; only the JWT claim says so
FILLER_SIZES = range(60, 240)  # random bytes that make tokens long
# RFC 7636 §4.1: the code_verifier's alphabet and length.
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


@dataclasses.dataclass
class CodeGrant:
    """What an authorization code stands for; spent at its first use."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    code_challenge: str | None
    issued_at: float
    used: bool = False


@dataclasses.dataclass(frozen=True)
class AccessGrant:
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float


@dataclasses.dataclass
class RefreshGrant:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    spent: bool = False


class Grants:
    """Every code and token the sandbox issued, under one lock.

    ``now`` is the sandbox clock (seconds, monotonic plus any advance);
    ``wall`` turns such a time into epoch seconds for JWT claims.
    """

    def __init__(self, now: Callable[[], float],
                 wall: Callable[[float], float], *, code_lifetime: float,
                 access_token_lifetime: float) -> None:
        self._now, self._wall = now, wall
        self.code_lifetime = code_lifetime
        self.access_token_lifetime = access_token_lifetime
        self.issuer = ""
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._codes: dict[str, CodeGrant] = {}
        self._access: dict[str, AccessGrant] = {}
        self._refresh: dict[str, RefreshGrant] = {}

    def issue_code(self, client_id: str, redirect_uri: str,
                   scopes: tuple[str, ...], code_challenge: str | None) -> str:
        # Standard Base64 on purpose: "+", "/" and "=" make clients
        # percent-encode and decode the code properly.
        code = base64.b64encode(
            secrets.token_bytes(secrets.choice(CODE_SIZES))).decode()
        grant = CodeGrant(client_id, redirect_uri, scopes, code_challenge,
                          self._now())
        with self._lock:
            self._codes[code] = grant
        log.debug("code issued to %s (%d chars)", client_id, len(code))
        return code

    def redeem_code(self, code: str, client_id: str, redirect_uri: str,
                    code_verifier: str | None) -> CodeGrant | None:
        """The code's grant, or None when it must not be exchanged."""
        with self._lock:
            grant = self._codes.get(code)
            if grant is None or grant.used:
                return _refused("code unknown or already used")
            # RFC 6749 §4.1.2: a code is single-use, spent even if refused.
            grant.used = True
        if grant.client_id != client_id:
            return _refused("code issued to another client")
        if self._now() - grant.issued_at >= self.code_lifetime:
            return _refused("code expired")
        if redirect_uri != grant.redirect_uri:
            return _refused("redirect_uri differs")
        if grant.code_challenge and not _pkce_ok(grant.code_challenge,
                                                 code_verifier):
            return _refused("code_verifier missing or wrong")
        return grant

    def issue_pair(self, client_id: str, redirect_uri: str,
                   scopes: tuple[str, ...]) -> tuple[str, str]:
        """A new access token and refresh token."""
        now = self._now()
        expires_at = now + self.access_token_lifetime
        access = self._mint("access", client_id, scopes, self._wall(now),
                            self._wall(expires_at))
        refresh = self._mint("refresh", client_id, scopes, self._wall(now),
                             self._wall(now + REFRESH_CLAIM_LIFETIME))
        with self._lock:
            self._access[access] = AccessGrant(client_id, scopes, expires_at)
            self._refresh[refresh] = RefreshGrant(client_id, redirect_uri,
                                                  scopes)
        log.debug("token pair issued to %s", client_id)
        return access, refresh

    def spend_refresh(self, refresh_token: str, client_id: str,
                      redirect_uri: str) -> RefreshGrant | None:
        """Spend a refresh token (rotation); None if it cannot be used."""
        with self._lock:
            grant = self._refresh.get(refresh_token)
            if grant is None or grant.spent:
                return _refused("refresh token unknown or spent")
            if grant.client_id != client_id:
                return _refused("refresh token of another client")
            if redirect_uri != grant.redirect_uri:
                return _refused("redirect_uri differs")
            grant.spent = True
        return grant

    def check_access(self, access_token: str) -> AccessGrant | None:
        with self._lock:
            grant = self._access.get(access_token)
        if grant is None:
            return _refused("access token unknown")
        if self._now() >= grant.expires_at:
            return _refused("access token expired")
        return grant

    def _mint(self, use: str, client_id: str, scopes: tuple[str, ...],
              issued: float, expires: float) -> str:
        """A JWT-shaped token (RFC 7519), HMAC-signed, with random filler."""
        header = {"alg": "HS256", "typ": "JWT", "kid": "zelt-sandbox"}
        claims = {
            "iss": self.issuer, "sub": "1", "client_id": client_id,
            "scope": " ".join(scopes), "token_use": use,
            "iat": int(issued), "exp": int(expires),
            "jti": secrets.token_hex(16),
            "ctx": secrets.token_urlsafe(secrets.choice(FILLER_SIZES)),
        }
        signing_input = _b64url_json(header) + "." + _b64url_json(claims)
        signature = hmac.new(self._key, signing_input.encode("ascii"),
                             hashlib.sha256).digest()
        return signing_input + "." + _b64url(signature)


def _pkce_ok(challenge: str, verifier: str | None) -> bool:
    """RFC 7636 §4.6, S256: BASE64URL(SHA256(verifier)) == challenge."""
    if not verifier or not _VERIFIER.fullmatch(verifier):
        return False
    return hmac.compare_digest(s256(verifier), challenge)


def s256(verifier: str) -> str:
    """The S256 code_challenge of ``verifier`` (RFC 7636 §4.2)."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def _refused(reason: str) -> None:
    log.debug("grant refused: %s", reason)
    return None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_json(data: dict) -> str:
    return _b64url(json.dumps(data, separators=(",", ":")).encode("utf-8"))
