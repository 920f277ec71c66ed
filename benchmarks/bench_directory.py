"""Directory speed and memory at 100,000 people, against the stock ways.

Run from the checkout (one run takes about a minute on two cores):

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_directory.py

It prints a table per section and rewrites that section of
docs/benchmarks.md between its markers, leaving the other sections alone.
A new measurement (the network loading, say) is one more function
decorated with ``@section("name", "Title")`` returning rows; run it alone
with ``--only name``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6  # noqa: E402
from PySide6.QtCore import (QSortFilterProxyModel, Qt,  # noqa: E402
                            qVersion)
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from zelt_desktop.sandbox.company import generate_company  # noqa: E402
from zelt_desktop.ui.directory.search import normalise_query  # noqa: E402
from zelt_desktop.ui.directory.view import DirectoryPanel  # noqa: E402

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
FRAME_MS = 16.0
PAGE = 100
SIZE = (1000, 700)
# Letters first typed, a word pasted at once, and a query matching no one.
KEYSTROKES = ["a", "e", "m", "s", "lisbon", "zq"]
WORDS = ["marguerite", "lisbon", "engineer", "strom", "rosholt",
         "ana-maria", "sao paulo", "2019"]


@dataclass
class Result:
    """One section's table: rows of (measure, app, other, ratio)."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, measure: str, app: str, other: str = "",
            ratio: str = "") -> None:
        self.rows.append((measure, app, other, ratio))


SECTIONS: dict[str, tuple[str, Callable]] = {}


def section(name: str, title: str):
    def register(function):
        SECTIONS[name] = (title, function)
        return function
    return register


class Bench:
    """What every section shares: the application, people, one panel."""

    def __init__(self, people: int) -> None:
        self.app = QApplication.instance() or QApplication([])
        self.people = people
        self.records = generate_company(people)
        self._panel: DirectoryPanel | None = None

    @property
    def panel(self) -> DirectoryPanel:
        if self._panel is None:
            self._panel = self.new_panel()
            started = time.perf_counter()
            load(self._panel, self.records)
            self.load_seconds = time.perf_counter() - started
        return self._panel

    def new_panel(self) -> DirectoryPanel:
        panel = DirectoryPanel(settings={})
        panel.resize(*SIZE)
        panel.show()
        self.settle()
        return panel

    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents()


def load(panel: DirectoryPanel, records: list[dict]) -> None:
    panel.begin_load()
    for start in range(0, len(records), PAGE):
        panel.append_page(records[start:start + PAGE])
    panel.finish_load(len(records))
    QApplication.processEvents()


def type_text(bench: Bench, text: str) -> float:
    """Milliseconds from a keystroke to the painted result."""
    panel = bench.panel
    started = time.perf_counter()
    panel.search.setText(text)
    while panel.bar.search_pending:
        bench.app.processEvents()
    bench.app.processEvents()          # the repaint
    return (time.perf_counter() - started) * 1000


