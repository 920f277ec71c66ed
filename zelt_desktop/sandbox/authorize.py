"""The consent: the authorize page, its form, and the Code flow button."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from zelt_desktop.sandbox import pages
from zelt_desktop.sandbox.replies import Reply, html_reply, redirect

if TYPE_CHECKING:
    from zelt_desktop.sandbox.server import RegisteredApp, SandboxServer

log = logging.getLogger(__name__)

AUTHORIZE_PATH = "/apiv2/oauth/authorize"
CODE_FLOW_PREFIX = "/developer-hub/apps/"
CODE_FLOW_SUFFIX = "/code-flow"
# The request parameters the consent form carries back to the sandbox.
CARRIED = ("response_type", "client_id", "redirect_uri", "state",
           "code_challenge", "code_challenge_method")


def show_consent(sandbox: SandboxServer, query: dict[str, list[str]]) -> Reply:
    checked = _check_request(sandbox, query)
    if isinstance(checked, Reply):
        return checked
    app, params = checked
    fields = {name: params[name] for name in CARRIED if name in params}
    page = pages.consent_page(app.client_id, app.scopes, AUTHORIZE_PATH,
                              fields)
    return html_reply(page)


def submit_consent(sandbox: SandboxServer,
                   form: dict[str, list[str]]) -> Reply:
    """The user's decision: a redirect with a code or access_denied."""
    checked = _check_request(sandbox, form)
    if isinstance(checked, Reply):
        return checked
    app, params = checked
    state = params.get("state")
    decision = params.get("decision")
    if decision == "deny":
        log.debug("consent denied for %s", app.client_id)
        return redirect(with_query(app.redirect_uri, error="access_denied",
                                   state=state))
    if decision != "allow":
        return _error_page("Unknown decision",
                           "Press Allow access or Deny.")

    code = sandbox.grants.issue_code(app.client_id, app.redirect_uri,
                                     app.scopes,
                                     params.get("code_challenge"))
    log.debug("consent allowed for %s", app.client_id)
    return redirect(with_query(app.redirect_uri, code=code, state=state))


def code_flow(sandbox: SandboxServer, client_id: str) -> Reply:
    """Zelt's Developer Hub "Code flow": a consent with Zelt's own state."""
    app = sandbox.app(client_id)
    if app is None:
        return html_reply(pages.error_page(
            "No such app", "The Developer Hub has no app with this "
            "Client ID."), 404)
    query = urlencode({"response_type": "code", "client_id": app.client_id,
                       "redirect_uri": app.redirect_uri,
                       "state": "zelt-" + secrets.token_urlsafe(12)})
    return redirect(f"{sandbox.base_url}{AUTHORIZE_PATH}?{query}")


def code_flow_path(client_id: str) -> str:
    return CODE_FLOW_PREFIX + quote(client_id, safe="") + CODE_FLOW_SUFFIX


def with_query(uri: str, **params: str | None) -> str:
    """``uri`` with ``params`` added to any query it has (RFC 6749 §3.1.2)."""
    parts = urlsplit(uri)
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query, fragment=""))


def _check_request(sandbox: SandboxServer, multi: dict[str, list[str]]
                   ) -> tuple[RegisteredApp, dict[str, str]] | Reply:
    """The app and the single-valued parameters, or the error to answer.

    RFC 6749 §4.1.2.1: with an unknown client or a redirect_uri that is
    not the registered one, tell the user and never redirect; other
    errors go back to the redirect_uri.
    """
    client_ids = multi.get("client_id", [])
    app = sandbox.app(client_ids[0]) if len(client_ids) == 1 else None
    if app is None:
        return _error_page("Unknown app",
                           "No app is registered with this Client ID.")
    if multi.get("redirect_uri") != [app.redirect_uri]:
        return _error_page(
            "Redirect URI mismatch",
            "The redirect_uri must be exactly the Redirect URI of the app.")

    params = {name: values[0] for name, values in multi.items()}
    state = params.get("state")
    # RFC 6749 §3.1: no parameter may be sent more than once.
    if any(len(values) > 1 for values in multi.values()):
        return _error_redirect(app, "invalid_request", state)
    if params.get("response_type") != "code":
        error = ("invalid_request" if "response_type" not in params
                 else "unsupported_response_type")
        return _error_redirect(app, error, state)
    # Only S256 (RFC 7636 §4.2); a challenge without a method means plain.
    if params.get("code_challenge") and \
            params.get("code_challenge_method") != "S256":
        return _error_redirect(app, "invalid_request", state)
    return app, params


def _error_redirect(app: RegisteredApp, error: str, state: str | None
                    ) -> Reply:
    log.debug("authorization request refused: %s", error)
    return redirect(with_query(app.redirect_uri, error=error, state=state))


def _error_page(title: str, message: str) -> Reply:
    log.debug("authorization request refused: %s", title)
    return html_reply(pages.error_page(title, message), 400)
