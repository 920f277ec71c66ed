"""The directory's table model and view model: rows, search, filters, sort."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QLocale, Qt

from zelt_desktop.sandbox.company import generate_company
from zelt_desktop.ui.directory.filter import DirectoryView
from zelt_desktop.ui.directory.model import DirectoryModel, EmployeeRole
from zelt_desktop.zelt.employees import COLUMNS, sort_order

PEOPLE = [
    {"userId": 1, "firstName": "Élodie", "lastName": "Marchand",
     "emailAddress": "elodie@example.test", "department": "Sales",
     "site": "Paris", "startDate": "2019-05-02", "lifecycleStatus":
     "Employed"},
    {"userId": 2, "firstName": "Bob", "lastName": "Adams",
     "displayName": "Bobby Adams", "role": {"jobTitle": "Engineer",
     "department": {"name": "R&D"}, "site": {"name": "Leeds"}},
     "startDate": "2021-01-10", "lifecycleStatus": "Leaver",
     "managerId": 1},
    {"userId": 3, "firstName": "zoë", "lastName": "ADAMS",
     "emailAddress": "zoe@example.test", "department": "Sales",
     "site": "Leeds", "startDate": None, "accountStatus": "Active",
     "managerId": 42},
    {"userId": 4, "firstName": "Ann", "lastName": "Öberg",
     "department": "R&D", "site": "Paris", "startDate": "2015-07-30",
     "lifecycleStatus": "Hired", "managerId": 2},
]


@pytest.fixture
def models(qapp):
    model = DirectoryModel()
    view = DirectoryView(model)
    model.set_employees(PEOPLE)
    yield model, view
    view.deleteLater()
    model.deleteLater()


def names(view: DirectoryView) -> list[str]:
    return [view.employee(row).name for row in range(view.rowCount())]


def cell(view, row: int, key: str, role=Qt.ItemDataRole.DisplayRole):
    column = view.sourceModel().columns.index(key)
    return view.index(row, column).data(role)


def test_model_has_a_row_per_person_and_the_default_columns(models):
    model, view = models
    assert model.rowCount() == view.rowCount() == 4
    assert model.columnCount() == 8
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"


def test_cells_show_normalised_values(models):
    _, view = models
    assert cell(view, 0, "name") == "Élodie Marchand"
    assert cell(view, 1, "name") == "Bobby Adams"
    assert cell(view, 1, "department") == "R&D"
    assert cell(view, 1, "manager") == "Élodie Marchand"
    assert cell(view, 2, "manager") == "42"
    assert cell(view, 0, "email", Qt.ItemDataRole.ToolTipRole) == \
        "elodie@example.test"
    assert cell(view, 1, "name", EmployeeRole).user_id == 2


def test_dates_show_in_the_locale_short_format(models):
    _, view = models
    expected = QLocale().toString(QDate(2019, 5, 2),
                                  QLocale.FormatType.ShortFormat)
    assert cell(view, 0, "start_date") == expected
    assert cell(view, 2, "start_date") == ""


def test_search_ignores_case_and_accents(models):
    _, view = models
    view.set_search("ÉLODIE@")
    assert names(view) == ["Élodie Marchand"]
    view.set_search("Elodie")   # Bobby's manager too
    assert names(view) == ["Élodie Marchand", "Bobby Adams"]
    view.set_search("zoe")
    assert names(view) == ["zoë ADAMS"]
    view.set_search("oberg")
    assert names(view) == ["Ann Öberg"]


def test_search_needs_every_word_in_any_column(models):
    _, view = models
    view.set_search("adams leeds")
    assert names(view) == ["Bobby Adams", "zoë ADAMS"]
    view.set_search("adams engineer")
    assert names(view) == ["Bobby Adams"]


def test_search_covers_visible_columns_only(models):
    model, view = models
    view.set_search("zoe@example")
    assert view.rowCount() == 1
    model.set_columns(["name", "department"])
    assert view.rowCount() == 0
    model.set_columns(["name", "email"])
    assert view.rowCount() == 1


def test_search_matches_dates_as_shown_and_as_iso(models):
    _, view = models
    view.set_search("2015-07-30")
    assert names(view) == ["Ann Öberg"]
    shown = QLocale().toString(QDate(2015, 7, 30),
                               QLocale.FormatType.ShortFormat)
    view.set_search(shown)
    assert names(view) == ["Ann Öberg"]


def _company_models(count: int):
    model = DirectoryModel()
    view = DirectoryView(model)
    people = generate_company(count, seed=3)
    for start in range(0, count, 100):
        model.append_page(people[start:start + 100])
    return model, view


def test_typing_and_backspace_match_a_fresh_search(qapp):
    model, typed = _company_models(5000)
    _, fresh_view = model, DirectoryView(model)
    steps = ["m", "ma", "mar", "marg", "mar", "ma", "man", "man ", "man s",
             "man sa", "man s", "", "lisbon", "lisbo", "x"]
    for text in steps:
        typed.set_search(text)
        fresh = DirectoryView(model)
        fresh.set_search(text)
        assert names(typed) == names(fresh), text
        fresh.deleteLater()
    fresh_view.deleteLater()


def test_quick_filters_combine_with_search(models):
    _, view = models
    view.set_filters(site="Leeds")
    assert names(view) == ["Bobby Adams", "zoë ADAMS"]
    view.set_filters(site="Leeds", department="Sales")
    assert names(view) == ["zoë ADAMS"]
    view.set_search("bob")
    assert names(view) == []
    view.set_filters(department="R&D", status="current")
    view.set_search("")
    assert names(view) == ["Ann Öberg"]


def test_status_filter_uses_account_when_lifecycle_missing(models):
    _, view = models
    view.set_filters(status="current")
    assert names(view) == ["Élodie Marchand", "zoë ADAMS", "Ann Öberg"]
    view.set_filters(status="leavers")
    assert names(view) == ["Bobby Adams"]
    with pytest.raises(ValueError):
        view.set_filters(status="retired")


def test_sort_by_name_uses_last_then_first_name(models):
    _, view = models
    view.sort(0, Qt.SortOrder.AscendingOrder)
    assert names(view) == ["Bobby Adams", "zoë ADAMS", "Élodie Marchand",
                           "Ann Öberg"]
    view.sort(0, Qt.SortOrder.DescendingOrder)
    assert names(view) == ["Ann Öberg", "Élodie Marchand", "zoë ADAMS",
                           "Bobby Adams"]


def test_sort_by_date_puts_empty_last_in_both_directions(models):
    _, view = models
    view.sort_by("start_date")
    assert names(view) == ["Ann Öberg", "Élodie Marchand", "Bobby Adams",
                           "zoë ADAMS"]
    view.sort_by("start_date", descending=True)
    assert names(view) == ["Bobby Adams", "Élodie Marchand", "Ann Öberg",
                           "zoë ADAMS"]


def test_sort_then_filter_keeps_the_sorted_order(models):
    _, view = models
    view.sort_by("name", descending=True)
    view.set_search("leeds")
    assert names(view) == ["zoë ADAMS", "Bobby Adams"]
    view.sort_by(None)
    assert names(view) == ["Bobby Adams", "zoë ADAMS"]
    view.set_search("")
    assert [view.employee(r).user_id for r in range(4)] == [1, 2, 3, 4]


@pytest.mark.parametrize("key, descending", [
    ("name", False), ("name", True), ("start_date", False),
    ("manager", True), ("site", False)])
def test_pages_arriving_while_sorted_land_where_a_full_sort_puts_them(
        qapp, key, descending):
    model = DirectoryModel()
    view = DirectoryView(model)
    view.sort_by(key, descending)
    view.set_search("a")
    people = generate_company(3000, seed=5)
    for start in range(0, 3000, 250):
        model.append_page(people[start:start + 250])
    qapp.processEvents()   # a manager's name may arrive after the rows

    keys = [COLUMNS[key].sort_key(e) for e in model.employees]
    order = [model.employees[r] for r in sort_order(keys, descending)]
    expected = [e for e in order if "a" in _visible_text(model, e)]
    assert [view.employee(r) for r in range(view.rowCount())] == expected


def _visible_text(model, e) -> str:
    from zelt_desktop.zelt.employees import fold
    return fold(" ".join(model.text(e, k) for k in model.columns)
                + (e.start_date.isoformat() if e.start_date else ""))


def test_managers_from_later_pages_are_resolved(qapp):
    model = DirectoryModel()
    view = DirectoryView(model)
    model.append_page([{"userId": 5, "displayName": "Kim", "managerId": 9}])
    assert cell(view, 0, "manager") == "9"
    view.set_search("nadia")
    assert view.rowCount() == 0
    model.append_page([{"userId": 9, "displayName": "Nadia"}])
    qapp.processEvents()
    assert names(view) == ["Kim", "Nadia"]
    view.set_search("")
    assert cell(view, 0, "manager") == "Nadia"


def test_counts_follow_the_view(models, qtbot):
    _, view = models
    with qtbot.waitSignal(view.counts_changed) as blocker:
        view.set_search("leeds")
    assert blocker.args == [2, 4]


def test_selection_survives_a_filter_that_keeps_the_row(models, qapp):
    from PySide6.QtCore import QItemSelectionModel
    _, view = models
    selection = QItemSelectionModel(view)
    selection.setCurrentIndex(
        view.index(2, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.set_search("adams")
    assert view.employee(selection.currentIndex().row()).user_id == 3
    view.set_search("elodie")
    assert not selection.currentIndex().isValid()


def test_large_company_filters_and_sorts(qapp):
    model, view = _company_models(20_000)
    assert view.rowCount() == 20_000
    view.sort_by("name")
    view.set_filters(status="leavers")
    view.set_search("lisbon")
    shown = [view.employee(r) for r in range(view.rowCount())]
    assert shown and all(e.site == "Lisbon" or "lisbon" in
                         _visible_text(model, e) for e in shown)
    keys = [COLUMNS["name"].sort_key(e) for e in shown]
    assert keys == sorted(keys)
