"""The one place that turns an error into plain words with the fix."""

from __future__ import annotations

import dataclasses
import logging
import re

from zelt_desktop import errors
from zelt_desktop.errors import has_jargon
from zelt_desktop.oauth import redirect

log = logging.getLogger(__name__)

# The checkbox of the sign-in page; messages name it in the same words.
STARTED_IN_ZELT = "I will start the sign-in in Zelt"
STARTED_IN_ZELT_LABEL = f"{STARTED_IN_ZELT} (Code flow button)"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclasses.dataclass(frozen=True)
class Explanation:
    """What went wrong, in plain words, and what to do about it."""

    title: str
    text: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.text} {self.fix}".strip()


@dataclasses.dataclass(frozen=True)
class _Words:
    """The window's words for one class of error.

    ``text`` and ``fix`` stand in for the error's own message when that is
    missing, technical, or names the other face (the command line).
    ``own`` marks a class whose fix points at the window itself: its
    words always replace the core's.
    """

    cls: type
    title: str
    text: str
    fix: str
    own: bool = False


_CONNECT = "click Connect to Zelt"

# The rule: the core's message says what happened, the likely cause and
# the fix that holds for every face, so explain() adds only a title.
# These words are used instead when the message cannot be shown.
_WORDS: list[_Words] = [
    _Words(errors.ConsentDenied, "Sign-in declined",
           "Zelt Desktop can show the directory only with your "
           "permission.",
           f"To try again, {_CONNECT} and choose “Allow access”."),
    _Words(errors.ConsentCancelled, "Sign-in cancelled",
           "The sign-in was stopped before it finished.",
           f"When you are ready, {_CONNECT}."),
    _Words(errors.ConsentTimedOut, "The sign-in took too long",
           "No answer came from the browser in time.",
           f"To try again, {_CONNECT} and allow access in the browser."),
    _Words(errors.StateMismatch, "This address is from another attempt",
           "It belongs to an earlier sign-in, not to the one you started "
           "last.",
           "Paste the address from the newest browser tab. If you use "
           f"Zelt's Code flow button, tick “{STARTED_IN_ZELT}” and "
           f"{_CONNECT}.", own=True),
    _Words(errors.IssuerMismatch, "The sign-in came from an unexpected "
           "server", "It names another server than the Issuer set under "
           "Advanced.", f"Check the Issuer, then {_CONNECT}."),
    _Words(errors.CodeExpired, "The sign-in code has expired",
           "A sign-in code lasts 3 minutes.",
           f"To start again, {_CONNECT}."),
    _Words(errors.InvalidClient, "Zelt did not accept the app's details",
           "The Client ID or the Client secret is probably wrong.",
           "Copy both again from the app's App credentials page in Zelt, "
           f"then {_CONNECT}."),
    _Words(errors.InvalidGrant, "Zelt did not accept the sign-in code",
           "The code was probably used already, or it expired.",
           f"To start again, {_CONNECT}."),
    _Words(errors.RefreshRejected, "Please sign in again",
           "Zelt no longer accepts the saved sign-in.",
           f"To sign in again, {_CONNECT}."),
    _Words(errors.TokenRejected, "Please sign in again",
           "Zelt no longer accepts the saved sign-in.",
           f"To sign in again, {_CONNECT}."),
    _Words(errors.NotConnected, "Sign-in needed",
           "This connection is not signed in to Zelt yet.",
           f"Fill in the app's details and {_CONNECT}."),
    _Words(errors.AuthError, "Zelt did not give access",
           "Zelt turned the sign-in down.",
           f"To try again, {_CONNECT}. If it happens again, ask your "
           "Zelt admin to check the app."),
    _Words(errors.SecretStoreLocked, "Password store locked",
           "Your system's password store is locked.",
           "Unlock it (log in to your desktop session) and try again."),
    _Words(errors.SecretStoreUnavailable, "Password store needed",
           "No password store is available on this system.",
           "Install or start one, such as GNOME Keyring or KWallet."),
    _Words(errors.SecretStoreTimeout, "Password store busy",
           "Your system's password store did not answer in time.",
           "Check that it is running and unlocked, then try again."),
    _Words(errors.SecretStoreError, "The password store did not work",
           "Your system's password store refused the request.",
           "Try again. If it keeps failing, tell your IT support."),
    _Words(errors.RateLimited, "Zelt is limiting requests",
           "Zelt asked the app to slow down.",
           "Wait a minute, then click Refresh."),
    _Words(errors.PermissionDenied, "Zelt refused access",
           "The app lacks a permission in Zelt.",
           "Ask your Zelt admin to add the scopes the app needs on its "
           f"Permissions tab, then {_CONNECT}: new scopes reach only a "
           "new sign-in."),
    _Words(errors.ServiceUnavailable, "Zelt is not answering properly",
           "Zelt sent an answer the app could not use.",
           "Try again in a few minutes."),
    _Words(errors.TLSError, "The secure connection could not be checked",
           "The connection to Zelt could not be verified as secure.",
           "If your company inspects web traffic, ask IT to install its "
           "certificate on this computer."),
    _Words(errors.ProxyError, "The proxy refused the connection",
           "The proxy between this computer and Zelt failed.",
           "Check the proxy settings of this computer, or ask your IT "
           "support."),
    _Words(errors.RequestTimedOut, "Zelt did not answer in time",
           "Zelt took too long to answer.",
           "Check your internet connection and try again."),
    _Words(errors.NetworkError, "Zelt could not be reached",
           "The app could not talk to Zelt.",
           "Check your internet connection and the Base URL under "
           "Advanced."),
    _Words(errors.PortInUse, "Another program is using the sign-in port",
           "The port of the Redirect URI is taken.",
           "Close that program, or change the port of the Redirect URI "
           "here and in Zelt."),
    _Words(errors.UnusableRedirect, "This address cannot be used",
           "It holds no sign-in code.",
           "Paste the whole address your browser shows after “Allow "
           "access”."),
    _Words(errors.InputError, "Please check your input",
           "Something you entered cannot be used.", ""),
    _Words(errors.LoadCancelled, "Loading stopped",
           "Loading the directory was cancelled.", ""),
    _Words(errors.ZeltError, "Something went wrong",
           "Zelt Desktop could not finish this.", "Try again."),
]

