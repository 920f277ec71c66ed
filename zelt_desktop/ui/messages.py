"""The one place that turns an error into plain words with the fix."""

from __future__ import annotations

import dataclasses
import logging

from zelt_desktop import errors

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Explanation:
    """What went wrong, in plain words, and what to do about it."""

    title: str
    text: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.text} {self.fix}".strip()


_BY_CLASS: list[tuple[type, str, str]] = [
    (errors.ConsentDenied, "Access was declined",
     "Connect again and choose “Allow access” in the browser."),
    (errors.ConsentCancelled, "Connection cancelled",
     "Click Connect to Zelt when you are ready."),
    (errors.ConsentTimedOut, "The browser did not come back in time",
     "Click Connect to Zelt and allow access in the browser, or paste the "
     "address your browser shows."),
    (errors.StateMismatch, "This address is from another attempt",
     "Paste the address from the browser tab you opened last, or tick "
     "“I started it in Zelt” if you used Zelt's Code flow button."),
    (errors.IssuerMismatch, "The sign-in came from an unexpected server",
     "Check the Issuer under Advanced, then connect again."),
    (errors.CodeExpired, "The sign-in code has expired",
     "Codes last 3 minutes. Click Connect to Zelt to start again."),
    (errors.InvalidClient, "Zelt did not accept the app's credentials",
     "Copy the Client ID and Client secret again from the app's "
     "App credentials page in Zelt, then connect again."),
    (errors.RefreshRejected, "Zelt no longer accepts the saved sign-in",
     "Click Connect to Zelt to sign in again."),
    (errors.TokenRejected, "Zelt no longer accepts the saved sign-in",
     "Click Connect to Zelt to sign in again."),
    (errors.NotConnected, "Not connected yet",
     "Fill in the app's details and click Connect to Zelt."),
    (errors.SecretStoreLocked, "Your password store is locked",
     "Unlock it (log in to your desktop session) and try again, or keep "
     "the sign-in for this session only."),
    (errors.SecretStoreUnavailable, "No password store is available",
     "Install or start your system's password store (a keyring), or keep "
     "the sign-in for this session only."),
    (errors.SecretStoreError, "The password store did not work",
     "Try again. If it keeps failing, keep the sign-in for this session "
     "only and tell your IT support."),
    (errors.RateLimited, "Zelt is limiting requests",
     "Wait a minute, then click Refresh."),
    (errors.PermissionDenied, "Zelt refused access",
     "Ask your Zelt admin to give the app the scopes it needs, then "
     "Reconnect."),
    (errors.ServiceUnavailable, "Zelt is not answering properly",
     "Try again in a few minutes."),
    (errors.TLSError, "The secure connection could not be checked",
     "If your company inspects web traffic, ask IT to install its "
     "certificate on this computer."),
    (errors.ProxyError, "The proxy refused the connection",
     "Check the proxy settings of this computer, or ask your IT support."),
    (errors.RequestTimedOut, "Zelt did not answer in time",
     "Check your internet connection and try again."),
    (errors.NetworkError, "Zelt could not be reached",
     "Check your internet connection and the Base URL under Advanced."),
    (errors.PortInUse, "Another program is using the sign-in port",
     "Close that program, or change the port of the Redirect URI here and "
     "in Zelt."),
    (errors.InputError, "Please check your input", ""),
]


def explain(error: BaseException) -> Explanation:
    """Plain words for ``error``; the message of the error comes first.

    Errors of the core carry a message written for people (the likely
    cause); this adds a title and the fix.  Anything else is a bug.
    """
    if isinstance(error, errors.InvalidGrant):
        return Explanation("Zelt did not accept the sign-in code",
                           str(error))
    for cls, title, fix in _BY_CLASS:
        if isinstance(error, cls):
            text = str(error)
            if text == fix:
                text = ""
            return Explanation(title, text, fix)
    _log_once(error)
    return Explanation(
        "Something went wrong",
        "Zelt Desktop hit an unexpected problem.",
        "Try again. If it happens again, use Help → Copy diagnostics and "
        "send it to your IT support.")


def _log_once(error: BaseException) -> None:
    """Log a bug at ERROR once, however many places explain it.

    The workers explain an unexpected failure before the window's handler
    does; a mark on the exception keeps the log to one traceback.
    """
    if getattr(error, "_zelt_logged", False):
        return
    log.error("unexpected error", exc_info=error)
    try:
        error._zelt_logged = True
    except AttributeError:  # an exception type without a __dict__
        pass
