"""Exit codes a script can rely on, and ``diagnose``."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import CLIENT_SECRET, ROOT
from tests.ui.core_messages import error_classes
from zelt_desktop.cli.main import COMMANDS, EXIT_CODES, is_command_line


def test_every_error_maps_to_a_documented_exit_code(rig):
    documented = {code for code, _ in EXIT_CODES}
    assert documented == set(range(7))
    for cls in error_classes():
        assert cls.exit_code in documented, cls.__name__

    shown = rig.run("--help")
    assert shown.returncode == 0
    for code, meaning in EXIT_CODES:
        assert re.search(rf"^  {code}  {re.escape(meaning)}$", shown.out,
                         re.M), code


def test_the_readme_documents_the_same_exit_codes():
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not written yet")
    text = readme.read_text(encoding="utf-8")
    for code, _ in EXIT_CODES:
        assert re.search(rf"^\|\s*`?{code}`?\s*\|", text, re.M), code


def test_a_usage_error_exits_2(rig):
    result = rig.run("users", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_an_unexpected_error_exits_1_and_names_the_log(rig, tmp_path):
    # A settings folder that is a file is nothing the core plans for.
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    result = rig.run("--config-dir", str(not_a_folder), "profile", "list")
    assert result.returncode == 1
    log_file = rig.home / "state/zelt-desktop/log/zelt-desktop.log"
    assert f"log file: {log_file}" in result.stderr
    assert "failed unexpectedly" in log_file.read_text()


def test_diagnose_reports_without_secrets(rig, profile):
    rig.add_profile(profile)
    assert rig.run("users").returncode == 3  # logged for the report
    tokens = rig.connect(profile)

    result = rig.run("diagnose")
    assert result.returncode == 0, result.stderr
    text = result.out
    assert text.startswith("Zelt Desktop diagnostics, ")
    assert "backend: keyring_file_backend.FileBackedKeyring" in text
    assert f"client ID: {profile.client_id}" in text
    assert f"{profile.redirect_uri}: port free" in text
    assert "base URL reachable: yes (it answered HTTP " in text
    assert "tokens: stored, access token expires " in text
    assert "Warnings and errors in the log file (earlier runs too)\n" \
        in text
    assert "users failed: NotConnected" in text
    for secret in (CLIENT_SECRET, tokens.access_token, tokens.refresh_token):
        assert secret not in text + result.stderr


@pytest.mark.parametrize("argv, expected", [
    (["users", "--format", "csv"], True),
    (["--verbose", "diagnose"], True),
    (["--config-dir", "users"], False),
    (["--demo"], False),
    ([], False),
])
def test_is_command_line(argv, expected):
    assert is_command_line(argv) is expected
    assert "profile" in COMMANDS
