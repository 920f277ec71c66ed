"""The search and merge behind the directory view, against plain answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zelt_desktop.ui.directory.search import (IncrementalSearch, filter_rows,
                                              merge_rows, normalise_query,
                                              row_text)
from zelt_desktop.zelt.employees import natural_key, sort_order

TEXTS = [row_text(cells) for cells in (
    ("Ana Lind", "ana@example.test", "Sales"),
    ("Åsa Öberg", "asa@example.test", "R&D"),
    ("Bo Lindqvist", "", "Sales"),
    ("", "", ""),
    ("Anand Rao", "anand@example.test", "Legal"),
)]

# Edits of a query: type a letter or a space, or press Backspace.
edits = st.lists(st.sampled_from(list("anlidbo s") + ["\b"] * 3),
                 max_size=25)


@settings(max_examples=60, deadline=None)
@given(edits)
def test_incremental_search_equals_a_fresh_search(keys):
    search = IncrementalSearch()
    search.set_texts(list(TEXTS))
    base = list(range(len(TEXTS)))
    search.reset(base)
    text = ""
    for key in keys:
        text = text[:-1] if key == "\b" else text + key
        query = normalise_query(text)
        assert search.search(query) == filter_rows(TEXTS, base, query)


def test_query_is_folded_and_spaces_collapsed():
    assert normalise_query("  ÅSA   Öberg ") == "asa oberg"


def test_cells_do_not_run_into_each_other():
    assert filter_rows(TEXTS, [0, 1, 2], "test sales") == [0]
    assert filter_rows(TEXTS, [0, 1, 2], "testsales") == []


def test_texts_added_later_are_searched():
    search = IncrementalSearch()
    search.set_texts(list(TEXTS[:2]))
    search.reset([0, 1])
    assert search.search("a") == [0, 1]
    search.add_texts([TEXTS[4]])
    search.set_text(0, row_text(["Zed"]))
    search.reset([0, 1, 2])
    assert search.search("a") == [1, 2]
    assert search.search("z") == [0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["", "a", "b", "B2", "b10", "é", "c"]),
                max_size=30),
       st.integers(min_value=0, max_value=30), st.booleans())
def test_merge_equals_a_full_stable_sort(words, split, descending):
    keys = [natural_key(word) for word in words]
    split = min(split, len(words))
    first = sort_order(keys[:split], descending)
    merged = merge_rows(first, range(split, len(words)), keys, descending)
    assert merged == sort_order(keys, descending)
