"""The options object and its command-line flags: one mapping, both ways."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from zelt_desktop.errors import InputError
from zelt_desktop.sandbox.options import SandboxOptions


def parse(args: list[str]) -> SandboxOptions:
    parser = argparse.ArgumentParser()
    SandboxOptions.add_arguments(parser)
    return SandboxOptions.from_args(parser.parse_args(args))


def test_defaults_need_no_flags():
    assert SandboxOptions().to_args() == []
    assert parse([]) == SandboxOptions()


def test_every_option_round_trips_through_flags():
    options = SandboxOptions(
        host="::1", port=5, employees=9, seed=3, code_lifetime=2.5,
        access_token_lifetime=60.0, latency=0.25, page_size_cap=37,
        client_auth="rfc6749", no_scopes=True, omit_expires_in=0.5,
        rate_limit=0.1, retry_after=2.0, waf_burst=30, server_errors=0.2,
        drop_connections=0.3, malformed_json=0.4, drop_token_replies=0.6,
        fault_seed=11)
    changed = {f.name for f in dataclasses.fields(options)
               if getattr(options, f.name) != f.default}
    assert changed == {f.name for f in dataclasses.fields(options)}

    assert parse(options.to_args()) == options


def test_flags_are_kebab_case():
    args = SandboxOptions(page_size_cap=10, no_scopes=True).to_args()
    assert args == ["--page-size-cap", "10", "--no-scopes"]


@pytest.mark.parametrize("values", [
    {"host": "0.0.0.0"}, {"host": "example.com"}, {"client_auth": "post"},
    {"rate_limit": 1.5}, {"malformed_json": -0.1}, {"page_size_cap": 0},
    {"employees": -1}])
def test_unusable_options_are_refused(values):
    with pytest.raises(InputError):
        SandboxOptions(**values)


def test_bad_flag_values_are_refused_by_the_parser():
    with pytest.raises(SystemExit):
        parse(["--client-auth", "post"])
