"""The authorization request: state, PKCE S256 and the consent URL."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qs, urlsplit

from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.profiles import Profile

PROFILE = Profile(name="test", client_id="test-client",
                  redirect_uri="http://127.0.0.1:53682/callback",
                  base_url="http://127.0.0.1:9")
# RFC 7636 Appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_every_request_has_a_fresh_state_and_verifier():
    first = AuthorizationRequest.start(PROFILE)
    second = AuthorizationRequest.start(PROFILE)

    assert first.state != second.state
    assert first.code_verifier != second.code_verifier
    assert len(first.state) >= 32
    # RFC 7636 §4.1: 43 to 128 unreserved characters.
    assert re.fullmatch(r"[A-Za-z0-9._~-]{43,128}", first.code_verifier)


def test_code_challenge_is_s256_of_the_verifier():
    request = dataclasses.replace(AuthorizationRequest.start(PROFILE),
                                  code_verifier=RFC_VERIFIER)

    assert request.code_challenge == RFC_CHALLENGE


def test_consent_url_carries_the_request():
    request = AuthorizationRequest.start(PROFILE)

    parts = urlsplit(request.url)
    query = parse_qs(parts.query, strict_parsing=True)

    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == \
        PROFILE.authorization_endpoint
    assert query == {"response_type": ["code"],
                     "client_id": ["test-client"],
                     "redirect_uri": [PROFILE.redirect_uri],
                     "state": [request.state],
                     "code_challenge": [request.code_challenge],
                     "code_challenge_method": ["S256"]}


def test_existing_query_on_the_endpoint_is_kept():
    profile = dataclasses.replace(
        PROFILE, authorize_url="http://127.0.0.1:9/authorize?tenant=a%20b#x")

    url = AuthorizationRequest.start(profile).url

    assert url.startswith("http://127.0.0.1:9/authorize?tenant=a%20b&")
    assert "#" not in url


def test_consent_started_in_zelt_has_no_challenge():
    request = AuthorizationRequest(PROFILE.authorization_endpoint,
                                   PROFILE.client_id, PROFILE.redirect_uri,
                                   state="zelt-chosen", code_verifier=None)

    assert request.code_challenge is None
    assert "code_challenge" not in request.url


def test_repr_shows_no_state_or_verifier():
    request = AuthorizationRequest.start(PROFILE)

    assert request.state not in repr(request)
    assert request.code_verifier not in repr(request)
