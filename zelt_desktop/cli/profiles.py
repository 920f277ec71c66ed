"""``zelt-desktop profile add | list | remove | relay-page``."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys

from zelt_desktop import relay
from zelt_desktop.cli.common import choose_profile, say
from zelt_desktop.context import AppContext
from zelt_desktop.errors import InputError, InvalidSetting, SecretStoreError
from zelt_desktop.profiles import (CLIENT_AUTH_STYLES, DEFAULT_BASE_URL,
                                   Profile)
from zelt_desktop.store.secrets import SERVICE

log = logging.getLogger(__name__)

# The flag that sets each profile field, to point at it in a message.
FLAGS = {"name": "NAME", "client_id": "--client-id",
         "redirect_uri": "--redirect-uri", "base_url": "--base-url",
         "authorize_url": "--authorize-url", "token_url": "--token-url",
         "client_auth": "--client-auth", "listen_url": "--listen",
         "issuer": "--issuer"}


def register(commands, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "profile", parents=[common],
        help="add, list or remove profiles; write a relay page",
        description="A profile is one Zelt app connection.")
    actions = group.add_subparsers(dest="action", metavar="ACTION",
                                   required=True)
    _register_add(actions, common)
    listing = actions.add_parser("list", parents=[common],
                                 help="list the profiles")
    listing.set_defaults(handler=list_profiles)
    remove = actions.add_parser(
        "remove", parents=[common],
        help="remove a profile with its client secret and tokens")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=remove_profile)
    page = actions.add_parser(
        "relay-page", parents=[common],
        help="write the relay page to host at the profile's redirect URI")
    page.add_argument("name", metavar="NAME")
    page.add_argument("--output", metavar="FILE", required=True,
                      help="where to write the page")
    page.set_defaults(handler=write_relay_page)


def _register_add(actions, common) -> None:
    add = actions.add_parser(
        "add", parents=[common], help="add a profile",
        description="Add a profile. The client secret is read from "
                    "standard input (one line), or from the environment "
                    "variable named by --client-secret-env; never from "
                    "the command line.")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--client-id", required=True, metavar="ID")
    add.add_argument("--redirect-uri", required=True, metavar="URI",
                     help="exactly as registered for the app in Zelt")
    add.add_argument("--base-url", default=DEFAULT_BASE_URL, metavar="URL")
    add.add_argument("--authorize-url", default="", metavar="URL")
    add.add_argument("--token-url", default="", metavar="URL")
    add.add_argument("--client-auth", choices=CLIENT_AUTH_STYLES,
                     default="basic")
    add.add_argument("--listen", default="", metavar="URL",
                     help="loopback address to listen on, when the "
                          "redirect URI is a relay page")
    add.add_argument("--issuer", default="", metavar="URL")
    add.add_argument("--client-secret-env", metavar="VAR",
                     help="read the client secret from this variable")
    add.set_defaults(handler=add_profile)


def add_profile(args: argparse.Namespace, context: AppContext) -> int:
    profile, trimmed = Profile(
        name=args.name, client_id=args.client_id,
        redirect_uri=args.redirect_uri, base_url=args.base_url,
        authorize_url=args.authorize_url, token_url=args.token_url,
        client_auth=args.client_auth, listen_url=args.listen,
        issuer=args.issuer).trimmed()
    for field in trimmed:
        say(f"Note: removed spaces around {FLAGS[field]}.")
    _validate(profile)
    settings = context.load_settings()
    settings.put(profile)  # a name taken already fails here, before storing

    secret = read_client_secret(args.client_secret_env)
    # The secret first: a profile saved without one could not connect.
    context.tokens().save_client_secret(profile.id, secret)
    context.save_profile(profile)
    log.info("profile %s added", profile.id)
    say(f"Profile {profile.name!r} added. Connect with: zelt-desktop login "
        f"--profile {_quoted(profile.name)}")
    return 0


def _validate(profile: Profile) -> None:
    try:
        profile.validate()
    except InvalidSetting as e:
        flag = FLAGS.get(e.field or "")
        if flag is None:
            raise
        raise InvalidSetting(f"{e} ({flag})", field=e.field) from e


def read_client_secret(variable: str | None) -> str:
    """The client secret from ``variable`` or standard input, stripped.

    Never from the command line: it would land in the shell's history
    and in the list of processes.
    """
    if variable:
        raw = os.environ.get(variable)
        if raw is None:
            raise InputError(f"The environment variable {variable} is not "
                             "set.")
        where = f"the variable {variable}"
    else:
        raw = _read_stdin_line()
        where = "standard input"
    secret = raw.strip()
    if not secret:
        raise InputError(f"No client secret was found in {where}.")
    if secret != raw.rstrip("\r\n"):
        say(f"Note: removed spaces around the client secret from {where}.")
    return secret


def _read_stdin_line() -> str:
    if sys.stdin is None:
        raise InputError("No client secret: there is no standard input. "
                         "Use --client-secret-env VAR.")
    if sys.stdin.isatty():
        # getpass echoes nothing, so the secret never shows on screen.
        return getpass.getpass("Client secret: ", stream=sys.stderr)
    return sys.stdin.readline()


def list_profiles(args: argparse.Namespace, context: AppContext) -> int:
    settings = context.load_settings()
    if not settings.profiles:
        say("There is no profile yet. Add one with 'zelt-desktop profile "
            "add'.")
        return 0
    rows = [("NAME", "CLIENT ID", "BASE URL", "REDIRECT URI")]
    rows += [(p.name, p.client_id, p.base_url, p.redirect_uri)
             for p in settings.profiles]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)]
        print("  ".join(cells + [row[3]]))
    return 0


def remove_profile(args: argparse.Namespace, context: AppContext) -> int:
    """Remove the profile, then its secrets.

    The settings first: a password store that cannot be used must not
    keep anyone from removing a profile.  Its secrets then stay behind,
    and the user is told where they are (exit 4).
    """
    profile = choose_profile(context, args.name)
    settings = context.load_settings()
    settings.remove(profile.id)
    context.profiles.save(settings)
    log.info("profile %s removed", profile.id)
    try:
        context.tokens().forget_profile(profile.id)
    except SecretStoreError:
        say(f"Profile {profile.name!r} is removed, but its client secret "
            "and sign-in could not be removed from the password store. "
            "To remove them later, delete the entries of the service "
            f"{SERVICE!r} whose names start with '{profile.id}/' in your "
            "system's password manager.")
        raise
    say(f"Profile {profile.name!r} removed, with its client secret and "
        "sign-in.")
    return 0


def write_relay_page(args: argparse.Namespace, context: AppContext) -> int:
    profile = choose_profile(context, args.name)
    path = relay.write_relay_page(profile, args.output)
    say(f"Wrote the relay page to {path}. Host it at {profile.redirect_uri}"
        " (HTTPS), the Redirect URI registered in Zelt; the app will "
        f"listen at {profile.listen_url}.")
    return 0


def _quoted(name: str) -> str:
    return name if name.replace("-", "").isalnum() else repr(name)
