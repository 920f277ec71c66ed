"""Directory speed and memory at 100,000 people, against the stock ways.

Run through ``benchmarks/run.py``; each function decorated with
``@section`` is one table of docs/benchmarks.md.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import time
import tracemalloc

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from report import (Result, goal, mib, ms, ratio, section,  # noqa: E402
                    timed_ms)
from zelt_desktop.sandbox.company import generate_company  # noqa: E402
from zelt_desktop.ui.directory.search import normalise_query  # noqa: E402
from zelt_desktop.ui.directory.view import DirectoryPanel  # noqa: E402

PAGE = 100
SIZE = (1000, 700)
# Letters first typed, a word pasted at once, and a query matching no one.
KEYSTROKES = ["a", "e", "m", "s", "lisbon", "zq"]
WORDS = ["marguerite", "lisbon", "engineer", "strom", "rosholt",
         "ana-maria", "sao paulo", "2019"]


class Bench:
    """What every section shares: the application, people, one panel."""

    def __init__(self, people: int) -> None:
        self.app = QApplication.instance() or QApplication([])
        self.people = people
        self._records: list[dict] | None = None
        self._panel: DirectoryPanel | None = None
        self.load_seconds = 0.0

    @property
    def records(self) -> list[dict]:
        if self._records is None:
            self._records = generate_company(self.people)
        return self._records

    @property
    def panel(self) -> DirectoryPanel:
        """A panel with every person loaded and its sorts prepared."""
        if self._panel is None:
            self._panel = self.new_panel()
            started = time.perf_counter()
            load(self._panel, self.records)
            self.load_seconds = time.perf_counter() - started
            self.wait_prepared(self._panel)
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

    def wait_prepared(self, panel: DirectoryPanel) -> None:
        """Until the worker has prepared the shown columns' ranks (a
        company of up to ``sync_rows`` people sorts on the spot)."""
        while panel.model.preparer.busy:
            self.app.processEvents()
            time.sleep(0.001)


class Heartbeat:
    """The longest wait of the event loop, seen by a 1 ms timer."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = 0.0
        self._timer = QTimer(interval=1)
        self._timer.timeout.connect(self._beat)

    def start(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._beat()
        return self.longest * 1000

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


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
    fresh = _sort_right_after_a_load(bench)
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

    result.add("asked right after the load: GUI thread busy on the click",
               ms(fresh["click"]))
    result.add("asked right after the load: until the sorted rows show",
               ms(fresh["shown"]))
    result.add("the 8 shown columns prepared in the worker, after the load",
               ms(fresh["prepared"]))
    result.add("longest event-loop stall while they were prepared",
               ms(fresh["stall"]))
    result.add("first sort once prepared (sort, filter, repaint)", ms(first))
    result.add("next sorts, either direction", ms(again))
    result.add("QSortFilterProxyModel.sort(0), on the GUI thread", "",
               ms(stock), ratio(stock, first))
    result.notes.append(
        "Times include the repaint. The app sorts by the core's key (last "
        "name, first name; folded; numbers in numeric order; empty last), "
        "as ranks that a worker thread prepares for the shown columns "
        "once a load completes; a column asked for before goes first, "
        "and the table keeps its order, with a busy cursor, until its "
        "ranks come. The stalls are the longest gaps between the beats "
        "of a 1 ms timer, which itself competes for the interpreter. The "
        "stock proxy compares the display names (first name first) with "
        "data() on every comparison, blocking the window throughout; the "
        "ratio is against the app's first sort once prepared.")
    return result


def _sort_right_after_a_load(bench: Bench) -> dict[str, float]:
    panel = bench.new_panel()
    load(panel, bench.records)
    beat = Heartbeat()
    beat.start()
    started = time.perf_counter()
    click = timed_ms(panel.view_model.sort_by, "name")
    while panel.view_model.pending:
        bench.app.processEvents()
    shown = (time.perf_counter() - started) * 1000
    bench.wait_prepared(panel)
    prepared = (time.perf_counter() - started) * 1000
    stall = beat.stop()
    panel.close()
    panel.deleteLater()
    bench.settle()
    return {"click": click, "shown": shown, "prepared": prepared,
            "stall": stall}


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
    bench.wait_prepared(panel)
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
        "per row, a byte per row for each letter searched, lists of row "
        "numbers, and 4 bytes per row for each shown column's sort "
        "ranks (measured once they are prepared). Qt holds no item per "
        "cell. RSS includes allocator "
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
