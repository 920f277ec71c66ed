"""The generated company: deterministic, varied, fake, and quick at size."""

from __future__ import annotations

import re

import pytest

from zelt_desktop.sandbox.company import EMAIL_DOMAIN, generate_company

ACCOUNT = {"Active", "Invited", "Deactivated"}
LIFECYCLE = {"Employed", "Hired", "Leaver", "Terminated"}


@pytest.fixture(scope="module")
def people() -> list[dict]:
    return generate_company(2000, seed=5)


def test_same_count_and_seed_give_the_same_company(people):
    assert generate_company(2000, seed=5) == people
    assert generate_company(2000, seed=6) != people


def test_sandbox_serves_the_generated_company(sandbox):
    assert sandbox.employees == generate_company(250, seed=1)


def test_user_ids_run_from_one(people):
    assert [p["userId"] for p in people] == list(range(1, 2001))


def test_the_admin_is_complete_and_flat(people):
    admin = people[0]
    assert admin["managerId"] is None
    for field in ("firstName", "lastName", "displayName", "emailAddress",
                  "jobTitle", "department", "site", "startDate"):
        assert admin[field]
    assert "role" not in admin


def test_managers_are_earlier_people(people):
    for person in people[1:]:
        assert 1 <= person["managerId"] < person["userId"]


def test_records_vary_like_field_data(people):
    nested = [p for p in people if "role" in p]
    assert nested and all(isinstance(p["role"]["department"]["name"], str)
                          and isinstance(p["role"]["site"]["name"], str)
                          and "department" not in p for p in nested)
    assert any("jobPosition" in p for p in people)
    assert any("jobTitle" in p for p in people)
    assert any("displayName" not in p for p in people)
    assert any("emailAddress" not in p for p in people)
    assert any(p.get("startDate", "") is None for p in people)
    assert any("site" in p and p["site"] is None for p in people)
    for extra in ("pronouns", "workPhone", "address"):
        assert any(extra in p for p in people)
    assert any(isinstance(p.get("address"), dict) for p in people)


def test_names_are_not_plain_ascii(people):
    names = [p["firstName"] + " " + p["lastName"] for p in people]
    assert any("'" in n for n in names)
    assert any(not n.isascii() for n in names)
    assert any(p["firstName"].islower() for p in people)
    assert any(p["lastName"].isupper() for p in people)


def test_statuses_and_dates_have_zelts_values(people):
    assert {p["accountStatus"] for p in people} == ACCOUNT
    assert {p["lifecycleStatus"] for p in people} == LIFECYCLE
    for person in people:
        date = person.get("startDate")
        assert date is None or re.fullmatch(r"\d{4}-\d\d-\d\d", date)


def test_emails_are_unique_and_never_real(people):
    emails = [p["emailAddress"] for p in people if "emailAddress" in p]
    assert len(emails) == len(set(emails))
    assert all(re.fullmatch(r"[a-z0-9.]+@" + re.escape(EMAIL_DOMAIN), e)
               for e in emails)


def test_a_hundred_thousand_people():
    people = generate_company(100_000)
    assert len(people) == 100_000
    assert people[-1]["userId"] == 100_000
    assert generate_company(0) == []
