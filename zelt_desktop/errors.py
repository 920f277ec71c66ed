"""The one exception tree of the core: each branch is something to act on.

The window turns each class into plain words with a fix (ui/messages.py);
the command line maps each branch to an exit code (cli). Raise the most
specific class that is true and chain the cause with ``raise ... from e``.
"""

from __future__ import annotations

import re

# Words of OAuth and HTTP that a person should not have to read; both
# faces replace a core message that holds one with their own words.
# "Token URL" names a setting under Advanced, so it may be named.
JARGON = re.compile(
    r"\b(?:states?|tokens?(?! URL)|pkce|grant(?:s|ed)?|redirect_uri"
    r"|basic header|json|endpoints?|401)\b|\bHTTP \d{3}\b|\(\d{3}\b",
    re.IGNORECASE)


def has_jargon(text: str) -> bool:
    """True if ``text`` holds a word of OAuth or HTTP (see JARGON)."""
    return JARGON.search(text) is not None


class ZeltError(Exception):
    """Base of every error the core raises on purpose.

    ``status`` is the HTTP status when a response caused it, and
    ``request_id`` any request id that response carried (X-Request-Id,
    X-Amzn-Trace-Id or CF-Ray), for diagnostics.  Messages never contain a
    secret, a code, a token or a URL query.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, status: int | None = None,
                 request_id: str | None = None) -> None:
        super().__init__(message or self.__class__.__doc__.splitlines()[0])
        self.status = status
        self.request_id = request_id


# -- authentication: needed, refused, timed out or cancelled ---------------

class AuthError(ZeltError):
    """Authentication is needed or was refused."""

    exit_code = 3


class NotConnected(AuthError):
    """No tokens are stored for this profile yet."""


class ConsentDenied(AuthError):
    """The user declined the consent in the browser."""


class ConsentCancelled(AuthError):
    """The wait for the consent was cancelled."""


class ConsentTimedOut(AuthError):
    """No consent arrived in time."""


class StateMismatch(AuthError):
    """The redirect carries a state this app did not choose."""


class IssuerMismatch(AuthError):
    """The redirect names an issuer other than the configured one."""


class CodeExpired(AuthError):
    """The authorization code is older than its lifetime."""


class InvalidClient(AuthError):
    """The token endpoint refused the client credentials."""


class InvalidGrant(AuthError):
    """The token endpoint refused the code or the refresh token.

    ``code_age`` (seconds) and ``code_sent_before`` tell a code that was
    probably expired or spent from a redirect URI mismatch.
    """

    def __init__(self, message: str = "", *, code_age: float | None = None,
                 code_sent_before: bool = False, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.code_age = code_age
        self.code_sent_before = code_sent_before


class RefreshRejected(AuthError):
    """The stored refresh token was refused: the user must connect again."""


class TokenRejected(AuthError):
    """The API refused the access token even after a refresh."""


# -- the secret store ------------------------------------------------------

class SecretStoreError(ZeltError):
    """The operating system's secret store cannot be used."""

    exit_code = 4


class SecretStoreUnavailable(SecretStoreError):
    """No usable secret store backend is available."""


class SecretStoreLocked(SecretStoreError):
    """The secret store is locked or its unlock prompt was dismissed."""


class SecretStoreTimeout(SecretStoreError):
    """The secret store did not answer in time."""


# -- Zelt limiting or unavailable -------------------------------------------

class ServiceError(ZeltError):
    """Zelt is limiting requests or is unavailable."""

    exit_code = 5


class RateLimited(ServiceError):
    """Zelt is limiting requests (429, or the edge's HTML 403)."""

    def __init__(self, message: str = "", *,
                 retry_after: float | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServiceUnavailable(ServiceError):
    """Zelt answered with a server error or an unreadable response."""


class PermissionDenied(ServiceError):
    """Zelt refused the request for lack of permission (a real 403)."""


# -- the network -----------------------------------------------------------

class NetworkError(ZeltError):
    """Zelt could not be reached."""

    exit_code = 6


class RequestTimedOut(NetworkError):
    """Zelt did not answer in time."""


class TLSError(NetworkError):
    """The secure connection to Zelt could not be verified."""


class ProxyError(NetworkError):
    """The proxy refused or failed the connection."""


# -- bad input -------------------------------------------------------------

class InputError(ZeltError):
    """A setting or a pasted value is not usable."""

    exit_code = 2


class InvalidSetting(InputError):
    """A profile field is missing or malformed.

    ``field`` names the profile field, so the form can show the message
    next to it.
    """

    def __init__(self, message: str = "", *, field: str | None = None,
                 **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.field = field


class PortInUse(InputError):
    """The listener's port is held by another program."""

    def __init__(self, message: str = "", *, port: int = 0,
                 holder: str | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.port = port
        self.holder = holder


class UnusableRedirect(InputError):
    """A pasted address or code cannot be used."""


class LoadCancelled(ZeltError):
    """The load was cancelled."""
