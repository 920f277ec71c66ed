"""Employee records: normalisation, managers, folding, sort keys, filters."""

from __future__ import annotations

from datetime import date

import pytest

from zelt_desktop.zelt.employees import (
    COLUMNS, DEFAULT_COLUMNS, ManagerLookup, detail_fields, fold,
    matches_status, natural_key, normalise, ranks, resolve_managers,
    sort_order)

FLAT = {
    "userId": 7, "firstName": "Ana", "lastName": "Núñez",
    "displayName": "Ana Núñez", "emailAddress": "ana@example.test",
    "jobTitle": "Payroll lead", "department": "Finance", "site": "Leeds",
    "startDate": "2020-02-29", "accountStatus": "Active",
    "lifecycleStatus": "Employed", "managerId": 1,
}
NESTED = {
    "userId": 8, "firstName": "Bo", "lastName": "Lind",
    "role": {"jobTitle": "Engineer", "department": {"name": "R&D"},
             "site": {"name": "Malmö"}},
}


def test_flat_record_fills_every_field():
    e = normalise(FLAT)
    assert (e.user_id, e.name, e.email) == (7, "Ana Núñez",
                                            "ana@example.test")
    assert (e.job_title, e.department, e.site) == ("Payroll lead",
                                                   "Finance", "Leeds")
    assert e.start_date == date(2020, 2, 29)
    assert (e.lifecycle_status, e.account_status) == ("Employed", "Active")
    assert e.manager_id == 1


def test_nested_record_fills_from_role():
    e = normalise(NESTED)
    assert (e.job_title, e.department, e.site) == ("Engineer", "R&D",
                                                   "Malmö")


def test_flat_field_wins_over_nested_twin():
    e = normalise({**NESTED, "department": "Legal", "site": "Oslo"})
    assert (e.department, e.site) == ("Legal", "Oslo")


def test_null_flat_field_falls_back_to_nested():
    e = normalise({**NESTED, "department": None})
    assert e.department == "R&D"


def test_missing_and_null_fields_are_empty():
    e = normalise({"userId": None, "firstName": None, "managerId": None})
    assert e.user_id is None and e.manager_id is None
    assert e.name == e.email == e.job_title == e.department == ""
    assert e.start_date is None


def test_unknown_fields_are_kept():
    record = {**FLAT, "pronouns": "she/her", "address": {"city": "Leeds"}}
    assert normalise(record).raw["address"] == {"city": "Leeds"}
    assert ("pronouns", "she/her") in detail_fields(record)


def test_name_falls_back_to_first_and_last():
    assert normalise({"firstName": "Li", "lastName": "Wei"}).name == "Li Wei"
    assert normalise({"lastName": "Wei"}).name == "Wei"
    assert normalise({"displayName": "  ", "firstName": "Li"}).name == "Li"


@pytest.mark.parametrize("record, expected", [
    ({"jobTitle": "A", "jobPosition": "B", "role": {"jobTitle": "C"}}, "A"),
    ({"jobPosition": "B", "role": {"jobTitle": "C"}}, "B"),
    ({"jobTitle": None, "role": {"jobTitle": "C"}}, "C"),
    ({"role": None}, ""),
])
def test_job_title_fallback_chain(record, expected):
    assert normalise(record).job_title == expected


@pytest.mark.parametrize("text, expected", [
    ("2021-03-04", date(2021, 3, 4)),
    ("2021-03-04T09:30:00.000Z", date(2021, 3, 4)),
    ("2021-03-04 09:30:00+02:00", date(2021, 3, 4)),
    ("2021-02-30", None), ("04/03/2021", None), ("", None), (20210304, None),
])
def test_dates_parse_leniently(text, expected):
    assert normalise({"startDate": text}).start_date == expected


def test_string_user_id_is_taken_and_garbage_dropped():
    assert normalise({"userId": "12", "managerId": "boss"}).user_id == 12
    assert normalise({"managerId": "boss"}).manager_id is None


def test_manager_name_is_looked_up_else_id_shown():
    people = [normalise(r) for r in (
        {"userId": 1, "displayName": "Chief"},
        {"userId": 2, "displayName": "Deputy", "managerId": 1},
        {"userId": 3, "displayName": "Orphan", "managerId": 99},
        {"userId": 4, "displayName": "Free"},
    )]
    resolve_managers(people)
    assert [e.manager for e in people] == ["", "Chief", "99", ""]


