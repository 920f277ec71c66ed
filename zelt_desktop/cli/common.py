"""What the commands share: messages, the chosen profile, output files."""

from __future__ import annotations

import argparse
import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from zelt_desktop.context import AppContext
from zelt_desktop.errors import InputError, NotConnected
from zelt_desktop.profiles import Profile, Settings

log = logging.getLogger(__name__)


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

    Failing to open the file is the user's input (exit 2); standard
    output is flushed and left open.
    """
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    try:
        stream = open(Path(path), "wb")
    except OSError as e:
        raise InputError(f"The file {path} could not be written: "
                         f"{e.strerror or type(e).__name__}.") from e
    with stream:
        yield stream
    log.debug("wrote %s", Path(path).name)
