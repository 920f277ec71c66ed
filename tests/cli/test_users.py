"""``users`` in each format, to a file, and when Zelt cannot answer."""

from __future__ import annotations

import csv
import io
import json

import pytest

from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.zelt.employees import (COLUMNS, DEFAULT_COLUMNS, normalise,
                                         resolve_managers)
from zelt_desktop.zelt.export import write_csv

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def connected(rig, profile):
    rig.add_profile(profile)
    rig.connect(profile)
    return profile


def window_export(records: list[dict]) -> str:
    """What the window's CSV export writes for ``records``."""
    employees = [normalise(record) for record in records]
    resolve_managers(employees)
    stream = io.StringIO(newline="")
    write_csv(stream, employees, DEFAULT_COLUMNS)
    return stream.getvalue()


def test_table_is_the_default_with_aligned_columns(rig, sandbox, connected):
    result = rig.run("users")
    assert result.returncode == 0, result.stderr
    lines = result.out.splitlines()
    assert len(lines) == 1 + len(sandbox.employees) == 251
    titles = [COLUMNS[key].title for key in DEFAULT_COLUMNS]
    header = lines[0]
    assert [header.index(t) for t in titles] == sorted(
        header.index(t) for t in titles)
    email_at = header.index("Email")
    first = sandbox.employees[0]
    assert lines[1].startswith(first["displayName"])
    assert lines[1][email_at:].startswith(first["emailAddress"])
    assert "250 employees written." in result.stderr


def test_csv_is_the_windows_export_with_a_bom(rig, sandbox, connected):
    result = rig.run("users", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(BOM)
    text = result.stdout[len(BOM):].decode("utf-8")
    assert text == window_export(sandbox.employees)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [COLUMNS[key].title for key in DEFAULT_COLUMNS]
    assert len(rows) == 251


def test_json_holds_every_field_zelt_sent(rig, sandbox, connected):
    result = rig.run("users", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode("utf-8")) == sandbox.employees
    # UTF-8 as it is, not \u escapes: "São Paulo" is one of the sites.
    assert "São Paulo".encode() in result.stdout


def test_output_file_leaves_stdout_empty(rig, sandbox, connected, tmp_path):
    target = tmp_path / "people.csv"
    result = rig.run("users", "--format", "csv", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    data = target.read_bytes()
    assert data.startswith(BOM)
    assert data[len(BOM):].decode() == window_export(sandbox.employees)


def test_not_connected_exits_3(rig, profile):
    rig.add_profile(profile)
    result = rig.run("users")
    assert result.returncode == 3
    assert result.stdout == b""


@pytest.mark.parametrize("sandbox_options", [
    SandboxOptions(employees=20, rate_limit=1.0, retry_after=1.0)])
def test_rate_limited_exits_5(rig, connected):
    result = rig.run("users", "--max-wait", "0")
    assert result.returncode == 5
    assert "HTTP 429" in result.stderr
    assert result.stdout == b""


def test_unreachable_zelt_exits_6(rig, sandbox, connected):
    sandbox.stop()
    result = rig.run("users")
    assert result.returncode == 6
    assert "could not be reached" in result.stderr
    assert result.stdout == b""
