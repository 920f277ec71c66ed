"""Parsing redirects and pasted addresses: decoding, state, issuer."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zelt_desktop.errors import (AuthError, ConsentDenied, IssuerMismatch,
                                 StateMismatch, UnusableRedirect)
from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.oauth.redirect import (accept, from_pasted,
                                         matches_redirect_uri, parse_pasted,
                                         parse_query)

REDIRECT_URI = "http://127.0.0.1:53682/callback"
REQUEST = AuthorizationRequest("http://127.0.0.1:9/authorize", "test-client",
                               REDIRECT_URI, state="our-state",
                               code_verifier="v" * 43)


@pytest.mark.parametrize("query, expected", [
    ("code=ab%2Bcd%2Fef%3D%3D", {"code": "ab+cd/ef=="}),
    ("?code=a+b&state=s", {"code": "a+b", "state": "s"}),
    ("code=%252B", {"code": "%2B"}),  # decoded once, not twice
    ("code=first&code=second", {"code": "first"}),
    ("&&flag&code=&x=%zz", {"flag": "", "code": "", "x": "%zz"}),
])
def test_parse_query_decodes_exactly_once(query, expected):
    assert parse_query(query) == expected


@settings(max_examples=50, deadline=None, database=None)
@given(st.dictionaries(st.text(min_size=1), st.text(), max_size=5))
def test_parse_query_reverses_percent_encoding(params):
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}"
                     for k, v in params.items())

    assert parse_query(query) == params


@pytest.mark.parametrize("text, cleaned, params", [
    (" http://x/cb?code=a%2B&state=s \n", "http://x/cb?code=a%2B&state=s",
     {"code": "a+", "state": "s"}),
    ("http://x/cb?code=a\n&state=s", "http://x/cb?code=a&state=s",
     {"code": "a", "state": "s"}),
    ("code=abc&state=s", "code=abc&state=s", {"code": "abc", "state": "s"}),
    ("?error=access_denied", "?error=access_denied",
     {"error": "access_denied"}),
    ("\tabc123==\r\n", "abc123==", None),
    ("http://x/cb", "http://x/cb", {}),
])
def test_parse_pasted(text, cleaned, params):
    assert parse_pasted(text) == (cleaned, params)


def test_accept_checks_the_state():
    with pytest.raises(StateMismatch, match="another sign-in attempt"):
        accept({"code": "c", "state": "old"}, expected_state="our-state")
    with pytest.raises(StateMismatch):
        accept({"code": "c"}, expected_state="our-state")

    ours = accept({"code": "c", "state": "our-state"},
                  expected_state="our-state", received_at=5.0)
    assert ours.state_checked and ours.code == "c" and ours.received_at == 5


def test_started_in_zelt_takes_any_state_unchecked():
    theirs = accept({"code": "c", "state": "zelt-1"}, expected_state=None,
                    started_in_zelt=True)
    ours = accept({"code": "c", "state": "our-state"},
                  expected_state="our-state", started_in_zelt=True)

    assert not theirs.state_checked and ours.state_checked


@pytest.mark.parametrize("issuer, iss, ok", [
    (None, "https://anything.example", True),
    ("https://zelt.example", None, True),
    ("https://zelt.example", "https://zelt.example", True),
    ("https://zelt.example", "https://other.example", False),
])
def test_issuer_is_compared_only_when_configured(issuer, iss, ok):
    params = {"code": "c", "state": "s"}
    if iss:
        params["iss"] = iss
    if ok:
        assert accept(params, expected_state="s", issuer=issuer).iss == iss
    else:
        with pytest.raises(IssuerMismatch):
            accept(params, expected_state="s", issuer=issuer)


def test_redirect_without_code_or_error_is_unusable():
    with pytest.raises(UnusableRedirect):
        accept({"state": "s", "code": ""}, expected_state="s")


def test_errors_are_raised_plainly():
    denied = accept({"error": "access_denied", "state": "s"},
                    expected_state="s")
    other = accept({"error": "invalid_scope", "state": "s",
                    "error_description": "no\x00 such\nscope"},
                   expected_state="s")

    with pytest.raises(ConsentDenied):
        denied.raise_for_error()
    with pytest.raises(AuthError, match="invalid_scope: no suchscope") \
            as caught:
        other.raise_for_error()
    assert str(caught.value).startswith("Zelt did not give access. ")
    accept({"code": "c", "state": "s"}, expected_state="s").raise_for_error()


def paste(text: str, *, request=REQUEST, started_in_zelt: bool = False,
          redirect_uris=(REDIRECT_URI,)):
    return from_pasted(text, request=request,
                       started_in_zelt=started_in_zelt,
                       redirect_uris=redirect_uris)


def test_pasted_address_is_trimmed_and_checked():
    redirect, trimmed = paste(
        f" {REDIRECT_URI}?code=ab%2Bcd&state=our-state\n")
    _, untrimmed = paste(f"{REDIRECT_URI}?code=c&state=our-state")

    assert trimmed and not untrimmed
    assert redirect.code == "ab+cd" and redirect.state_checked


def test_pasted_foreign_state_needs_started_in_zelt():
    address = f"{REDIRECT_URI}?code=c&state=zelt-chosen"

    with pytest.raises(StateMismatch, match="another sign-in attempt"):
        paste(address)
    redirect, _ = paste(address, started_in_zelt=True)
    assert not redirect.state_checked


def test_pasted_bare_code():
    with pytest.raises(UnusableRedirect, match="taken only from a sign-in"):
        paste("ab%2Bcd")
    redirect, trimmed = paste("ab%2Bcd\n", request=None,
                              started_in_zelt=True)

    assert redirect.code == "ab+cd" and trimmed
    assert not redirect.state_checked and redirect.state is None


@pytest.mark.parametrize("text", ["", "  \n"])
def test_pasted_nothing_is_unusable(text):
    with pytest.raises(UnusableRedirect):
        paste(text, started_in_zelt=True)


@pytest.mark.parametrize("text", [
    "http://[::1/callback?code=x&state=our-state",
    "http://127.0.0.1:99999/callback?code=x&state=our-state",
    "http://127.0.0.1:port/callback?code=x&state=our-state",
    "http://[::1]x/callback?code=x&state=our-state",
    "http://\ud800/callback?code=x&state=our-state",
    "\udcff?code=x&state=our-state",
])
def test_malformed_pasted_address_is_unusable_in_plain_words(text):
    for started_in_zelt in (False, True):
        with pytest.raises(UnusableRedirect) as caught:
            paste(text, started_in_zelt=started_in_zelt)
        assert "address" in str(caught.value)


@pytest.mark.parametrize("text", [
    "http://evil.example/callback?code=c&state=our-state",
    "https://127.0.0.1:53682/callback?code=c&state=our-state",
    "http://127.0.0.1:53683/callback?code=c&state=our-state",
    "http://127.0.0.1:53682/callback/?code=c&state=our-state",
    "http://localhost:53682/callback?code=c&state=our-state",
    "http://127.0.0.1:53682/other#code=c&state=our-state",
])
def test_pasted_address_elsewhere_is_refused(text):
    for started_in_zelt in (False, True):
        with pytest.raises(UnusableRedirect, match="not the one registered"):
            paste(text, started_in_zelt=started_in_zelt)


def test_pasted_address_at_any_given_uri_is_taken():
    relay = "https://relay.example/zelt/callback"
    uris = (relay, None, REDIRECT_URI)
    for address in (f"{relay}?code=c&state=our-state",
                    f"HTTPS://RELAY.EXAMPLE:443/zelt/callback?code=c"
                    "&state=our-state",
                    f"{REDIRECT_URI}#code=c&state=our-state"):
        redirect, _ = paste(address, redirect_uris=uris)
        assert redirect.code == "c" and redirect.state_checked
    with pytest.raises(UnusableRedirect, match="not the one registered"):
        paste(f"{relay}?code=c&state=our-state")


@pytest.mark.parametrize("text", [
    "?code=c&state=our-state", "code=c&state=our-state",
    "#code=c&state=our-state", "state=our-state&code=c",
])
def test_pasted_query_alone_is_taken(text):
    redirect, _ = paste(text, redirect_uris=())

    assert redirect.code == "c" and redirect.state_checked


@pytest.mark.parametrize("text", [
    "evil.example/callback?code=c&state=our-state",
    "127.0.0.1:53682/callback?code=c&state=our-state",
    "/callback?code=c&state=our-state",
])
def test_pasted_address_cut_at_the_front_is_unusable(text):
    with pytest.raises(UnusableRedirect, match="only part of an address"):
        paste(text)


# Text that looks like addresses, broken in the ways pasting breaks them.
_PIECES = st.sampled_from([
    "http://", "https://", "://", "[", "]", "::1", "127.0.0.1", ":",
    "53682", "99999", "/callback", "?", "#", "&", "=", "code=", "state=",
    "our-state", "error=", "%", "%zz", "%ff", "\n", " ", "\x00", "@"])
_TEXT = st.one_of(
    st.text(st.characters(), max_size=80),
    st.lists(_PIECES | st.text(max_size=3), max_size=12).map("".join))


@settings(max_examples=300, deadline=None, database=None)
@given(_TEXT, st.booleans())
def test_pasted_text_raises_only_plain_errors(text, started_in_zelt):
    for request in (REQUEST, None):
        try:
            redirect, _ = paste(text, request=request,
                                started_in_zelt=started_in_zelt)
        except (UnusableRedirect, StateMismatch) as e:
            assert str(e)
        else:
            assert redirect.code or redirect.error


@settings(max_examples=300, deadline=None, database=None)
@given(_TEXT)
def test_matching_the_redirect_uri_never_raises(text):
    assert matches_redirect_uri(text, REDIRECT_URI) in (True, False)
    assert matches_redirect_uri(REDIRECT_URI + "?code=c",
                                text) in (True, False)


@pytest.mark.parametrize("text, expected", [
    (f"{REDIRECT_URI}?code=c&state=s", True),
    (f" {REDIRECT_URI}?error=access_denied\n", True),
    ("HTTP://127.0.0.1:53682/callback?code=c", True),
    (f"{REDIRECT_URI}?state=s", False),
    (f"{REDIRECT_URI}/?code=c", False),
    ("http://127.0.0.1:53683/callback?code=c", False),
    ("http://localhost:53682/callback?code=c", False),
    ("https://127.0.0.1:53682/callback?code=c", False),
    ("some text http://127.0.0.1:53682/callback?code=c", False),
    ("http://[::1:53682/callback?code=c", False),
])
def test_matches_redirect_uri(text, expected):
    assert matches_redirect_uri(text, REDIRECT_URI) is expected


def test_default_ports_match():
    assert matches_redirect_uri("https://relay.example/cb?code=c",
                                "https://relay.example:443/cb")
