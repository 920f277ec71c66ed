"""Token sets: lifetimes, refresh timing, storage form, no tokens shown."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest

from zelt_desktop.errors import NotConnected, ServiceUnavailable
from zelt_desktop.oauth.tokens import TokenSet

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
ACCESS = "access-token-not-real"
REFRESH = "refresh-token-not-real"


def _jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return f"{part({'alg': 'none'})}.{part(claims)}.not-a-signature"


def test_expires_in_sets_expires_at():
    tokens = TokenSet.from_response(
        {"access_token": ACCESS, "refresh_token": REFRESH,
         "expires_in": "120", "token_type": "bearer"}, now=NOW)

    assert tokens.expires_at == NOW + timedelta(seconds=120)
    assert tokens.issued_at == NOW and tokens.refresh_token == REFRESH


def test_without_expires_in_the_jwt_exp_is_used():
    exp = int((NOW + timedelta(minutes=42)).timestamp())

    tokens = TokenSet.from_response({"access_token": _jwt({"exp": exp})},
                                    now=NOW)

    assert tokens.expires_at == NOW + timedelta(minutes=42)
    assert tokens.refresh_token is None


@pytest.mark.parametrize("access", [ACCESS, "a.b.c", _jwt({"sub": "x"}),
                                    _jwt({"exp": "soon"})])
def test_without_any_lifetime_one_hour_is_assumed(access):
    tokens = TokenSet.from_response({"access_token": access,
                                     "expires_in": None}, now=NOW)

    assert tokens.expires_at == NOW + timedelta(hours=1)


@pytest.mark.parametrize("payload", [{}, {"access_token": ""},
                                     {"access_token": 5}, ["not", "a dict"]])
def test_reply_without_access_token_is_refused(payload):
    with pytest.raises(ServiceUnavailable):
        TokenSet.from_response(payload, now=NOW)


def test_reply_without_refresh_token_keeps_the_previous_one():
    old = TokenSet(ACCESS, REFRESH, NOW)
    fresh = TokenSet.from_response({"access_token": "new-access-not-real"},
                                   now=NOW)
    rotated = TokenSet("a2", "refresh-2-not-real", NOW)

    assert fresh.with_previous(old).refresh_token == REFRESH
    assert rotated.with_previous(old).refresh_token == "refresh-2-not-real"


@pytest.mark.parametrize("lifetime, remaining, due", [
    (timedelta(hours=1), timedelta(minutes=6), False),
    (timedelta(hours=1), timedelta(minutes=4), True),
    (timedelta(minutes=10), timedelta(minutes=2), False),
    (timedelta(minutes=10), timedelta(seconds=50), True),
    (timedelta(hours=1), -timedelta(seconds=1), True),
])
def test_refresh_is_due_at_min_of_5_minutes_and_a_tenth(lifetime, remaining,
                                                         due):
    issued = NOW - (lifetime - remaining)
    tokens = TokenSet(ACCESS, REFRESH, NOW + remaining, issued_at=issued)

    assert tokens.refresh_due(NOW) is due


def test_a_clock_set_back_makes_a_refresh_due():
    tokens = TokenSet(ACCESS, REFRESH, NOW + timedelta(hours=1),
                      issued_at=NOW)

    assert tokens.refresh_due(NOW - timedelta(minutes=1))


def test_json_round_trip_keeps_utc():
    tokens = TokenSet.from_response(
        {"access_token": ACCESS, "refresh_token": REFRESH,
         "expires_in": 3600}, now=NOW)

    again = TokenSet.from_json(json.loads(json.dumps(tokens.to_json())))

    assert again == tokens
    assert again.expires_at.tzinfo is not None


def test_naive_stored_time_is_read_as_utc():
    tokens = TokenSet.from_json({"access_token": ACCESS,
                                 "expires_at": "2026-01-02T03:04:05"})

    assert tokens.expires_at == NOW


@pytest.mark.parametrize("data", [{}, {"access_token": ACCESS},
                                  {"access_token": ACCESS,
                                   "expires_at": "tomorrow"}])
def test_damaged_record_means_connect_again(data):
    with pytest.raises(NotConnected):
        TokenSet.from_json(data)


def test_repr_shows_lengths_not_tokens():
    tokens = TokenSet(ACCESS, REFRESH, NOW)

    assert ACCESS not in repr(tokens) and REFRESH not in repr(tokens)
    assert f"<{len(ACCESS)} chars>" in repr(tokens)