def test_manager_arriving_on_a_later_page_is_resolved():
    lookup = ManagerLookup()
    first = [normalise({"userId": 2, "displayName": "B", "managerId": 5}),
             normalise({"userId": 3, "displayName": "C", "managerId": 6})]
    assert lookup.add(first) == []
    assert first[0].manager == "5"
    later = [normalise({"userId": 5, "displayName": "Boss"})]
    assert lookup.add(later) == [0]
    assert first[0].manager == "Boss" and first[1].manager == "6"


def test_fold_ignores_case_and_accents():
    assert fold("ÉLODIE Ñúñez") == "elodie nunez"
    assert fold("Straße") == fold("STRASSE")
    assert fold("plain") == "plain"


def test_natural_key_orders_numbers_numerically():
    words = ["Item 10", "item 2", "Item 1", "Émile", "emma", "Eli"]
    assert sorted(words, key=natural_key) == [
        "Eli", "Émile", "emma", "Item 1", "item 2", "Item 10"]


def test_natural_key_of_empty_text_is_empty():
    assert natural_key("") == () and natural_key("   ") == ()


def test_sort_order_puts_empty_last_in_both_directions():
    keys = [natural_key(t) for t in ("b", "", "a", "c", "")]
    assert sort_order(keys) == [2, 0, 3, 1, 4]
    assert sort_order(keys, descending=True) == [3, 0, 2, 1, 4]


def _sorted_by(column: str, records: list[dict]) -> list[str]:
    people = [normalise(r) for r in records]
    keys = [COLUMNS[column].sort_key(e) for e in people]
    return [people[i].name for i in sort_order(keys)]


def test_name_column_sorts_by_last_then_first_name():
    records = [{"firstName": f, "lastName": last} for f, last in (
        ("Zoe", "Adams"), ("Al", "Zed"), ("Amy", "Adams"), ("", ""))]
    records[3]["emailAddress"] = "nameless@example.test"
    assert _sorted_by("name", records) == [
        "Amy Adams", "Zoe Adams", "Al Zed", ""]


def test_date_column_sorts_as_dates_with_empty_last():
    records = [{"displayName": n, "startDate": d} for n, d in (
        ("late", "2023-01-02"), ("none", None), ("early", "2009-12-31"),
        ("mid", "2019-10-01T08:00:00Z"))]
    assert _sorted_by("start_date", records) == [
        "early", "mid", "late", "none"]


def test_columns_give_display_text():
    e = normalise(FLAT)
    assert COLUMNS["start_date"].value(e) == "2020-02-29"
    assert COLUMNS["user_id"].value(e) == "7"
    assert COLUMNS["lifecycle_status"].title == "Employment status"
    assert set(DEFAULT_COLUMNS) <= set(COLUMNS)


@pytest.mark.parametrize("lifecycle, account, current, leaver", [
    ("Employed", "Deactivated", True, False),
    ("Hired", "", True, False),
    ("Leaver", "Active", False, True),
    ("terminated", "", False, True),
    (None, "Active", True, False),
    (None, "Invited", True, False),
    (None, "Deactivated", False, True),
    (None, None, False, False),
])
def test_status_filters(lifecycle, account, current, leaver):
    e = normalise({"lifecycleStatus": lifecycle, "accountStatus": account})
    assert matches_status(e, "current") is current
    assert matches_status(e, "leavers") is leaver
    assert matches_status(e, "everyone") is True


def test_unknown_status_filter_is_refused():
    with pytest.raises(ValueError):
        matches_status(normalise({}), "retired")


def test_detail_fields_flatten_nested_values_in_stable_order():
    fields = detail_fields({"userId": 8, "role": NESTED["role"],
                            "tags": ["a", "b"], "phone": None,
                            "active": True})
    assert fields == [
        ("active", "true"), ("phone", ""),
        ("role.department.name", "R&D"), ("role.jobTitle", "Engineer"),
        ("role.site.name", "Malmö"), ("tags.0", "a"), ("tags.1", "b"),
        ("userId", "8")]


def test_ranks_tie_equal_keys_and_leave_empty_at_zero():
    keys = [natural_key(t) for t in ("b", "", "a", "B", "c")]
    assert ranks(keys) == [2, 0, 1, 2, 3]
    assert sort_order(ranks(keys), descending=True) == \
        sort_order(keys, descending=True)
