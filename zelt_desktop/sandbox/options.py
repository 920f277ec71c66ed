"""The sandbox's settings: one object, the same as its command-line flags."""

from __future__ import annotations

import argparse
import dataclasses

from zelt_desktop.errors import InputError

CLIENT_AUTH_STYLES = ("basic", "rfc6749")

# Flag help, one line per option; the flag is the field name in kebab case.
_HELP = {
    "host": "loopback address to bind (127.0.0.1 or ::1)",
    "port": "port to listen on; 0 picks a free one",
    "employees": "size of the generated company",
    "seed": "seed of the generated company",
    "code_lifetime": "seconds an authorization code stays valid",
    "access_token_lifetime": "seconds an access token stays valid",
    "latency": "seconds added before every answer",
    "page_size_cap": "largest pageSize honoured, silently",
    "client_auth": "how the Basic header is decoded: Zelt's raw "
                   "id:secret or RFC 6749 section 2.3.1 (form-urlencoded)",
    "no_scopes": "apps have no scopes: tokens work, every list is empty",
    "omit_expires_in": "rate of token replies without expires_in",
    "rate_limit": "rate of API answers 429 with Retry-After",
    "retry_after": "Retry-After of a 429, in seconds (sent rounded up)",
    "waf_burst": "more concurrent API requests than this get the edge's "
                 "403 HTML page (0: off)",
    "server_errors": "rate of API answers 500",
    "drop_connections": "rate of API requests closed without an answer",
    "malformed_json": "rate of API answers with truncated JSON",
    "drop_token_replies": "rate of token replies lost after the tokens "
                          "were issued (a refresh token sent is spent)",
    "fault_seed": "seed of the fault draws",
}
_RATES = ("omit_expires_in", "rate_limit", "server_errors",
          "drop_connections", "malformed_json", "drop_token_replies")
_LOOPBACK_HOSTS = ("127.0.0.1", "::1")


@dataclasses.dataclass
class SandboxOptions:
    """How a sandbox behaves: its company, lifetimes and faults."""

    host: str = "127.0.0.1"
    port: int = 0
    employees: int = 250
    seed: int = 1
    code_lifetime: float = 180.0
    access_token_lifetime: float = 3600.0
    latency: float = 0.0
    page_size_cap: int | None = None
    client_auth: str = "basic"
    no_scopes: bool = False
    omit_expires_in: float = 0.0
    rate_limit: float = 0.0
    retry_after: float = 1.0
    waf_burst: int = 0
    server_errors: float = 0.0
    drop_connections: float = 0.0
    malformed_json: float = 0.0
    drop_token_replies: float = 0.0
    fault_seed: int = 0

    def __post_init__(self) -> None:
        # The sandbox answers on loopback only; it never faces a network.
        if self.host not in _LOOPBACK_HOSTS:
            raise InputError("The sandbox binds only to 127.0.0.1 or ::1.")
        if self.client_auth not in CLIENT_AUTH_STYLES:
            raise InputError(
                f"client_auth must be one of {', '.join(CLIENT_AUTH_STYLES)}.")
        for name in _RATES:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InputError(f"{name} is a rate between 0 and 1.")
        if self.employees < 0 or self.waf_burst < 0:
            raise InputError("employees and waf_burst cannot be negative.")
        if self.page_size_cap is not None and self.page_size_cap < 1:
            raise InputError("page_size_cap must be at least 1.")

    def to_args(self) -> list[str]:
        """These options as flags; only those that differ from defaults."""
        args: list[str] = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value == field.default:
                continue
            flag = _flag(field.name)
            if isinstance(value, bool):
                args.append(flag)
            else:
                args += [flag, str(value)]
        return args

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """Add one flag per option to ``parser``."""
        group = parser.add_argument_group("sandbox options")
        for field in dataclasses.fields(cls):
            flag, default = _flag(field.name), field.default
            help_text = _HELP[field.name]
            if isinstance(default, bool):
                group.add_argument(flag, action="store_true", help=help_text)
            elif field.name == "client_auth":
                group.add_argument(flag, choices=CLIENT_AUTH_STYLES,
                                   default=default, help=help_text)
            else:
                kind = int if default is None else type(default)
                group.add_argument(flag, type=kind, default=default,
                                   metavar=field.name.upper(), help=help_text)

    @classmethod
    def from_args(cls, namespace: argparse.Namespace) -> SandboxOptions:
        """The options parsed by a parser prepared with add_arguments."""
        values = {field.name: getattr(namespace, field.name)
                  for field in dataclasses.fields(cls)}
        return cls(**values)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")
