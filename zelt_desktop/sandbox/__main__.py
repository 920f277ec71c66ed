"""Run the sandbox alone: ``python -m zelt_desktop.sandbox --port 0``."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from zelt_desktop.errors import InputError
from zelt_desktop.profiles import DEFAULT_REDIRECT_URI
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.sandbox.server import RegisteredApp, SandboxServer

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m zelt_desktop.sandbox",
        description="A local stand-in for Zelt, with a demo app and a "
                    "generated company of fake people.")
    SandboxOptions.add_arguments(parser)
    apps = parser.add_argument_group("apps")
    apps.add_argument("--demo-redirect-uri", default=DEFAULT_REDIRECT_URI,
                      help="Redirect URI of the demo app")
    apps.add_argument("--client-id", help="register another app")
    apps.add_argument("--client-secret-env", metavar="VAR",
                      help="environment variable holding its secret")
    apps.add_argument("--redirect-uri", help="its Redirect URI")
    parser.add_argument("--verbose", action="store_true",
                        help="log requests to standard error")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        options = SandboxOptions.from_args(args)
    except InputError as e:
        parser.error(str(e))
    extra = _extra_app(parser, args)
    if args.verbose and sys.stderr is not None:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)

    stopping = threading.Event()
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name),
                          lambda *_: stopping.set())
    with SandboxServer(options) as sandbox:
        demo = sandbox.register_demo_app(args.demo_redirect_uri)
        other = sandbox.register_app(*extra) if extra else None
        _announce(sandbox, demo, other)
        # A timed wait lets the signal handler run on every platform.
        while not stopping.wait(0.5):
            pass
    return 0


def _extra_app(parser: argparse.ArgumentParser, args: argparse.Namespace
               ) -> tuple[str, str, str] | None:
    given = (args.client_id, args.client_secret_env, args.redirect_uri)
    if not any(given):
        return None
    if not all(given):
        parser.error("--client-id, --client-secret-env and --redirect-uri "
                     "go together")
    # The secret comes from the environment: argv is visible to others.
    secret = os.environ.get(args.client_secret_env)
    if not secret:
        parser.error(f"the environment variable {args.client_secret_env} "
                     "is not set")
    return args.client_id, secret, args.redirect_uri


def _announce(sandbox: SandboxServer, demo: RegisteredApp,
              other: RegisteredApp | None) -> None:
    print(f"Zelt sandbox running at {sandbox.base_url}", flush=True)
    # The demo secret is a public fake; any other secret stays unsaid.
    _print_app("demo app", demo, demo.client_secret)
    if other is not None:
        _print_app("app", other, "(from the environment)")
    print(f"employees: {len(sandbox.employees)}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)


def _print_app(label: str, app: RegisteredApp, secret: str) -> None:
    scopes = " ".join(app.scopes) or "(none)"
    print(f"{label}: client id {app.client_id}, client secret {secret}, "
          f"redirect URI {app.redirect_uri}, scopes {scopes}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