def timed_ms(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 10_000 else f"{value / 1000:,.1f} s"


def ratio(other: float, app: float) -> str:
    if not app:
        return ""
    return f"{other / app:,.1f}x" if other >= app else f"{other / app:.2f}x"


def stock_proxy(bench: Bench) -> tuple[QSortFilterProxyModel, QTableView]:
    """Qt's QSortFilterProxyModel over the app's own table model."""
    proxy = QSortFilterProxyModel()
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setSourceModel(bench.panel.model)
    table = QTableView()
    table.setModel(proxy)
    table.resize(*SIZE)
    table.show()
    bench.settle()
    return proxy, table


# -- sections ----------------------------------------------------------------

@section("filter", "Filtering on one keystroke")
def bench_filter(bench: Bench) -> Result:
    result = Result()
    panel = bench.panel
    texts = panel.view_model._search.texts
    app_times, plain_times = [], []
    for query in KEYSTROKES * 3:
        type_text(bench, "")
        app_times.append(type_text(bench, query))
        folded = normalise_query(query)
        plain_times.append(timed_ms(
            lambda: [i for i, t in enumerate(texts) if folded in t]))
    type_text(bench, "")

    proxy, table = stock_proxy(bench)
    stock_times = []
    for query in ("a", "zq"):
        stock_times.append(timed_ms(_stock_filter, bench, proxy, query))
        _stock_filter(bench, proxy, "")
    table.close()
    table.deleteLater()
    proxy.deleteLater()
    bench.settle()

    app, plain = statistics.median(app_times), statistics.median(plain_times)
    stock = statistics.median(stock_times)
    result.add("app view, median (search, repaint)", ms(app))
    result.add("app view, worst", ms(max(app_times)))
    result.add("plain list filter, median (lower bound, no view)",
               "", ms(plain), ratio(plain, app))
    result.add("QSortFilterProxyModel, median (2 keystrokes)", "",
               ms(stock), ratio(stock, app))
    result.notes.append(
        f"Queries {', '.join(repr(q) for q in KEYSTROKES)}, each typed into "
        "an empty search box three times. Ratios are the other way's time "
        "over the app's. The stock proxy was measured on two keystrokes "
        "only ('a', 'zq'), because each takes seconds.")
    result.notes.append(goal("keystroke median", app))
    return result


def _stock_filter(bench: Bench, proxy, query: str) -> None:
    proxy.setFilterFixedString(query)
    bench.app.processEvents()


@section("typing", "Typing a word letter by letter")
def bench_typing(bench: Bench) -> Result:
    result = Result()
    texts = bench.panel.view_model._search.texts
    first, erased, plain = _type_words(bench, texts)
    again, _, _ = _type_words(bench, None)
    median = statistics.median

    result.add("keystroke typed, first time: median", ms(median(first)),
               ms(median(plain)), ratio(median(plain), median(first)))
    result.add("keystroke typed, first time: worst", ms(max(first)),
               ms(max(plain)))
    result.add("keystroke typed, words again: median", ms(median(again)))
    result.add("keystroke typed, words again: worst", ms(max(again)))
    result.add("Backspace: median", ms(median(erased)))
    result.add("Backspace: worst", ms(max(erased)))
    result.notes.append(
        f"{len(first)} letters typed and erased in the words "
        f"{', '.join(WORDS)}; then the same words typed again, when the "
        "flags of their first two letters are kept (the app keeps the 64 "
        "latest). The other column is a plain list filter that scans "
        "every row on each keystroke, without a view to update.")
    result.notes.append(goal("typed keystroke median", median(first)))
    return result


def _type_words(bench: Bench, texts) -> tuple[list, list, list]:
    typed, erased, plain = [], [], []
    for word in WORDS:
        type_text(bench, "")
        for end in range(1, len(word) + 1):
            typed.append(type_text(bench, word[:end]))
            if texts is not None:
                plain.append(timed_ms(_plain_filter, texts, word[:end]))
        for end in range(len(word) - 1, -1, -1):
            erased.append(type_text(bench, word[:end]))
    return typed, erased, plain


def _plain_filter(texts: list[str], text: str) -> list[int]:
    words = normalise_query(text).split()
    return [i for i, t in enumerate(texts) if all(w in t for w in words)]


@section("sort", "Sorting by last name")
def bench_sort(bench: Bench) -> Result:
    result = Result()
    panel = bench.panel
    view = panel.view_model
    first = timed_ms(_app_sort, bench, view, False)
    again = statistics.median(
        [timed_ms(_app_sort, bench, view, descending)
         for descending in (True, False, True)])
    _app_sort(bench, view, None)

    proxy, table = stock_proxy(bench)
    stock = timed_ms(_stock_sort, bench, proxy)
    table.close()
    table.deleteLater()
    proxy.deleteLater()
    bench.settle()

    result.add("app, first sort (core keys computed)", ms(first))
    result.add("app, next sorts (keys kept)", ms(again))
    result.add("QSortFilterProxyModel.sort(0)", "", ms(stock),
               ratio(stock, first))
    result.notes.append(
        "Times include the repaint. The app sorts by the core's key (last "
        "name, first name; folded; numbers in numeric order; empty last); "
        "the stock proxy compares the display names (first name first) "
        "with data() on every comparison, so it does less and still "
        "takes longer. The ratio is against the app's first sort.")
    return result


def _app_sort(bench: Bench, view, descending) -> None:
    if descending is None:
        view.sort_by(None)
    else:
        view.sort_by("name", descending)
    bench.app.processEvents()


def _stock_sort(bench: Bench, proxy) -> None:
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    bench.app.processEvents()


@section("memory", "Memory for {people:,} people")
def bench_memory(bench: Bench) -> Result:
    result = Result()
    pages = [json.dumps(bench.records[i:i + PAGE])
             for i in range(0, len(bench.records), PAGE)]
    records_only = _traced(lambda: [json.loads(page) for page in pages])

    panel = bench.new_panel()
    gc.collect()
    rss_before = rss_bytes()
    tracemalloc.start()
    panel.begin_load()
    for page in pages:
        panel.append_page(json.loads(page))
    panel.finish_load(len(bench.records))
    bench.settle()
    gc.collect()
    traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = rss_bytes()

    result.add("process memory (RSS) above an empty window",
               mib(rss_after - rss_before))
    result.add("Python objects, all (tracemalloc)", mib(traced))
    result.add("of which the records as Zelt sent them", "",
               mib(records_only))
    result.add("of which the app's own (rows, search, indexes)",
               mib(traced - records_only))
    result.notes.append(
        "The panel keeps every record as received (the detail view shows "
        "unknown fields), an Employee per person, one folded search text "
        "per row, a byte per row for each letter searched, and lists of "
        "row numbers. Qt holds no item per cell. RSS includes allocator "
        "slack and Qt's own structures; tracemalloc sees Python objects "
        "only and slows the loading down while it runs.")
    panel.close()
    panel.deleteLater()
    bench.settle()
    return result


def _traced(function) -> int:
    gc.collect()
    tracemalloc.start()
    kept = function()
    gc.collect()
    traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    return traced


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


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

Figures from `benchmarks/bench_directory.py`. Each section is rewritten
by the run that measured it; the machine and date are under each table.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="sections to run, comma-separated: "
                        + ", ".join(SECTIONS))
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)

    bench = Bench(args.people)
    for name in args.only.split(","):
        title, function = SECTIONS[name.strip()]
        load = os.getloadavg()[0]
        result = function(bench)
        text = render(title, result, args.people, load)
        print(text, end="\n\n", flush=True)
        if not args.no_write:
            update_doc(name.strip(), text)
    if bench._panel is not None:
        print(f"(loading {args.people:,} people into the panel took "
              f"{bench.load_seconds:.1f} s without a network)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
