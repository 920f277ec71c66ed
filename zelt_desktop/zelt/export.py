"""The CSV writer shared by the window and the command line."""

from __future__ import annotations

import csv
import logging
import os
import re
from typing import IO, Sequence

from zelt_desktop.errors import InputError
from zelt_desktop.zelt.employees import COLUMNS, Employee

log = logging.getLogger(__name__)

# Excel reads UTF-8 only when the file starts with a byte order mark.
ENCODING = "utf-8-sig"

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP, "CSV Injection"); a leading apostrophe makes it plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Cells stay whole: tab and line breaks are data (quoted by the writer);
# any other C0 or C1 control, or DEL, becomes U+FFFD, the replacement
# character, so that the file is safe to print and to show (ECMA-48).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def neutralise(text: str) -> str:
    """``text`` made safe to open in a spreadsheet and to print."""
    text = _CONTROLS.sub("\ufffd", text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(target: str | os.PathLike | IO[str],
              employees: Sequence[Employee], columns: Sequence[str]) -> int:
    """Write ``employees`` as CSV with a header of column titles.

    ``target`` is a path, or a text stream opened with ``newline=""``
    (which should use ENCODING when it is a file).  Returns the number of
    rows written, the header not counted.
    """
    chosen = [_column(key) for key in columns]
    if isinstance(target, (str, os.PathLike)):
        try:
            with open(target, "w", encoding=ENCODING, newline="") as stream:
                count = _write(stream, employees, chosen)
        except OSError as e:
            raise InputError(
                f"The file could not be written: {e.strerror}.") from e
    else:
        count = _write(target, employees, chosen)
    log.debug("exported %d rows, %d columns", count, len(chosen))
    return count


def _column(key: str):
    try:
        return COLUMNS[key]
    except KeyError as e:
        raise InputError(f"There is no column named {key!r}.") from e


def _write(stream: IO[str], employees: Sequence[Employee], chosen) -> int:
    writer = csv.writer(stream)
    writer.writerow([neutralise(c.title) for c in chosen])
    values = [c.value for c in chosen]
    for e in employees:
        writer.writerow([neutralise(value(e)) for value in values])
    return len(employees)