# A bare code is refused with words for the command line and the window
# both; the window names its own checkbox instead.
_BARE_CODE = _Words(
    errors.UnusableRedirect, "This address cannot be used",
    "A code on its own is taken only from a sign-in started in Zelt.",
    f"Paste the whole address your browser shows, or tick "
    f"“{STARTED_IN_ZELT}” and {_CONNECT}.", own=True)


def explain(error: BaseException) -> Explanation:
    """Plain words for ``error``: a title, the message, the fix once.

    Errors of the core carry a message written for people (what
    happened, the likely cause, the fix); this adds a title.  Where that
    message is missing, technical or meant for the command line, the
    window's own words stand in.  Anything else is a bug.
    """
    words = _words_for(error)
    if words is None:
        _log_once(error)
        return Explanation(
            "Something went wrong",
            "Zelt Desktop hit an unexpected problem.",
            "Try again. If it happens again, use Help → Copy diagnostics "
            "and send it to your IT support.")
    message = str(error).strip()
    if words.own or _unfit(error, message):
        log.debug("plain words shown for %s", type(error).__name__)
        return Explanation(words.title, words.text, words.fix)
    return Explanation(words.title, _without_title(words.title, message))


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def _words_for(error: BaseException) -> _Words | None:
    if str(error).strip() == redirect.BARE_CODE:
        return _BARE_CODE
    for words in _WORDS:
        if isinstance(error, words.cls):
            return words
    return None


def _unfit(error: BaseException, message: str) -> bool:
    """True for a message a person should not be shown as it is."""
    default = (type(error).__doc__ or "").strip().splitlines()[:1]
    return not message or [message] == default or has_jargon(message)


def _without_title(title: str, text: str) -> str:
    """``text`` without a first sentence that only repeats the title."""
    parts = sentences(text)
    if len(parts) > 1 and _plain(parts[0]) == _plain(title):
        return " ".join(parts[1:])
    return text


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[\w'’-]+", text.casefold()))


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
