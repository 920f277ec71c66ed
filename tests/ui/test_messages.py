"""Every error the window can show, in plain words with the fix once."""

from __future__ import annotations

import re

import pytest
import requests

from tests.ui.core_messages import core_messages, error_classes
from zelt_desktop import errors
from zelt_desktop.oauth import redirect
from zelt_desktop.oauth.replies import CodeContext, token_error
from zelt_desktop.ui.messages import (STARTED_IN_ZELT, explain, has_jargon,
                                      sentences)

# Phrases that each name one kind of fix: a text that holds two of one
# kind repeats its advice in other words.
FIXES = {
    # ("To start again, click Connect to Zelt" is one fix, with its why.)
    "sign in again": r"click connect to zelt|connect to zelt|connect again"
                     r"|(?<!to )start (?:the sign-in )?again"
                     r"|(?<!to )sign in again|run (?:zelt-desktop )?login",
    "credentials": r"app credentials",
    "retry": r"try again",
    "advanced": r"under advanced",
    "allow": r"allow access",
}


def problems(shown: str, title: str = "") -> list[str]:
    """What is wrong with a text a person sees, if anything."""
    found = []
    if has_jargon(f"{title} {shown}"):
        found.append("jargon")
    parts = [_words(s) for s in sentences(shown)]
    parts += [_words(title)] if title else []
    for i, one in enumerate(parts):
        for other in parts[i + 1:]:
            shorter, longer = sorted((one, other), key=len)
            if shorter and longer[:len(shorter)] == shorter:
                found.append(f"repeated: {' '.join(shorter)!r}")
    for kind, pattern in FIXES.items():
        if len(re.findall(pattern, shown, re.IGNORECASE)) > 1:
            found.append(f"fix given twice: {kind}")
    return found


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text.casefold())


def check(error: BaseException) -> None:
    shown = explain(error)
    assert shown.title and shown.text, error
    assert problems(str(shown), shown.title) == [], (
        type(error).__name__, shown)


def test_the_checker_catches_what_the_tester_reported():
    assert problems("Fix: copy the Client ID from the App credentials "
                    "page. Copy the Client ID again from the App "
                    "credentials page.")
    assert problems("Connect again and choose Allow access. Connect to "
                    "Zelt and choose Allow access.")
    assert problems("The state does not match.")
    assert problems("Zelt is limiting requests. Wait.",
                    "Zelt is limiting requests")
    assert problems("Zelt refused the token (HTTP 401).")
    assert problems("Check the Token URL under Advanced. Check the Base "
                    "URL under Advanced.")
    assert not problems("Check the Token URL under Advanced.")


@pytest.mark.parametrize("cls", error_classes(), ids=lambda c: c.__name__)
def test_every_error_class_raised_without_a_message_reads_plainly(cls):
    check(cls())


@pytest.mark.parametrize("cls,message", core_messages(),
                         ids=lambda v: getattr(v, "__name__", "")[:20])
def test_every_message_the_core_raises_reads_plainly(cls, message):
    check(cls(message))


def reply(status: int, challenge: str = "", content_type: str = "",
          body: bytes = b"") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    if challenge:
        response.headers["WWW-Authenticate"] = challenge
    if content_type:
        response.headers["Content-Type"] = content_type
    return response


REPLIES = [reply(401), reply(401, 'Basic error="invalid_client"'),
           reply(400, body=b'{"error": "invalid_grant"}'),
           reply(400, body=b'{"error": "unsupported_grant_type"}'),
           reply(429), reply(403, content_type="text/html"), reply(403),
           reply(404), reply(500), reply(418)]
CODES = [None, CodeContext(age=5, sent_before=False, lifetime=180),
         CodeContext(age=170, sent_before=False, lifetime=180),
         CodeContext(age=5, sent_before=True, lifetime=180)]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("response", REPLIES,
                         ids=lambda r: str(r.status_code))
def test_every_token_endpoint_refusal_reads_plainly(response, code):
    error = token_error(response, code=code)
    check(error)


def test_a_core_message_is_shown_as_it_is_with_a_title():
    error = errors.InvalidClient("Zelt refused the Client secret. Copy it "
                                 "again from the App credentials page.")
    shown = explain(error)
    assert shown.title == "Zelt did not accept the app's details"
    assert str(shown) == str(error)


def test_a_title_is_not_repeated_as_the_first_sentence():
    shown = explain(errors.RateLimited("Zelt is limiting requests. Wait a "
                                       "few minutes, then refresh."))
    assert shown.title == "Zelt is limiting requests"
    assert str(shown) == "Wait a few minutes, then refresh."


def test_technical_words_give_way_to_the_windows_own():
    error = errors.TokenRejected("Zelt refused the access token "
                                 "(invalid_token).")
    shown = explain(error)
    assert str(shown) == ("Zelt no longer accepts the saved sign-in. To "
                          "sign in again, click Connect to Zelt.")


@pytest.mark.parametrize("error", [
    errors.StateMismatch(redirect.STALE_STATE),
    errors.UnusableRedirect(redirect.BARE_CODE)])
def test_messages_name_the_checkbox_as_the_window_shows_it(error):
    shown = str(explain(error))
    assert f"“{STARTED_IN_ZELT}”" in shown
    assert "I started it in Zelt" not in shown


def test_an_unexpected_error_is_logged_once_and_explained(
        caplog, expect_warning):
    expect_warning("unexpected error")
    error = KeyError("bug")
    first, second = explain(error), explain(error)
    assert first.title == second.title == "Something went wrong"
    assert [r.levelname for r in caplog.records
            if r.name == "zelt_desktop.ui.messages"] == ["ERROR"]
