"""``users`` in each format, to a file, and when Zelt cannot answer."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess

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


HOSTILE = ("Ann\x1b[31mRed\x1b[0m\x1b]0;new title\x07 Lee\x9b2J"
           "\u202eevil\x00\x7f\tTab")


def test_terminal_controls_in_zelts_data_never_reach_the_terminal(
        rig, sandbox, connected):
    sandbox.employees[0]["displayName"] = HOSTILE
    controls = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]")

    table = rig.run("users")
    assert table.returncode == 0, table.stderr
    first = table.out.splitlines()[1]
    assert first.startswith("AnnRed Lee evil Tab")
    assert not controls.search(table.out.replace("\n", ""))

    csv_text = rig.run("users", "--format", "csv").stdout.decode("utf-8")
    cell = list(csv.reader(io.StringIO(csv_text, newline="")))[1][0]
    assert cell == ("Ann\ufffd[31mRed\ufffd[0m\ufffd]0;new title\ufffd Lee"
                    "\ufffd2J\u202eevil\ufffd\ufffd\tTab")

    raw = rig.run("users", "--format", "json").stdout
    assert not controls.search(raw.decode("utf-8").replace("\n", ""))
    assert json.loads(raw)[0]["displayName"] == HOSTILE


def run_to(rig, stdout, *args):
    """``users`` with standard output going to ``stdout`` (a file)."""
    done = subprocess.run(rig.command("users", *args), stdout=stdout,
                          stderr=subprocess.PIPE, cwd=rig.home, env=rig.env,
                          timeout=60)
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and "Warning:" not in stderr, stderr
    return done.returncode, stderr


def test_an_output_file_in_a_missing_folder_is_no_bug(rig, connected,
                                                      tmp_path):
    target = tmp_path / "missing" / "people.csv"
    result = rig.run("users", "--format", "csv", "--output", str(target))
    assert result.returncode == 2
    assert ("Could not write the output: No such file or directory"
            in result.stderr)
    assert "written" not in result.stderr and "bug" not in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_disk_is_reported_before_anything_is_said_written(
        rig, connected):
    with open("/dev/full", "wb") as full:
        code, stderr = run_to(rig, full, "--format", "csv")
    assert code == 2
    assert "Could not write the output: No space left on device" in stderr
    assert "written" not in stderr and "bug" not in stderr


def test_a_reader_that_went_away_is_no_bug(rig, connected):
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head` does once it has its lines
    try:
        code, stderr = run_to(rig, write_end)
    finally:
        os.close(write_end)
    assert code == 2
    assert "Could not write the output: Broken pipe" in stderr
    assert "written" not in stderr and "bug" not in stderr
