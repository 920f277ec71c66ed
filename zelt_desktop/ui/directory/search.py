"""Search and ordered merges over row numbers, fast enough for 100,000.

Plain Python, no Qt: the view model (filter.py) keeps lists of source rows
and asks this module which of them match a query or where new rows go.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from functools import lru_cache
from itertools import compress, repeat
from operator import contains
from typing import Sequence

from zelt_desktop.zelt.employees import fold, sort_order

# Letters indexed as soon as texts arrive, so the first letter typed is
# answered from its flags; other characters are indexed on first use.
PREINDEXED = "abcdefghijklmnopqrstuvwxyz"
# Two-letter word starts kept, the least recently used dropped: a byte per
# row each (6.4 MB at 100,000 rows).
KEPT_PAIRS = 64

# Cells of one row are joined with a character no query can hold (the
# search box is one line), so no match spans two cells.
CELL_SEPARATOR = "\n"


def normalise_query(text: str) -> str:
    """The folded query, its words separated by single spaces."""
    return " ".join(fold(text).split())


# Most cells (department, site, status, dates, managers) repeat.
_fold_cell = lru_cache(maxsize=1 << 16)(fold)


def row_text(cells: Sequence[str]) -> str:
    """The folded text searched for one row."""
    return CELL_SEPARATOR.join(map(_fold_cell, cells))


def filter_rows(texts: Sequence[str], rows: list[int],
                query: str) -> list[int]:
    """The rows whose text holds every word of ``query`` (normalised).

    The loop runs inside C (map, compress): a Python-level loop over
    100,000 rows costs about three times as much.
    """
    for word in query.split():
        found = map(contains, map(texts.__getitem__, rows), repeat(word))
        rows = list(compress(rows, found))
    return rows


class IncrementalSearch:
    """Answers a query from the answer to a query it extends.

    Every row matching "ann" matches "an" too, so typing a letter searches
    only the previous matches.  The chain of answers is kept, so Backspace
    costs nothing; a query that is not an extension starts again from the
    base rows.

    The first letters typed match most rows, and looking for them in each
    text is the slow part; so for each letter searched, and for the
    latest two-letter word starts, a bytearray says which rows hold it.
    One compress() over those flags answers the first two keystrokes of a
    word, and drops rows lacking a new letter before any text is scanned.
    """

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._letters: dict[str, bytearray] = {}
        self._pairs: OrderedDict[str, bytearray] = OrderedDict()
        self._chain: list[tuple[str, list[int]]] = [("", [])]
        self.set_texts([])

    @property
    def texts(self) -> list[str]:
        return self._texts

    def set_texts(self, texts: list[str]) -> None:
        self._texts = texts
        self._letters.clear()
        self._pairs.clear()
        for letter in PREINDEXED:
            self._flags(letter)

    def add_texts(self, texts: list[str]) -> None:
        for needle, flags in self._all_flags():
            flags.extend(map(contains, texts, repeat(needle)))
        self._texts.extend(texts)

    def set_text(self, row: int, text: str) -> None:
        self._texts[row] = text
        for needle, flags in self._all_flags():
            flags[row] = needle in text

    def reset(self, base: list[int], query: str = "",
              rows: list[int] | None = None) -> None:
        """Start over from ``base``; ``rows`` may answer ``query`` already."""
        self._chain = [("", base)]
        if query and rows is not None:
            self._chain.append((query, rows))

    def search(self, query: str) -> list[int]:
        """The base rows matching ``query`` (normalised), in base order."""
        chain = self._chain
        while len(chain) > 1 and not query.startswith(chain[-1][0]):
            chain.pop()
        known, rows = chain[-1]
        if query == known:
            return rows
        rows = self._narrow(rows, query, known)
        chain.append((query, rows))
        return rows

    def _narrow(self, rows: list[int], query: str, known: str) -> list[int]:
        # Every row in ``rows`` holds each letter and word of ``known``.
        for letter in sorted(set(query) - set(known) - {" "}):
            rows = _kept(rows, self._flags(letter))
        known_words = known.split()
        for i, word in enumerate(query.split()):
            had = known_words[i] if i < len(known_words) else ""
            if len(word) < 2 or word == had:
                continue
            if len(had) < 2 and self._worth_a_pair(word[:2], len(rows)):
                rows = _kept(rows, self._pair(word[:2]))
                if len(word) == 2:
                    continue
            rows = filter_rows(self._texts, rows, word)
        return rows

    def _worth_a_pair(self, pair: str, candidates: int) -> bool:
        # Building the flags scans every text once: worth it when most
        # rows are candidates anyway, or when they are kept already.
        return pair in self._pairs or candidates * 2 > len(self._texts)

    def _flags(self, letter: str) -> bytearray:
        flags = self._letters.get(letter)
        if flags is None:
            flags = self._letters[letter] = _flags_of(self._texts, letter)
        return flags

    def _pair(self, pair: str) -> bytearray:
        flags = self._pairs.get(pair)
        if flags is None:
            flags = self._pairs[pair] = _flags_of(self._texts, pair)
            if len(self._pairs) > KEPT_PAIRS:
                self._pairs.popitem(last=False)
        self._pairs.move_to_end(pair)
        return flags

    def _all_flags(self):
        yield from self._letters.items()
        yield from self._pairs.items()


def _flags_of(texts: list[str], needle: str) -> bytearray:
    return bytearray(map(contains, texts, repeat(needle)))


def _kept(rows: list[int], flags: bytearray) -> list[int]:
    return list(compress(rows, map(flags.__getitem__, rows)))


def merge_rows(rows: list[int], new: Sequence[int], keys: Sequence[tuple],
               descending: bool = False) -> list[int]:
    """``rows`` (ordered as ``sort_order`` orders) with ``new`` added.

    New rows go after equal keys, as a stable sort of the whole would put
    them, since they arrived later.  Costs a binary search per new row and
    one copy, instead of sorting everything again for each page.
    """
    if not new:
        return rows
    ordered = [new[i] for i in sort_order([keys[r] for r in new],
                                          descending)]
    filled = _first_empty(rows, keys)
    merged: list[int] = []
    done = 0
    for row in ordered:
        at = _insertion_point(rows, filled, keys, row, descending)
        merged.extend(rows[done:at])
        merged.append(row)
        done = at
    merged.extend(rows[done:])
    return merged


def _first_empty(rows: list[int], keys: Sequence[tuple]) -> int:
    # Empty keys form the tail: a bisection on "is empty" finds its start.
    return bisect_right(rows, False, key=lambda r: not keys[r])


def _insertion_point(rows: list[int], filled: int, keys: Sequence[tuple],
                     row: int, descending: bool) -> int:
    key = keys[row]
    if not key:
        return len(rows)
    if not descending:
        return bisect_right(rows, key, 0, filled, key=keys.__getitem__)
    low, high = 0, filled
    while low < high:
        middle = (low + high) // 2
        if keys[rows[middle]] < key:
            high = middle
        else:
            low = middle + 1
    return low
