"""``zelt-desktop status``: is the profile connected, and until when."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime, timezone

from zelt_desktop.cli.common import add_profile_option, choose_profile, say
from zelt_desktop.context import AppContext
from zelt_desktop.errors import NotConnected

log = logging.getLogger(__name__)


def register(commands, common: argparse.ArgumentParser) -> None:
    status = commands.add_parser(
        "status", parents=[common], help="show whether a profile is "
        "connected", description="Show whether tokens are stored and when "
        "the access token expires (never a token). Exits 3 when the "
        "profile is not connected.")
    add_profile_option(status)
    status.set_defaults(handler=status_command)


def status_command(args: argparse.Namespace, context: AppContext) -> int:
    """Read the secret store only: no request reaches Zelt."""
    profile = choose_profile(context, args.profile)
    store = context.tokens()
    secret = store.load_client_secret(profile.id)
    stored = store.load(profile.id)
    now = datetime.now(timezone.utc)

    print(f"profile: {profile.name}")
    print(f"client secret saved: {'yes' if secret else 'no'}")
    print(f"tokens stored: {'yes' if stored else 'no'}")
    if stored is not None:
        tokens = stored.tokens
        left = (tokens.expires_at - now).total_seconds()
        when = tokens.expires_at.astimezone(timezone.utc).isoformat(
            timespec="seconds")
        state = f"in {_duration(left)}" if left > 0 else "expired"
        print(f"access token expires: {when} ({state})")
        print(f"refresh token stored: "
              f"{'yes' if tokens.refresh_token else 'no'}")

    if not secret:
        raise NotConnected("No client secret is saved for this profile: "
                           "remove it and add it again.")
    if stored is None:
        raise NotConnected(f"Not connected. Run: zelt-desktop login "
                           f"--profile {profile.name!r}")
    if left <= 0 and not stored.tokens.refresh_token:
        raise NotConnected("The saved sign-in has expired and cannot be "
                           "renewed. Run zelt-desktop login again.")
    if left <= 0:
        say("The access token will be renewed on the next request.")
    return 0


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes >= 120:
        return f"{minutes // 60} h {minutes % 60} min"
    if minutes >= 1:
        return f"{minutes} min"
    return f"{int(seconds)} s"
