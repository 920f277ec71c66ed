"""The CSV writer: encoding, header, order, columns, formula injection."""

from __future__ import annotations

import csv
import io

import pytest

from zelt_desktop.errors import InputError
from zelt_desktop.zelt.employees import normalise
from zelt_desktop.zelt.export import neutralise, write_csv

PEOPLE = [normalise(r) for r in (
    {"userId": 1, "displayName": "Zoë Ünal",
     "emailAddress": "z@example.test", "department": "Sales",
     "startDate": "2020-01-31"},
    {"userId": 2, "displayName": "Bob", "department": "=1+2",
     "jobTitle": "@SUM(A1)"},
    {"userId": 3, "displayName": "-Minus", "site": "+44 113"},
)]


def _read(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_file_starts_with_bom_and_is_utf8(tmp_path):
    path = tmp_path / "people.csv"
    write_csv(path, PEOPLE[:1], ["name"])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Zoë Ünal".encode("utf-8") in data


def test_header_is_column_titles_in_chosen_order(tmp_path):
    path = tmp_path / "people.csv"
    write_csv(path, PEOPLE, ["email", "name", "start_date", "user_id"])
    rows = _read(path)
    assert rows[0] == ["Email", "Name", "Start date", "ID"]
    assert rows[1] == ["z@example.test", "Zoë Ünal", "2020-01-31", "1"]


def test_rows_follow_the_given_order_and_count_is_returned(tmp_path):
    path = tmp_path / "people.csv"
    order = [PEOPLE[2], PEOPLE[0]]
    assert write_csv(path, order, ["user_id"]) == 2
    assert _read(path) == [["ID"], ["3"], ["1"]]


def test_formula_cells_get_an_apostrophe(tmp_path):
    path = tmp_path / "people.csv"
    write_csv(path, PEOPLE[1:], ["name", "department", "job_title", "site"])
    rows = _read(path)
    assert rows[1] == ["Bob", "'=1+2", "'@SUM(A1)", ""]
    assert rows[2] == ["'-Minus", "", "", "'+44 113"]


@pytest.mark.parametrize("text, expected", [
    ("\tcmd", "'\tcmd"), ("\r=1", "'\r=1"), ("a=b", "a=b"), ("", ""),
    ("'already", "'already"),
])
def test_neutralise_tab_and_carriage_return(text, expected):
    assert neutralise(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Ann\x1b[31mRed", "Ann\ufffd[31mRed"),
    ("a\x00b\x7fc\x9bd", "a\ufffdb\ufffdc\ufffdd"),
    ("\x07=1", "\ufffd=1"),
    ("tab\there\r\nnext", "tab\there\r\nnext"),
])
def test_neutralise_replaces_controls_but_keeps_tab_and_line_breaks(
        text, expected):
    assert neutralise(text) == expected


def test_a_written_file_holds_no_terminal_control(tmp_path):
    person = normalise({"displayName": "Ann\x1b]0;title\x07 Lee",
                        "department": "\x9b2J\x00Ops"})
    path = tmp_path / "people.csv"
    write_csv(path, [person], ["name", "department"])
    assert _read(path)[1] == ["Ann\ufffd]0;title\ufffd Lee",
                              "\ufffd2J\ufffdOps"]


def test_quotes_commas_and_newlines_round_trip():
    person = normalise({"displayName": 'O\'Neil, "Jo"\nJr'})
    stream = io.StringIO(newline="")
    write_csv(stream, [person], ["name"])
    stream.seek(0)
    assert list(csv.reader(stream)) == [["Name"], ['O\'Neil, "Jo"\nJr']]


def test_unknown_column_is_refused(tmp_path):
    with pytest.raises(InputError):
        write_csv(tmp_path / "x.csv", PEOPLE, ["salary"])


def test_unwritable_path_raises_input_error(tmp_path):
    with pytest.raises(InputError):
        write_csv(tmp_path / "missing" / "x.csv", PEOPLE, ["name"])
