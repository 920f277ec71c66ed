"""Entry point: parse the arguments, then open the window or run a command."""

from __future__ import annotations

import argparse
import sys

from zelt_desktop import __version__


def parser() -> argparse.ArgumentParser:
    from zelt_desktop.cli.main import exit_code_table
    p = argparse.ArgumentParser(
        prog="zelt-desktop",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Connect to the Zelt HR API and browse your people. "
                    "Without a command it opens the window.",
        epilog="commands for scripts: profile, login, status, users, "
               "logout, diagnose\n(see 'zelt-desktop COMMAND --help')\n\n"
               + exit_code_table())
    p.add_argument("--version", action="version",
                   version=f"zelt-desktop {__version__}")
    p.add_argument("--demo", action="store_true",
                   help="run against a built-in sandbox Zelt with fake "
                        "people")
    p.add_argument("--self-test", action="store_true",
                   help="with --demo: sign in and load everyone without a "
                        "human, then exit")
    p.add_argument("--connect", action="store_true",
                   help="begin the sign-in at once")
    p.add_argument("--profile", metavar="NAME",
                   help="open this connection instead of the last used")
    p.add_argument("--verbose", action="store_true",
                   help="copy the log to standard error")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from zelt_desktop.browser import restore_child_environment
    restore_child_environment()

    from zelt_desktop.cli.main import is_command_line, run as run_command
    if is_command_line(argv):
        return run_command(argv)

    args = parser().parse_args(argv)
    if args.self_test and not args.demo:
        parser().error("--self-test needs --demo")
    from zelt_desktop.diagnostics import install_recent_errors
    from zelt_desktop.logs import setup_logging
    setup_logging(verbose=args.verbose)
    install_recent_errors()

    from zelt_desktop.ui.app import run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
