"""``zelt-desktop login`` and ``logout``: consent, exchange, tokens."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading

from zelt_desktop.cli.common import (add_profile_option, choose_profile,
                                     client_secret, plain_message, say)
from zelt_desktop.context import AppContext
from zelt_desktop.errors import ConsentCancelled, InputError, ZeltError
from zelt_desktop.signin import STARTED_STEPS, STEPS, SignIn

log = logging.getLogger(__name__)

READ_SIZE = 4096  # bytes of standard input read at a time


def register(commands, common: argparse.ArgumentParser) -> None:
    login = commands.add_parser(
        "login", parents=[common], help="connect a profile to Zelt",
        description="Print the consent address, open the browser, and "
                    "wait for the redirect: on the loopback listener, or "
                    "pasted into standard input, whichever comes first.")
    add_profile_option(login)
    login.add_argument("--no-browser", action="store_true",
                       help="only print the consent address")
    login.add_argument("--started-in-zelt", action="store_true",
                       help="take a consent started with Zelt's Code flow "
                            "button")
    login.set_defaults(handler=login_command)
    logout = commands.add_parser(
        "logout", parents=[common], help="remove the stored tokens",
        description="Remove the profile's stored tokens; its client "
                    "secret stays.")
    add_profile_option(logout)
    logout.set_defaults(handler=logout_command)


def login_command(args: argparse.Namespace, context: AppContext) -> int:
    profile = choose_profile(context, args.profile)
    secret = client_secret(context, profile)
    sign_in = SignIn(profile, secret, context.tokens(),
                     started_in_zelt=args.started_in_zelt,
                     open_browser=context.open_browser)
    # The listener is cleaned up however the wait ends, Ctrl+C included.
    try:
        sign_in.start_listener()
        _invite(sign_in, no_browser=args.no_browser)
        reader = PasteReader(sign_in)
        reader.start()
        try:
            redirect = sign_in.wait()
        except ConsentCancelled as e:
            if reader.gave_up:
                raise InputError(reader.gave_up) from e
            raise
        connection = sign_in.complete(
            redirect, lambda step: say(step_line(step)))
    finally:
        sign_in.cancel()
    try:
        if connection.warning:
            say(connection.warning)
        print(f"connected as {connection.connected_as}", flush=True)
    finally:
        connection.close()
    return 0


def step_line(step: str) -> str:
    """A step of signin.STEPS as a line: a step still under way ends in …"""
    text = STEPS.get(step, step)
    return text + ("…" if step in STARTED_STEPS else ".")


def _invite(sign_in: SignIn, *, no_browser: bool) -> None:
    """Show the consent address and say how the redirect may arrive."""
    if sign_in.started_in_zelt:
        say("Start the consent in Zelt: open the app in the Developer Hub "
            "and choose Code flow, then Allow access.")
    else:
        print(sign_in.consent_url, flush=True)
        if no_browser or not sign_in.open_browser():
            say("Open the address above in your browser and choose Allow "
                "access.")
    if sign_in.listens:
        say("Waiting for the browser to come back to this computer. If it "
            "shows an address instead, paste it here and press Enter.")
    else:
        say("After Allow access, copy the address your browser shows, "
            "paste it here and press Enter.")


class PasteReader:
    """Reads pasted redirect addresses from standard input, line by line.

    It reads the file descriptor itself, not ``sys.stdin``: a thread
    blocked inside the buffered reader would hold its lock while the
    interpreter exits, which aborts the process.  The end of the input
    only means that nothing is pasted; with no listener either, nothing
    can arrive, so the sign-in is cancelled and ``gave_up`` says why.
    """

    def __init__(self, sign_in: SignIn) -> None:
        self.sign_in = sign_in
        self.gave_up: str | None = None

    def start(self) -> None:
        threading.Thread(target=self._run, name="paste-reader",
                         daemon=True).start()

    def _run(self) -> None:
        for line in self._lines():
            if line.strip() and self._paste(line):
                return
        log.debug("standard input ended")
        if not self.sign_in.listens:
            self.gave_up = ("Nothing was pasted, and this profile's "
                            "redirect URI is not on this computer, so "
                            "nothing else can arrive. Run login in a "
                            "terminal, or pipe the address into it.")
            self.sign_in.cancel()

    def _paste(self, line: str) -> bool:
        try:
            trimmed = self.sign_in.paste(line)
        except ZeltError as e:
            say(f"That address cannot be used. {plain_message(e)}")
            say("Paste another address, or wait for the browser.")
            return False
        if trimmed:
            say("Note: removed spaces and line breaks from the pasted "
                "address.")
        log.info("a redirect address was pasted")
        return True

    @staticmethod
    def _lines():
        try:
            fd = sys.stdin.fileno()
        except (AttributeError, ValueError, OSError):
            return  # no standard input at all
        pending = b""
        while True:
            try:
                chunk = os.read(fd, READ_SIZE)
            except OSError:
                chunk = b""
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line.decode("utf-8", "replace")
        if pending:
            yield pending.decode("utf-8", "replace")


def logout_command(args: argparse.Namespace, context: AppContext) -> int:
    profile = choose_profile(context, args.profile)
    store = context.tokens()
    had_tokens = store.load(profile.id) is not None
    store.delete(profile.id)
    log.info("tokens of profile %s removed", profile.id)
    if had_tokens:
        say(f"Signed out of {profile.name!r}: the stored tokens are "
            "removed.")
    else:
        say(f"No tokens were stored for {profile.name!r}.")
    return 0
