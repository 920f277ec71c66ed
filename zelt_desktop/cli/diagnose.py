"""``zelt-desktop diagnose``: the report to paste into a support ticket."""

from __future__ import annotations

import argparse
import logging

from zelt_desktop import diagnostics
from zelt_desktop.cli.common import add_profile_option, choose_profile, say
from zelt_desktop.context import AppContext

log = logging.getLogger(__name__)


def register(commands, common: argparse.ArgumentParser) -> None:
    diagnose = commands.add_parser(
        "diagnose", parents=[common], help="print a report for support",
        description="Print versions, the secret store, the profiles "
                    "(never a secret or a token), whether each listener "
                    "port is free and each base URL answers, and the last "
                    "errors: ready to paste into a support ticket.")
    add_profile_option(diagnose)
    diagnose.add_argument("--offline", action="store_true",
                          help="do not try the base URLs")
    diagnose.set_defaults(handler=diagnose_command)


def diagnose_command(args: argparse.Namespace, context: AppContext) -> int:
    profile = (choose_profile(context, args.profile)
               if args.profile is not None else None)
    if not args.offline:
        say("Checking each profile's base URL…")
    report = diagnostics.collect(context, profile,
                                 check_network=not args.offline)
    print(diagnostics.render(report), end="", flush=True)
    return 0
