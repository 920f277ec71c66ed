"""Sort keys prepared in a worker: the GUI thread never sorts for long."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from zelt_desktop.sandbox.company import generate_company
from zelt_desktop.ui.directory.filter import DirectoryView
from zelt_desktop.ui.directory.keys import prepare
from zelt_desktop.ui.directory.model import DirectoryModel
from zelt_desktop.ui.directory.view import DirectoryPanel
from zelt_desktop.zelt.employees import (COLUMNS, normalise,
                                         resolve_managers, ranks,
                                         sort_order)

PEOPLE = generate_company(1200, seed=4)
WAIT_MS = 10_000


@pytest.fixture
def background(qapp):
    """A model that prepares every sort in its worker (no rows on the
    spot), and its view model."""
    model = DirectoryModel(prepare_in_background=True)
    model.sync_rows = 0
    view = DirectoryView(model)
    yield model, view
    view.deleteLater()
    model.deleteLater()


def append(model, people, size=100) -> None:
    for start in range(0, len(people), size):
        model.append_page(people[start:start + size])


def expected_order(model, key, descending=False):
    keys = [COLUMNS[key].sort_key(e) for e in model.employees]
    return [model.employees[r] for r in sort_order(keys, descending)]


def shown(view):
    return [view.employee(r) for r in range(view.rowCount())]


@pytest.mark.parametrize("key", ["name", "start_date", "manager", "site",
                                 "user_id"])
def test_prepared_ranks_are_the_core_ranks(key):
    employees = [normalise(p) for p in PEOPLE]
    resolve_managers(employees)
    keys, prepared = prepare(key, employees)
    core = [COLUMNS[key].sort_key(e) for e in employees]
    assert keys == core
    assert list(prepared) == ranks(core)


def test_a_sort_waits_for_its_keys_then_applies(background, qtbot):
    model, view = background
    append(model, PEOPLE)
    loading_order = shown(view)

    with qtbot.waitSignal(view.sort_pending) as started:
        view.sort_by("name", descending=True)
    assert started.args == [True] and view.pending
    assert shown(view) == loading_order           # nothing moved yet
    assert view.sort_column == "name"              # the header shows it

    with qtbot.waitSignal(view.sort_pending, timeout=WAIT_MS) as ended:
        pass
    assert ended.args == [False] and not view.pending
    assert shown(view) == expected_order(model, "name", True)


def test_the_latest_sort_asked_for_wins(background, qtbot):
    model, view = background
    append(model, PEOPLE)
    view.sort_by("name")
    view.sort_by("start_date", descending=True)
    qtbot.waitUntil(lambda: not view.pending, timeout=WAIT_MS)
    assert shown(view) == expected_order(model, "start_date", True)


def test_a_sort_asked_for_overtakes_columns_prepared_ahead(background,
                                                          qtbot):
    model, view = background
    append(model, PEOPLE)
    model.prepare(list(COLUMNS))
    view.sort_by("start_date")
    qtbot.waitUntil(lambda: not view.pending, timeout=WAIT_MS)
    assert shown(view) == expected_order(model, "start_date")
    qtbot.waitUntil(lambda: all(model.sort_ready(key) for key in COLUMNS),
                    timeout=WAIT_MS)


def test_pages_after_a_prepared_sort_are_merged_in(background, qtbot):
    model, view = background
    model.growing = True
    append(model, PEOPLE[:600])
    view.sort_by("name")
    qtbot.waitUntil(lambda: not view.pending, timeout=WAIT_MS)
    append(model, PEOPLE[600:])
    assert shown(view) == expected_order(model, "name")


def test_a_result_for_rows_that_changed_is_dropped(background):
    model, _ = background
    append(model, PEOPLE[:300])
    ticket = model.ticket()
    keys, prepared = prepare("name", model.employees)
    model.set_employees(PEOPLE[300:600])
    assert not model.install_sort("name", ticket, keys, prepared)
    assert not model.sort_ready("name")


def test_a_manager_key_older_than_a_manager_name_is_dropped(background):
    model, _ = background
    model.append_page([{"userId": 5, "displayName": "Kim",
                        "managerId": 9}])
    ticket = model.ticket()
    keys, prepared = prepare("manager", model.employees)
    model.append_page([{"userId": 9, "displayName": "Nadia"}])
    assert not model.install_sort("manager", ticket, keys, prepared)


def test_a_small_company_sorts_on_the_spot(qapp):
    model = DirectoryModel(prepare_in_background=True)
    view = DirectoryView(model)
    append(model, PEOPLE[:200])
    view.sort_by("name")
    assert not view.pending
    assert shown(view) == expected_order(model, "name")
    view.deleteLater()
    model.deleteLater()


def test_the_shown_columns_are_prepared_after_a_load(qtbot):
    panel = DirectoryPanel(settings={})
    qtbot.addWidget(panel)
    panel.model.sync_rows = 0
    panel.begin_load()
    append(panel, PEOPLE)
    panel.finish_load(len(PEOPLE))
    qtbot.waitUntil(lambda: all(panel.model.sort_ready(key)
                                for key in panel.model.columns),
                    timeout=WAIT_MS)
    panel.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert not panel.view_model.pending
    assert shown(panel.view_model) == expected_order(panel.model, "email")


def test_the_table_shows_a_busy_cursor_while_a_sort_waits(qtbot):
    panel = DirectoryPanel(settings={})
    qtbot.addWidget(panel)
    panel.model.sync_rows = 0
    viewport = panel.table.viewport()
    normal = viewport.cursor().shape()
    panel.begin_load()
    append(panel, PEOPLE)
    # While loading nothing is prepared ahead: this sort has to wait.
    with qtbot.waitSignal(panel.view_model.sort_pending):
        panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert viewport.cursor().shape() == Qt.CursorShape.BusyCursor
    qtbot.waitUntil(lambda: not panel.view_model.pending, timeout=WAIT_MS)
    assert viewport.cursor().shape() == normal
    panel.finish_load(len(PEOPLE))


def test_a_refresh_ends_a_sort_that_waited_for_its_keys(qtbot):
    panel = DirectoryPanel(settings={})
    qtbot.addWidget(panel)
    panel.model.sync_rows = 0
    panel.begin_load()
    append(panel, PEOPLE)
    panel.finish_load(len(PEOPLE))
    panel.model.preparer.reset()
    panel.view_model.sort_by("name")
    assert panel.view_model.pending
    # The new list is sorted off-screen as it arrives: nothing to wait for.
    panel.begin_load()
    append(panel, PEOPLE[:900])
    panel.finish_load(900)
    assert not panel.view_model.pending
    assert panel.table.viewport().cursor().shape() != \
        Qt.CursorShape.BusyCursor
    assert shown(panel.view_model) == expected_order(panel.model, "name")
