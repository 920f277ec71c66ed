"""The token endpoint: code exchange and refresh, strict as Zelt is."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from zelt_desktop.sandbox.replies import (NO_STORE, Reply, json_reply,
                                          oauth_error, unauthorized)

if TYPE_CHECKING:
    from zelt_desktop.sandbox.server import RegisteredApp, SandboxServer

log = logging.getLogger(__name__)

TOKEN_PATH = "/apiv2/oauth/authorize/token"
FORM_TYPE = "application/x-www-form-urlencoded"
# Zelt answers refusals with an empty 401; the error is what RFC 6749
# §5.2 names, carried in the challenge (zelt-api.md, Step 2).
INVALID_CLIENT = 'Basic realm="zelt", error="invalid_client"'
INVALID_GRANT = 'Basic realm="zelt", error="invalid_grant"'


def token_endpoint(sandbox: SandboxServer, authorization: str | None,
                   content_type: str, form: dict[str, list[str]]) -> Reply:
    """Answer one POST to the token endpoint."""
    params = {name: values[0] for name, values in form.items()}
    sandbox.record_token_request(params, authorization)

    app = authenticate(sandbox, authorization)
    if app is None:
        log.debug("token request refused: client authentication failed")
        return unauthorized(INVALID_CLIENT)
    if content_type.split(";")[0].strip().lower() != FORM_TYPE:
        return oauth_error("invalid_request")
    # RFC 6749 §3.2: no parameter may be sent more than once.
    if any(len(values) > 1 for values in form.values()):
        return oauth_error("invalid_request")

    grant_type = params.get("grant_type")
    if grant_type == "authorization_code":
        return _exchange(sandbox, app, params)
    if grant_type == "refresh_token":
        return _refresh(sandbox, app, params)
    return oauth_error("unsupported_grant_type")


def authenticate(sandbox: SandboxServer, authorization: str | None
                 ) -> RegisteredApp | None:
    """The app named by a valid Basic header, else None.

    Zelt decodes Base64 to ``id:secret`` as is; RFC 6749 §2.3.1 has both
    parts form-urlencoded first.  A header that is not Base64 fails.
    """
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True)
        client_id, colon, secret = decoded.decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not colon:
        return None
    if sandbox.options.client_auth == "rfc6749":
        client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    app = sandbox.app(client_id)
    if app is None or not hmac.compare_digest(
            secret.encode("utf-8"), app.client_secret.encode("utf-8")):
        return None
    return app


def _exchange(sandbox: SandboxServer, app: RegisteredApp,
              params: dict[str, str]) -> Reply:
    grant = sandbox.grants.redeem_code(
        params.get("code", ""), app.client_id,
        params.get("redirect_uri", ""), params.get("code_verifier"))
    if grant is None:
        return unauthorized(INVALID_GRANT)
    return _token_reply(sandbox, app, grant.scopes)


def _refresh(sandbox: SandboxServer, app: RegisteredApp,
             params: dict[str, str]) -> Reply:
    # Zelt requires redirect_uri on a refresh too (its refresh docs).
    grant = sandbox.grants.spend_refresh(
        params.get("refresh_token", ""), app.client_id,
        params.get("redirect_uri", ""))
    if grant is None:
        return unauthorized(INVALID_GRANT)
    return _token_reply(sandbox, app, grant.scopes)


def _token_reply(sandbox: SandboxServer, app: RegisteredApp,
                 scopes: tuple[str, ...]) -> Reply:
    access, refresh = sandbox.grants.issue_pair(app.client_id,
                                                app.redirect_uri, scopes)
    payload = {"access_token": access, "refresh_token": refresh,
               "token_type": "Bearer",
               "expires_in": int(sandbox.options.access_token_lifetime)}
    if sandbox.faults.omit_expires_in():
        del payload["expires_in"]
    return json_reply(payload, 200, NO_STORE)
