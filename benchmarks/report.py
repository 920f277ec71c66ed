"""The benchmark sections, their tables, and docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import PySide6
from PySide6.QtCore import qVersion

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
FRAME_MS = 16.0


@dataclass
class Result:
    """One section's table: rows of (measure, app, other, ratio).

    ``people`` overrides the company size under the table, for a
    section that measures another one.
    """

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    people: int | None = None

    def add(self, measure: str, app: str, other: str = "",
            ratio: str = "") -> None:
        self.rows.append((measure, app, other, ratio))


SECTIONS: dict[str, tuple[str, Callable]] = {}


def section(name: str, title: str):
    """Register a function(bench) -> Result as the section ``name``."""
    def register(function):
        SECTIONS[name] = (title, function)
        return function
    return register


# -- figures -----------------------------------------------------------------

def timed_ms(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 10_000 else f"{value / 1000:,.1f} s"


def seconds(value: float) -> str:
    return f"{value:,.2f} s"


def ratio(other: float, app: float) -> str:
    if not app:
        return ""
    return f"{other / app:,.1f}x" if other >= app else f"{other / app:.2f}x"


def mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def goal(what: str, value: float) -> str:
    met = "met" if value <= FRAME_MS else "NOT met"
    return f"Goal: {what} within one {FRAME_MS:.0f} ms frame: {met} " \
           f"({value:.1f} ms)."


# -- the report --------------------------------------------------------------

def machine() -> str:
    model = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        model = found.group(1).strip() if found else ""
    except OSError:
        pass
    return (f"{os.cpu_count()} cores{', ' + model if model else ''}; "
            f"{platform.system()} {platform.release()}; Python "
            f"{platform.python_version()}; PySide6 {PySide6.__version__} "
            f"(Qt {qVersion()}); Qt platform "
            f"{os.environ.get('QT_QPA_PLATFORM', 'default')}")


def render(title: str, result: Result, people: int, load: float) -> str:
    people = result.people or people
    lines = [f"## {title.format(people=people)}", "",
             "| measure | app | other way | other / app |",
             "|---|---:|---:|---:|"]
    lines += [f"| {' | '.join(row)} |" for row in result.rows]
    lines += [""] + [f"{note}\n" for note in result.notes]
    lines.append(f"_{people:,} generated people; {machine()}; load "
                 f"average {load:.1f} when the section started; "
                 f"{time.strftime('%Y-%m-%d')}._")
    return "\n".join(lines)


def update_doc(name: str, text: str) -> None:
    """Rewrite the section ``name`` of the document, or append it."""
    begin, end = f"<!-- section: {name} -->", f"<!-- end: {name} -->"
    block = f"{begin}\n{text}\n{end}"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if pattern.search(doc):
        doc = pattern.sub(lambda _: block, doc)
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


HEADER = """# Benchmarks

Figures from `benchmarks/run.py`. Each section is rewritten by the run
that measured it; the machine and date are under each table.
"""
