"""What the commands share: messages, the chosen profile, output files."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from zelt_desktop import errors
from zelt_desktop.context import AppContext
from zelt_desktop.errors import InputError, NotConnected
from zelt_desktop.oauth.redirect import BARE_CODE
from zelt_desktop.profiles import Profile, Settings

log = logging.getLogger(__name__)

OUTPUT_FAILED = "Could not write the output"


def say(message: str) -> None:
    """A message for the person: standard error, never standard output."""
    if sys.stderr is not None:
        print(message, file=sys.stderr, flush=True)


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", metavar="NAME",
        help="the profile to use; may be left out when there is only one")


def choose_profile(context: AppContext, name: str | None) -> Profile:
    """The profile named ``name``, or the only one when ``name`` is None.

    An unknown name, no profile at all, or a choice left open among
    several is a usage error (exit 2) that lists the profiles.
    """
    settings = context.load_settings()
    if name is not None:
        found = settings.find(name)
        if found is None:
            raise InputError(f"There is no profile named {name!r}. "
                             + _listing(settings))
        return found
    if len(settings.profiles) == 1:
        return settings.profiles[0]
    if not settings.profiles:
        raise InputError("There is no profile yet. Add one with "
                         "'zelt-desktop profile add'.")
    raise InputError("Choose a profile with --profile NAME. "
                     + _listing(settings))


def _listing(settings: Settings) -> str:
    if not settings.profiles:
        return "There are no profiles yet."
    names = ", ".join(repr(p.name) for p in settings.profiles)
    return f"Profiles: {names}."


def client_secret(context: AppContext, profile: Profile) -> str:
    """The profile's client secret from the secret store."""
    secret = context.tokens().load_client_secret(profile.id)
    if not secret:
        raise NotConnected(
            f"No client secret is saved for profile {profile.name!r} on "
            "this computer. Remove the profile and add it again with its "
            "client secret.")
    return secret


@contextmanager
def binary_output(path: str | None) -> Iterator[IO[bytes]]:
    """The file at ``path``, or standard output, as a binary stream.

    Everything is flushed (and the file closed) before the block is left,
    so that success is said only of output that was written.  A failure
    to open, write or flush (a missing folder, a full disk, a reader of
    the pipe that went away) is no bug: see output_failed (exit 2).
    """
    try:
        if path is None:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
            return
        with open(Path(path), "wb") as stream:
            yield stream
    except OSError as e:
        raise output_failed(e, path) from e
    log.debug("wrote %s", Path(path).name)


def output_failed(error: OSError, path: str | None = None) -> InputError:
    """The error to report for output that could not be written.

    When standard output failed (``path`` None), it is pointed at
    nothing: the flush at exit would fail again, with a traceback.
    """
    log.info("output failed: %s", type(error).__name__)
    if path is None:
        discard_stdout()
    reason = error.strerror or type(error).__name__
    where = f" ({path})" if path else ""
    return InputError(f"{OUTPUT_FAILED}: {reason}{where}.")


def discard_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass  # no standard output to speak of


# -- errors in plain words -------------------------------------------------

# Words that point at the window's controls, which a command line lacks.
_WINDOW_ONLY = re.compile(r"Connect to Zelt|\bclick|\btick|under Advanced"
                          r"|this session only|I started it in Zelt",
                          re.IGNORECASE)
_LOGIN = "zelt-desktop login"

# The command line's words for each class of error, used where the core's
# message is missing or technical; True marks a class whose message
# offers the window's way out (a checkbox, a session-only store), so
# these words always replace it.
_WORDS: list[tuple[type, str, bool]] = [
    (errors.StateMismatch,
     "This address comes from an earlier sign-in attempt, not from this "
     "one. Paste the address from the newest browser tab. If you start "
     "the sign-in with Zelt's Code flow button, run login with "
     "--started-in-zelt.", True),
    (errors.ConsentCancelled, "The sign-in was cancelled.", False),
    (errors.ConsentTimedOut, "No answer came from the browser in time. "
     f"Run {_LOGIN} again.", False),
    (errors.NotConnected, "This profile is not signed in to Zelt yet. "
     f"Sign in with: {_LOGIN}", False),
    (errors.RefreshRejected, "Zelt no longer accepts the saved sign-in. "
     f"Sign in again with: {_LOGIN}", False),
    (errors.TokenRejected, "Zelt no longer accepts the saved sign-in. "
     f"Sign in again with: {_LOGIN}", False),
    (errors.AuthError, "Zelt did not accept the sign-in. Run "
     f"{_LOGIN} again.", False),
    (errors.SecretStoreLocked,
     "Your system's password store is locked, so the sign-in cannot be "
     "read or saved. Unlock it (log in to a desktop session, or unlock "
     "the keyring), then run the command again.", True),
    (errors.SecretStoreUnavailable,
     "No password store is available here, so the sign-in cannot be "
     "read or saved. Run the command in a desktop session where a "
     "keyring (such as GNOME Keyring or KWallet) is running.", True),
    (errors.SecretStoreTimeout,
     "Your system's password store did not answer in time. Check that "
     "it is running and unlocked, then run the command again.", False),
    (errors.SecretStoreError,
     "Your system's password store refused the request. Run the command "
     "again; if it keeps failing, check that the keyring is unlocked.",
     True),
    (errors.RateLimited, "Zelt is limiting requests. Wait a few minutes, "
     "then run the command again.", False),
    (errors.PermissionDenied, "Zelt refused access: the app lacks a "
     "permission. Ask your Zelt admin to add the scopes it needs, then "
     f"sign in again with: {_LOGIN}", False),
    (errors.ServiceError, "Zelt is not answering properly. Try again in "
     "a few minutes.", False),
    (errors.TLSError, "The secure connection to Zelt could not be "
     "verified. If your company inspects web traffic, its certificate "
     "must be installed on this computer.", False),
    (errors.ProxyError, "The proxy refused or failed the connection to "
     "Zelt. Check the proxy settings of this computer.", False),
    (errors.RequestTimedOut, "Zelt did not answer in time. Check the "
     "network connection and try again.", False),
    (errors.NetworkError, "Zelt could not be reached. Check the network "
     "connection and the profile's base URL.", False),
    (errors.PortInUse, "The sign-in port is taken by another program. "
     "Close that program, or use another port in the redirect URI, both "
     "in Zelt and in the profile.", False),
    (errors.InputError, "A setting or a value cannot be used.", False),
    (errors.ZeltError, "The command could not finish.", False),
]
_BARE_CODE = ("A code on its own is taken only from a sign-in started in "
              "Zelt. Paste the whole address your browser shows, or run "
              "login again with --started-in-zelt.")


def plain_message(error: errors.ZeltError) -> str:
    """The error's message for a person at the command line.

    The core's message says what happened and what to do; where it is
    missing, technical or names the window, the command line's own words
    stand in (the log keeps the error's class and status).
    """
    message = str(error).strip()
    if message == BARE_CODE:
        return _BARE_CODE
    for cls, words, own in _WORDS:
        if isinstance(error, cls):
            default = (type(error).__doc__ or "").strip().splitlines()[:1]
            if (own or [message] == default or errors.has_jargon(message)
                    or _WINDOW_ONLY.search(message)):
                return words
            return message
    return message
