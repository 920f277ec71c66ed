"""Reading the token endpoint's replies: payloads, errors, request ids."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import re

import requests

from zelt_desktop.errors import (AuthError, InvalidClient, InvalidGrant,
                                 InvalidSetting, PermissionDenied,
                                 RateLimited, RefreshRejected,
                                 ServiceUnavailable, ZeltError)

log = logging.getLogger(__name__)

REQUEST_ID_HEADERS = ("X-Request-Id", "X-Amzn-Trace-Id", "CF-Ray")
# The `error` parameter of a WWW-Authenticate challenge (RFC 6750 §3), not
# `error_description` or `error_uri`.
_CHALLENGE_ERROR = re.compile(r'(?<![\w-])error\s*=\s*"?([\w.-]+)', re.I)
_ERROR_NAME = re.compile(r"^[\w.-]{1,64}$")
# A code this close to its lifetime has probably expired at Zelt, whose
# clock started at issue, a little before it reached the app.
_NEAR_EXPIRY = 30.0
_RETRY_AFTER_MAX = 3600.0

# The fixes of the contract's table of 401 causes (zelt-api.md, step 2),
# each said once in a message.
FIX_CLIENT = ("copy the Client ID and the Client secret again from the "
              "app's App credentials page in Zelt")
FIX_REDIRECT = ("use exactly the Redirect URI registered for the app in "
                "Zelt (scheme, host, port, path and trailing slash)")
FIX_RESTART = "start the sign-in again"
_LATER = "Try again in a few minutes."


@dataclasses.dataclass(frozen=True)
class CodeContext:
    """What the client knows about a code it sent, to name a likely cause."""

    age: float
    sent_before: bool
    lifetime: float


def request_id(response: requests.Response) -> str | None:
    for name in REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value:
            return value[:200]
    return None


def payload(response: requests.Response) -> dict:
    """The JSON object of a 2xx reply; anything else is Zelt's fault."""
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError) as e:
        raise ServiceUnavailable(
            f"Zelt's answer to the sign-in could not be read. {_LATER}",
            status=response.status_code,
            request_id=request_id(response)) from e
    if not isinstance(data, dict):
        raise ServiceUnavailable("Zelt's answer to the sign-in is not in "
                                 f"the expected form. {_LATER}",
                                 status=response.status_code,
                                 request_id=request_id(response))
    return data


def oauth_error(response: requests.Response) -> str | None:
    """The RFC 6749 §5.2 error code, from the header or a JSON body."""
    challenge = response.headers.get("WWW-Authenticate", "")
    found = _CHALLENGE_ERROR.search(challenge)
    if found:
        return found.group(1)
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError):
        return None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, str) and _ERROR_NAME.match(error):
        return error
    return None


def token_error(response: requests.Response, *,
                code: CodeContext | None) -> ZeltError:
    """The error for a reply that is not a 2xx; ``code`` for exchanges."""
    status = response.status_code
    ids = {"status": status, "request_id": request_id(response)}
    if status in (400, 401):
        error = oauth_error(response)
        log.info("token endpoint refused the request: HTTP %d, %s "
                    "(request id %s)", status, error or "no OAuth error",
                    ids["request_id"])
        if code is None:
            return _refresh_refused(error, ids)
        return _exchange_refused(error, code, ids)
    log.info("token endpoint answered HTTP %d (request id %s)",
                status, ids["request_id"])
    if status == 429:
        return RateLimited("Zelt asked the app to slow down. Try again "
                           "in a minute.",
                           retry_after=_retry_after(response), **ids)
    if status == 403:
        if "html" in response.headers.get("Content-Type", "").lower():
            return RateLimited("Zelt's protection against bursts of "
                               "requests turned the sign-in away. Try "
                               "again in a minute.", **ids)
        return PermissionDenied("Zelt refused the sign-in: the app lacks "
                                "a permission. Ask your Zelt admin to "
                                "check the app's permissions.", **ids)
    if status in (404, 405):
        return InvalidSetting("The Token URL does not lead to a sign-in "
                              "service. Check the Token URL in the "
                              "connection's settings.",
                              field="token_url", **ids)
    if status >= 500:
        return ServiceUnavailable("Zelt had a problem finishing the "
                                  f"sign-in. {_LATER}", **ids)
    return ServiceUnavailable("Zelt answered the sign-in in a way this "
                              f"app cannot use. {_LATER}", **ids)


def _refresh_refused(error: str | None, ids: dict) -> RefreshRejected:
    if error == "invalid_client":
        return RefreshRejected(
            "Zelt refused the Client ID or the Client secret while "
            f"renewing the sign-in. To fix it, {FIX_CLIENT}, then connect "
            "again.", **ids)
    return RefreshRejected("Zelt no longer accepts the stored sign-in. "
                           "Connect to Zelt again.", **ids)


def _exchange_refused(error: str | None, code: CodeContext,
                      ids: dict) -> AuthError:
    if error == "invalid_client":
        return InvalidClient("Zelt refused the app's Client ID or Client "
                             "secret: one of them is probably wrong. To "
                             f"fix it, {FIX_CLIENT}.", **ids)
    grant = {"code_age": code.age, "code_sent_before": code.sent_before}
    if error == "invalid_grant":
        return InvalidGrant(_grant_message(code), **grant, **ids)
    if error is not None:
        # The error's name stays in the log (token_error), not in words
        # for people.
        return AuthError("Zelt refused the sign-in code. To try again, "
                         f"{FIX_RESTART}.", **ids)
    return _unexplained(code, grant, ids)


def _grant_message(code: CodeContext) -> str:
    if code.sent_before:
        return ("Zelt refused the sign-in code: it was already used, and "
                f"a code works once. To try again, {FIX_RESTART}.")
    if code.age >= code.lifetime - _NEAR_EXPIRY:
        return ("Zelt refused the sign-in code: it has probably expired "
                f"(it arrived {code.age:.0f} s ago; a code lasts "
                f"{code.lifetime:.0f} s). To try again, {FIX_RESTART}.")
    return ("Zelt refused the sign-in code. The likely cause: the "
            "Redirect URI differs from the one registered in Zelt. To fix "
            f"it, {FIX_REDIRECT}. Otherwise the code expired or was used: "
            f"{FIX_RESTART}.")


def _unexplained(code: CodeContext, grant: dict, ids: dict) -> AuthError:
    """A refusal that names no cause: Zelt's usual empty 401."""
    lead = ("Zelt refused the sign-in without saying why, so a wrong "
            "client secret cannot be told from a refused code. ")
    if code.sent_before or code.age >= code.lifetime - _NEAR_EXPIRY:
        return InvalidGrant(
            lead + "Most likely the code was already used or has "
            f"expired: {FIX_RESTART}. If that fails too, {FIX_CLIENT}, "
            f"and {FIX_REDIRECT}.", **grant, **ids)
    return InvalidClient(
        lead + "Most likely the Client ID or the Client secret is wrong: "
        f"{FIX_CLIENT}. If they are right, {FIX_REDIRECT}; then "
        f"{FIX_RESTART}.", **ids)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP-date: the caller's own backoff applies
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), _RETRY_AFTER_MAX)
