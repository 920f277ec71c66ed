"""``zelt-desktop users``: every employee as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import sys

from zelt_desktop.cli.common import (add_profile_option, binary_output,
                                     choose_profile, client_secret, say)
from zelt_desktop.connection import open_connection
from zelt_desktop.context import AppContext
from zelt_desktop.zelt.employees import (COLUMNS, DEFAULT_COLUMNS, Employee,
                                         normalise, resolve_managers)
from zelt_desktop.zelt.export import ENCODING, write_csv

log = logging.getLogger(__name__)

FORMATS = ("table", "csv", "json")
DEFAULT_MAX_WAIT = 60.0  # seconds one wait for a limiting Zelt may take
CELL_MAX = 40  # characters of a table cell; csv and json keep everything

# Text from Zelt must not drive the terminal it is shown on (ECMA-48):
# escape sequences (CSI, OSC, and ESC with one more character, in 7-bit
# and 8-bit forms), then C0 and C1 controls, DEL and the bidirectional
# overrides that reorder what a line seems to say (Unicode TR 36).
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?")
_CONTROLS = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
    r"\u2066-\u2069]")
# JSON escapes C0 itself; DEL, C1 and the bidirectional overrides are
# escaped here, which keeps the data intact for any JSON reader.
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in [
    *range(0x7f, 0xa0), 0x61c, *range(0x202a, 0x202f),
    *range(0x2066, 0x206a)]}


def register(commands, common: argparse.ArgumentParser) -> None:
    users = commands.add_parser(
        "users", parents=[common], help="write every employee",
        description="Write every employee: an aligned table, CSV (the "
                    "window's export) or JSON (every field Zelt sent).")
    add_profile_option(users)
    users.add_argument("--format", choices=FORMATS, default="table")
    users.add_argument("--output", metavar="FILE",
                       help="write to FILE instead of standard output")
    users.add_argument("--max-wait", type=float, default=DEFAULT_MAX_WAIT,
                       metavar="SECONDS",
                       help="longest wait when Zelt asks the app to slow "
                            "down (default: %(default)s)")
    users.set_defaults(handler=users_command)


def users_command(args: argparse.Namespace, context: AppContext) -> int:
    profile = choose_profile(context, args.profile)
    secret = client_secret(context, profile)
    # No /users/me check first: the list itself proves the token.
    connection = open_connection(profile, context.tokens(),
                                 client_secret=secret, verify=False)
    try:
        connection.client.wait_limit = max(0.0, args.max_wait)
        records = _load(connection.client)
    finally:
        connection.close()

    employees = [normalise(record) for record in records]
    resolve_managers(employees)
    # Flushed and closed inside: the count is said only once it is true.
    with binary_output(args.output) as stream:
        if args.format == "csv":
            _write_csv(stream, employees)
        elif args.format == "json":
            _write_json(stream, records)
        else:
            _write_table(stream, employees)
    say(f"{len(employees)} employees written"
        + (f" to {args.output}." if args.output else "."))
    return 0


def _load(client) -> list[dict]:
    """Every record, in Zelt's order; progress on a terminal only."""
    show = sys.stderr is not None and sys.stderr.isatty()
    records: list[dict] = []
    for page in client.iter_user_pages(on_wait=_on_wait):
        records.extend(page.items)
        if show:
            of = f" of {page.total_pages}" if page.total_pages else ""
            print(f"\rLoaded page {page.number}{of}: "
                  f"{page.total_so_far} people", end="", file=sys.stderr,
                  flush=True)
    if show:
        print(file=sys.stderr)
    log.info("loaded %d employee records", len(records))
    return records


def _on_wait(seconds: float, reason: str) -> None:
    say(f"{reason} Waiting {seconds:.0f} s…")


def _write_csv(stream, employees: list[Employee]) -> None:
    # The window's writer and encoding (with a byte order mark), so that
    # ``users --format csv > people.csv`` equals the window's export.
    # Built in memory: a text wrapper round standard output would close
    # it when a failed write left the wrapper attached.
    text = io.StringIO(newline="")
    write_csv(text, employees, DEFAULT_COLUMNS)
    stream.write(text.getvalue().encode(ENCODING))


def _write_json(stream, records: list[dict]) -> None:
    text = json.dumps(records, ensure_ascii=False, indent=2)
    stream.write(text.translate(_JSON_ESCAPES).encode("utf-8") + b"\n")


def _write_table(stream, employees: list[Employee]) -> None:
    columns = [COLUMNS[key] for key in DEFAULT_COLUMNS]
    rows = [[c.title for c in columns]]
    rows += [[_cell(c.value(e)) for c in columns] for e in employees]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(width)
                       for cell, width in zip(row, widths)).rstrip()
             for row in rows]
    stream.write(("\n".join(lines) + "\n").encode("utf-8"))


def _cell(value: str) -> str:
    value = _CONTROLS.sub(" ", _ESCAPES.sub("", value))
    value = " ".join(value.split())  # a line break would break the row
    return value if len(value) <= CELL_MAX else value[:CELL_MAX - 1] + "…"
