"""The command line's own words for errors, and no password store."""

from __future__ import annotations

import pytest

from tests.ui.core_messages import core_messages, error_classes
from zelt_desktop import errors
from zelt_desktop.cli.common import plain_message
from zelt_desktop.oauth import redirect
from zelt_desktop.store import secrets
from zelt_desktop.ui.messages import has_jargon

NO_STORE = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
WINDOW_ONLY = ("this session only", "Tick", "tick", "I started it in Zelt",
               "click", "Click", "under Advanced", "Connect to Zelt")


def test_messages_for_the_window_become_the_command_lines_own():
    for error in (errors.StateMismatch(redirect.STALE_STATE),
                  errors.UnusableRedirect(redirect.BARE_CODE)):
        shown = plain_message(error)
        assert "--started-in-zelt" in shown, shown
    for error in (errors.SecretStoreLocked(secrets.LOCKED_MESSAGE),
                  errors.SecretStoreUnavailable(secrets.UNAVAILABLE_MESSAGE),
                  errors.SecretStoreError(secrets.FAILED_MESSAGE)):
        shown = plain_message(error)
        assert "password store" in shown and "keyring" in shown, shown


@pytest.mark.parametrize("error", [cls() for cls in error_classes()]
                         + [cls(m) for cls, m in core_messages()],
                         ids=lambda e: type(e).__name__)
def test_no_error_reads_as_jargon_or_names_the_window(error):
    shown = plain_message(error)
    assert shown and not has_jargon(shown), shown
    assert not any(words in shown for words in WINDOW_ONLY), shown


def test_a_plain_core_message_is_kept():
    error = errors.NetworkError("Zelt could not be reached. Check the "
                                "network connection.")
    assert plain_message(error) == str(error)


def test_status_and_logout_without_a_password_store_say_so(rig, profile):
    rig.add_profile(profile)
    for command in ("status", "logout"):
        result = rig.run(command, env=NO_STORE)
        assert result.returncode == 4, result.stderr
        assert "No password store is available here" in result.stderr
        assert "session only" not in result.stderr
        assert result.stdout == b""


def test_profile_remove_without_a_password_store_removes_the_profile(
        rig, profile):
    rig.add_profile(profile)

    result = rig.run("profile", "remove", "Acme", env=NO_STORE)

    assert result.returncode == 4, result.stderr
    assert rig.profiles().load().find("Acme") is None
    assert "could not be removed from the password store" in result.stderr
    assert f"'{profile.id}/'" in result.stderr
    assert "No password store is available here" in result.stderr
    # What stays behind is what the message says: the profile's entries.
    assert rig.token_store().load_client_secret(profile.id) is not None


def test_profile_remove_with_a_password_store_removes_everything(
        rig, profile):
    rig.add_profile(profile)
    rig.connect(profile)

    result = rig.run("profile", "remove", "Acme")

    assert result.returncode == 0, result.stderr
    assert rig.profiles().load().find("Acme") is None
    assert rig.token_store().load(profile.id) is None
    assert rig.token_store().load_client_secret(profile.id) is None


def test_a_routine_failure_is_logged_as_a_warning_not_an_error(rig, profile):
    rig.add_profile(profile)
    assert rig.run("users").returncode == 3
    assert rig.run("status", env=NO_STORE).returncode == 4

    log = (rig.home / "state/zelt-desktop/log/zelt-desktop.log").read_text()
    lines = [line for line in log.splitlines() if " failed: " in line]
    assert len(lines) == 2, log
    assert all(" WARNING " in line for line in lines), lines
    assert " ERROR " not in log

    report = rig.run("diagnose", "--offline")
    assert "users failed: NotConnected" in report.out
    assert " ERROR " not in report.out
