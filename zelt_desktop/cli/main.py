"""The command line's argument tree, and where errors become exit codes."""

from __future__ import annotations

import argparse
import logging
import sys

from zelt_desktop import __version__, diagnostics
from zelt_desktop.cli import diagnose, login, profiles, status, users
from zelt_desktop.cli.common import output_failed, plain_message, say
from zelt_desktop.context import AppContext
from zelt_desktop.errors import (AuthError, InputError, NetworkError,
                                 SecretStoreError, ServiceError, ZeltError)
from zelt_desktop.logs import log_file_path, setup_logging

log = logging.getLogger(__name__)

COMMANDS = frozenset({"profile", "login", "logout", "status", "users",
                      "diagnose"})
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_CANCELLED = AuthError.exit_code

# What a script can rely on; each code comes from the exception tree in
# zelt_desktop.errors, and the README documents the same table.
EXIT_CODES = (
    (0, "success"),
    (ZeltError.exit_code, "unexpected error (a bug): the message names "
                          "the log file"),
    (InputError.exit_code, "usage: a wrong option, profile or setting"),
    (AuthError.exit_code, "authentication needed, refused, timed out or "
                          "cancelled"),
    (SecretStoreError.exit_code, "the secret store is unavailable"),
    (ServiceError.exit_code, "Zelt is limiting requests or unavailable "
                             "after retries"),
    (NetworkError.exit_code, "Zelt could not be reached (network)"),
)


def build_parser() -> argparse.ArgumentParser:
    # Global options are accepted before or after the command: the
    # commands' copies have no default, so they never hide the first.
    common = argparse.ArgumentParser(add_help=False)
    _add_global_options(common, argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="zelt-desktop",
        description="Zelt Desktop on the command line: profiles, sign-in\n"
                    "and the employee list. Results go to standard output,\n"
                    "messages to standard error.",
        epilog=exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version",
                        version=f"zelt-desktop {__version__}")
    _add_global_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     required=True)
    for module in (profiles, login, status, users, diagnose):
        module.register(commands, common)
    return parser


def _add_global_options(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--verbose", action="store_true",
                        default=False if default is None else default,
                        help="copy the log to standard error")
    # For tests and scripts: another settings folder.
    parser.add_argument("--config-dir", metavar="DIR", default=default,
                        help=argparse.SUPPRESS)


def exit_code_table() -> str:
    rows = [f"  {code}  {meaning}" for code, meaning in EXIT_CODES]
    return "exit codes:\n" + "\n".join(rows)


def is_command_line(argv: list[str]) -> bool:
    """True when ``argv`` names a command; without one the window opens."""
    values_follow = False
    for arg in argv:
        if values_follow:
            values_follow = False
        elif arg in ("--config-dir", "--profile"):
            values_follow = True
        elif not arg.startswith("-"):
            return arg in COMMANDS
    return False


def run(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (see EXIT_CODES)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # --help, --version, or a usage error
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    log_path = _start_logging(args.verbose)
    context = AppContext.create(config_dir=args.config_dir)
    log.info("command %s", args.command)
    try:
        code = args.handler(args, context)
        _flush_stdout()
        return code
    except KeyboardInterrupt:
        log.info("%s cancelled by the user", args.command)
        say("Cancelled.")
        return EXIT_CANCELLED
    except ZeltError as e:
        _log_failure(args.command, e)
        say(f"Error: {describe(e)}")
        return e.exit_code
    except BrokenPipeError as e:
        # Whoever read standard output went away (``| head``): the
        # output could not be written, which is no bug.
        failed = output_failed(e)
        say(f"Error: {failed}")
        return failed.exit_code
    except Exception as e:  # noqa: BLE001 - the last resort of a command
        log.exception("%s failed unexpectedly", args.command)
        where = log_path or "not available"
        say(f"An unexpected error stopped the command "
            f"({type(e).__name__}). This is a bug; please report it with "
            f"the log file: {where}")
        return EXIT_UNEXPECTED


def describe(error: ZeltError) -> str:
    """Plain words for ``error``, then its HTTP status and request id."""
    details = []
    if error.status:
        details.append(f"HTTP {error.status}")
    if error.request_id:
        details.append(f"request id {error.request_id}")
    extra = f" ({', '.join(details)})" if details else ""
    return f"{plain_message(error)}{extra}"


def _log_failure(command: str, error: ZeltError) -> None:
    """Log a failure the user can act on at WARNING, never at ERROR.

    ERROR is for bugs (style.md); a command that stopped is still worth
    a line in ``diagnose``.  Sign-in and input trouble is routine and
    needs no traceback; the store, Zelt or the network failing gets one
    for support.
    """
    routine = isinstance(error, (AuthError, InputError))
    log.warning("%s failed: %s", command, type(error).__name__,
                exc_info=None if routine else error)


def _flush_stdout() -> None:
    """Flush what the command printed now, while failing is reported."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except OSError as e:
        raise output_failed(e) from e


def _start_logging(verbose: bool):
    """The log file, set up here unless the entry point did it already."""
    path = log_file_path()
    if path is None:
        try:
            path = setup_logging(verbose=verbose)
        except OSError as e:
            say(f"Note: no log file this time ({e.strerror}).")
    diagnostics.install_recent_errors()
    return path
