"""Token sets: the access and refresh tokens and when the access expires."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import logging
import math
from datetime import datetime, timedelta, timezone

from zelt_desktop.errors import NotConnected, ServiceUnavailable

log = logging.getLogger(__name__)

# Zelt documents access tokens of one hour; it is also the fallback when a
# reply names no lifetime (zelt-api.md, step 2).
DEFAULT_LIFETIME = timedelta(hours=1)
# Refresh when less than this, or a tenth of the lifetime, remains.
REFRESH_MARGIN = timedelta(minutes=5)


@dataclasses.dataclass(frozen=True)
class TokenSet:
    """A token reply (RFC 6749 §5.1) with ``expires_at`` in aware UTC."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime
    token_type: str = "Bearer"
    issued_at: datetime | None = None

    def __repr__(self) -> str:
        refresh = len(self.refresh_token) if self.refresh_token else 0
        return (f"TokenSet(access_token=<{len(self.access_token)} chars>, "
                f"refresh_token=<{refresh} chars>, "
                f"expires_at={self.expires_at.isoformat()})")

    @classmethod
    def from_response(cls, payload: dict, *,
                      now: datetime | None = None) -> TokenSet:
        """The token set of a 200 reply from the token endpoint.

        The lifetime is ``expires_in``; Zelt may leave it out, so then the
        access token's JWT ``exp`` claim, else one hour.
        """
        now = now or _utcnow()
        access = payload.get("access_token") if isinstance(payload, dict) \
            else None
        if not isinstance(access, str) or not access:
            raise ServiceUnavailable(
                "Zelt's answer to the sign-in is incomplete. Try again in "
                "a few minutes.")
        refresh = payload.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            refresh = None
        return cls(access_token=access, refresh_token=refresh,
                   expires_at=_expiry(payload, access, now),
                   token_type=str(payload.get("token_type") or "Bearer"),
                   issued_at=now)

    def with_previous(self, previous: TokenSet) -> TokenSet:
        """Keep the previous refresh token when the reply had none.

        RFC 6749 §6: the server may keep the refresh token unchanged.
        """
        if self.refresh_token is not None:
            return self
        return dataclasses.replace(self,
                                   refresh_token=previous.refresh_token)

    @property
    def lifetime(self) -> timedelta:
        if self.issued_at is None or self.issued_at >= self.expires_at:
            return DEFAULT_LIFETIME
        return self.expires_at - self.issued_at

    def remaining(self, now: datetime | None = None) -> timedelta:
        return self.expires_at - (now or _utcnow())

    def refresh_due(self, now: datetime | None = None) -> bool:
        """True when less than min(5 min, lifetime / 10) remains.

        A wall clock earlier than the issue time has jumped back: the
        expiry cannot be trusted, so a refresh is due too.
        """
        now = now or _utcnow()
        if self.issued_at is not None and now < self.issued_at:
            return True
        margin = min(REFRESH_MARGIN, self.lifetime / 10)
        return self.remaining(now) < margin

    def to_json(self) -> dict:
        return {"access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at.isoformat(),
                "token_type": self.token_type,
                "issued_at": (self.issued_at.isoformat()
                              if self.issued_at else None)}

    @classmethod
    def from_json(cls, data: dict) -> TokenSet:
        try:
            issued = data.get("issued_at")
            access = data["access_token"]
            if not isinstance(access, str) or not access:
                raise ValueError("no access token")
            return cls(access_token=access,
                       refresh_token=data.get("refresh_token") or None,
                       expires_at=_parse_time(data["expires_at"]),
                       token_type=data.get("token_type") or "Bearer",
                       issued_at=_parse_time(issued) if issued else None)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise NotConnected("The stored sign-in is damaged: connect "
                               "again.") from e


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _expiry(payload: dict, access_token: str, now: datetime) -> datetime:
    seconds = _positive_number(payload.get("expires_in"))
    if seconds is not None:
        return now + timedelta(seconds=seconds)
    exp = _positive_number(_jwt_claims(access_token).get("exp"))
    if exp is not None:
        log.debug("no expires_in in the token reply; using the JWT exp")
        try:
            return datetime.fromtimestamp(exp, timezone.utc)
        except (OverflowError, OSError, ValueError):
            pass
    log.debug("token reply names no lifetime; assuming one hour")
    return now + DEFAULT_LIFETIME


def _positive_number(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _jwt_claims(token: str) -> dict:
    """The claims of a JWT (RFC 7519 §3), not verified: only ``exp`` is used.

    The signature is not checked: the token is only the client's to carry,
    and a wrong ``exp`` costs no more than an early or a late refresh.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    segment = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(segment))
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}
