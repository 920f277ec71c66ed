"""Consent, exchange and refresh against the sandbox, end to end."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from datetime import datetime, timezone

import pytest
import requests

from tests.oauth.conftest import SECRET
from tests.oauth.flows import WAIT, consent
from zelt_desktop.errors import (CodeExpired, ConsentDenied, InvalidClient,
                                 InvalidGrant, RefreshRejected,
                                 StateMismatch, UnusableRedirect)
from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.oauth.listener import LoopbackListener
from zelt_desktop.oauth.redirect import accept, from_pasted, parse_query
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot
from zelt_desktop.sandbox.options import SandboxOptions


def _me(sandbox, access_token: str) -> int:
    response = requests.get(sandbox.base_url + "/apiv2/users/me",
                            headers={"Authorization": "Bearer "
                                     + access_token}, timeout=WAIT)
    return response.status_code


def test_full_consent_through_the_listener(sandbox, profile, token_client):
    request, redirect = consent(profile)

    tokens = token_client.exchange(redirect, request.code_verifier)

    assert redirect.state_checked
    sent = sandbox.token_requests[-1]
    assert sent["grant_type"] == "authorization_code"
    assert sent["code"] == redirect.code
    assert sent["redirect_uri"] == profile.redirect_uri
    assert sent["code_verifier"] == request.code_verifier
    assert tokens.refresh_token
    assert tokens.expires_at > datetime.now(timezone.utc)
    assert _me(sandbox, tokens.access_token) == 200


def test_deny_reaches_the_app_as_consent_denied(profile, token_client):
    _, redirect = consent(profile, "deny")

    assert redirect.error == "access_denied" and redirect.code is None
    with pytest.raises(ConsentDenied):
        redirect.raise_for_error()
    with pytest.raises(ConsentDenied):
        token_client.exchange(redirect, None)


def test_consent_started_in_zelt_takes_any_state(sandbox, profile,
                                                 token_client):
    with LoopbackListener(profile.redirect_uri, expected_state=None,
                          started_in_zelt=True) as listener:
        robot.press(sandbox.code_flow_url(profile.client_id), "allow")
        redirect = listener.wait(WAIT)
        # A second redirect is answered but not taken: one code only.
        robot.press(sandbox.code_flow_url(profile.client_id), "allow")
        assert listener.wait(WAIT) is redirect

    tokens = token_client.exchange(redirect, None)

    assert not redirect.state_checked
    assert redirect.state.startswith("zelt-")
    assert "code_verifier" not in sandbox.token_requests[-1]
    assert _me(sandbox, tokens.access_token) == 200


def test_pasted_address_has_its_state_checked(profile, token_client):
    request = AuthorizationRequest.start(profile)
    address = robot.press(request.url, "allow", follow=False)

    with pytest.raises(StateMismatch, match="another sign-in attempt"):
        from_pasted(address, request=AuthorizationRequest.start(profile),
                    started_in_zelt=False,
                    redirect_uris=[profile.redirect_uri])
    redirect, trimmed = from_pasted(f"  {address}\n", request=request,
                                    started_in_zelt=False,
                                    redirect_uris=[profile.redirect_uri])

    assert trimmed and redirect.state_checked
    assert token_client.exchange(redirect, request.code_verifier)


def test_pasted_bare_code_needs_started_in_zelt(sandbox, profile,
                                                token_client):
    address = robot.press(sandbox.code_flow_url(profile.client_id), "allow",
                          follow=False)
    code = parse_query(address.split("?", 1)[1])["code"]

    with pytest.raises(UnusableRedirect, match="taken only from a sign-in"):
        from_pasted(code, request=None, started_in_zelt=False,
                    redirect_uris=[profile.redirect_uri])
    redirect, trimmed = from_pasted(code + "\r\n", request=None,
                                    started_in_zelt=True,
                                    redirect_uris=[profile.redirect_uri])

    assert trimmed and redirect.code == code
    assert token_client.exchange(redirect, None).access_token


def test_percent_encoded_code_reaches_the_server_decoded_once(
        sandbox, token_client):
    params = parse_query("code=ab%2Bcd%2Fef%3D%3D&state=s")
    redirect = accept(params, expected_state="s")

    with pytest.raises(InvalidGrant):  # the sandbox never issued it
        token_client.exchange(redirect, None)

    assert sandbox.token_requests[-1]["code"] == "ab+cd/ef=="


def test_basic_header_is_what_curl_u_sends(sandbox, redirect_uri):
    secret = "a+b/c:d%e=f g"
    app = sandbox.register_app("curl-client", secret, redirect_uri)
    profile = _profile(sandbox, app)
    request, redirect = consent(profile)

    with TokenClient(profile.token_endpoint, app.client_id, secret,
                     redirect_uri) as client:
        tokens = client.exchange(redirect, request.code_verifier)

    raw = base64.b64encode(b"curl-client:a+b/c:d%e=f g").decode()
    assert sandbox.authorization_headers[-1] == "Basic " + raw
    assert tokens.access_token


@pytest.mark.parametrize("sandbox_options",
                         [SandboxOptions(client_auth="rfc6749")])
def test_rfc6749_client_authentication(sandbox, redirect_uri):
    secret = "a+b/c:d%e=f g"
    app = sandbox.register_app("rfc:client", secret, redirect_uri)
    profile = _profile(sandbox, app, client_auth="rfc6749")
    request, redirect = consent(profile)

    with TokenClient(profile.token_endpoint, app.client_id, secret,
                     redirect_uri, client_auth="rfc6749") as client:
        tokens = client.exchange(redirect, request.code_verifier)

    encoded = base64.b64encode(b"rfc%3Aclient:a%2Bb%2Fc%3Ad%25e%3Df+g")
    assert sandbox.authorization_headers[-1] == "Basic " + encoded.decode()
    assert tokens.access_token


def test_wrong_secret_is_invalid_client(profile):
    request, redirect = consent(profile)

    with TokenClient(profile.token_endpoint, profile.client_id,
                     "wrong-secret-not-real", profile.redirect_uri) as client:
        with pytest.raises(InvalidClient, match="App credentials") as err:
            client.exchange(redirect, request.code_verifier)

    assert err.value.status == 401


def test_wrong_redirect_uri_is_invalid_grant(profile):
    request, redirect = consent(profile)

    with TokenClient(profile.token_endpoint, profile.client_id, SECRET,
                     profile.redirect_uri + "/") as client:
        with pytest.raises(InvalidGrant) as err:
            client.exchange(redirect, request.code_verifier)

    message = str(err.value)
    assert message.index("Redirect URI") < message.index("start")
    assert not err.value.code_sent_before


def test_code_too_old_is_refused_before_sending(sandbox, profile):
    request, redirect = consent(profile)
    sent = len(sandbox.token_requests)

    with TokenClient(profile.token_endpoint, profile.client_id, SECRET,
                     profile.redirect_uri,
                     clock=lambda: redirect.received_at + 181) as client:
        with pytest.raises(CodeExpired, match="again"):
            client.exchange(redirect, request.code_verifier)

    assert len(sandbox.token_requests) == sent


def test_code_expired_at_the_server_is_invalid_grant(sandbox, profile,
                                                     token_client):
    request, redirect = consent(profile)
    sandbox.advance_clock(181)

    with pytest.raises(InvalidGrant) as err:
        token_client.exchange(redirect, request.code_verifier)

    assert err.value.status == 401 and err.value.code_age < 180


def test_reused_code_is_explained_as_already_used(profile, token_client):
    request, redirect = consent(profile)
    token_client.exchange(redirect, request.code_verifier)

    with pytest.raises(InvalidGrant, match="already used") as err:
        token_client.exchange(redirect, request.code_verifier)

    assert err.value.code_sent_before


def test_refresh_rotates_and_refuses_reuse(sandbox, profile, token_client):
    request, redirect = consent(profile)
    first = token_client.exchange(redirect, request.code_verifier)

    second = token_client.refresh(first.refresh_token).with_previous(first)
    with pytest.raises(RefreshRejected, match="Connect to Zelt again"):
        token_client.refresh(first.refresh_token)
    third = token_client.refresh(second.refresh_token)

    assert second.refresh_token != first.refresh_token
    assert sandbox.token_requests[-1]["redirect_uri"] == profile.redirect_uri
    assert _me(sandbox, third.access_token) == 200


@pytest.mark.parametrize("sandbox_options",
                         [SandboxOptions(omit_expires_in=1.0)])
def test_missing_expires_in_uses_the_jwt_exp(profile, token_client):
    request, redirect = consent(profile)

    tokens = token_client.exchange(redirect, request.code_verifier)

    segment = tokens.access_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(segment + "==="))
    assert tokens.expires_at == datetime.fromtimestamp(claims["exp"],
                                                       timezone.utc)


def test_no_secret_reaches_a_log_record(caplog, sandbox, profile,
                                        token_client):
    caplog.set_level(logging.DEBUG)
    request, redirect = consent(profile)
    tokens = token_client.exchange(redirect, request.code_verifier)
    fresh = token_client.refresh(tokens.refresh_token)
    with pytest.raises(InvalidGrant) as err:
        token_client.exchange(redirect, request.code_verifier)

    secrets = [SECRET, redirect.code, request.code_verifier, request.state,
               tokens.access_token, tokens.refresh_token,
               fresh.access_token, fresh.refresh_token]
    ours = [record for record in caplog.records
            if record.name.startswith("zelt_desktop")]
    texts = [record.getMessage() for record in ours]
    texts += [repr(tokens), repr(redirect), repr(request), str(err.value)]
    assert len(ours) > 5
    for text in texts:
        assert not any(secret in text for secret in secrets), text


def _profile(sandbox, app, **changes):
    profile = Profile(name=app.client_id, client_id=app.client_id,
                      redirect_uri=app.redirect_uri,
                      base_url=sandbox.base_url)
    return dataclasses.replace(profile, **changes)
