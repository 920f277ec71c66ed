"""The diagnostics report and the ring of recent errors."""

from __future__ import annotations

import logging
import socket

import pytest

from tests.helpers import free_port
from tests.store.keyrings import RaisingKeyring
from zelt_desktop import __version__
from zelt_desktop.context import AppContext
from zelt_desktop.diagnostics import (RecentErrors, collect,
                                      install_recent_errors, render)
from zelt_desktop.errors import RateLimited, SecretStoreUnavailable
from zelt_desktop.oauth.tokens import TokenSet
from zelt_desktop.profiles import Profile
from zelt_desktop.store.secrets import SecretStore

CLIENT_SECRET = "test-secret-not-real"
ACCESS_TOKEN = "test-access-token-not-real"
REFRESH_TOKEN = "test-refresh-token-not-real"


@pytest.fixture
def context(tmp_path, secret_store) -> AppContext:
    return AppContext.create(config_dir=tmp_path / "config",
                             secret_store=secret_store,
                             lock_dir=tmp_path / "locks")


@pytest.fixture
def profile(context, sandbox) -> Profile:
    profile = Profile(name="Acme", client_id="diag-test-app",
                      redirect_uri=f"http://127.0.0.1:{free_port()}/cb",
                      base_url=sandbox.base_url)
    context.save_profile(profile)
    store = context.tokens()
    store.save_client_secret(profile.id, CLIENT_SECRET)
    store.save(profile.id, TokenSet.from_response(
        {"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN,
         "expires_in": 3600}))
    return profile


@pytest.fixture
def test_logger():
    """A logger of the app's tree with a RecentErrors of its own."""
    logger = logging.getLogger("zelt_desktop.test_diagnostics")
    handler = RecentErrors(capacity=3)
    logger.addHandler(handler)
    yield logger, handler
    logger.removeHandler(handler)


def test_report_holds_the_facts_and_no_secret(context, profile):
    text = render(collect(context))

    assert f"version: {__version__}" in text
    assert "Python: 3." in text
    assert "Qt: " in text
    assert "backend: memory" in text and "usable: yes" in text
    assert "Profile 'Acme'" in text
    assert "client ID: diag-test-app" in text
    assert f"{profile.redirect_uri}: port free" in text
    assert "base URL reachable: yes (it answered HTTP " in text
    assert "client secret saved: yes" in text
    assert "tokens: stored, access token expires 20" in text
    for secret in (CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN):
        assert secret not in text


def test_a_held_port_and_a_silent_base_url(context, profile):
    port = int(profile.redirect_uri.split(":")[2].split("/")[0])
    profile.base_url = f"http://127.0.0.1:{free_port()}"  # nobody there
    with socket.create_server(("127.0.0.1", port)):
        entry = collect(context, profile)["profiles"][0]
    assert "already in use" in entry["listener"]
    assert entry["base_url_answers"].startswith("no (NetworkError")


def test_offline_report_skips_the_base_url(context, profile):
    report = collect(context, profile, check_network=False)
    assert report["profiles"][0]["base_url_answers"] == "not checked"


def test_an_unusable_secret_store_is_reported(
        tmp_path, profile, expect_warning):
    expect_warning("secret store get failed")
    broken = SecretStore(RaisingKeyring(SecretStoreUnavailable("no store")))
    context = AppContext.create(config_dir=tmp_path / "config",
                                secret_store=broken)
    report = collect(context, check_network=False)
    assert report["secret_store"]["usable"] is False
    assert report["profiles"][0]["tokens"] == "unknown"
    assert "Profile 'Acme'" in render(report)


def test_recent_errors_keep_status_and_request_id(test_logger, expect_warning):
    expect_warning("load failed")
    logger, handler = test_logger
    logger.info("routine, not kept")
    try:
        raise RateLimited("Zelt asked the app to slow down.", status=429,
                          request_id="req-test-1")
    except RateLimited:
        logger.warning("load failed", exc_info=True)

    [entry] = handler.entries()
    assert entry["level"] == "WARNING"
    assert entry["error"] == "RateLimited"
    assert (entry["status"], entry["request_id"]) == (429, "req-test-1")


def test_recent_errors_are_few_and_lose_url_queries(
        test_logger, expect_warning):
    expect_warning("GET .* failed")
    logger, handler = test_logger
    for number in range(5):
        logger.error("GET http://127.0.0.1/cb?code=test-code-not-real-%d "
                     "failed", number)
    entries = handler.entries()
    assert len(entries) == 3
    assert entries[-1]["message"] == "GET http://127.0.0.1/cb?… failed"
    assert "test-code-not-real" not in repr(entries)


def test_installed_recent_errors_reach_the_report(
        context, profile, expect_warning):
    expect_warning("token exchange refused")
    handler = install_recent_errors()
    try:
        assert install_recent_errors() is handler  # once only
        logging.getLogger("zelt_desktop.test_diagnostics").error(
            "token exchange refused", extra={"status": 401})
        text = render(collect(context, check_network=False))
    finally:
        logging.getLogger("zelt_desktop").removeHandler(handler)
    assert "token exchange refused [HTTP 401]" in text


def test_both_error_sections_are_shown_and_say_when_empty(context):
    report = collect(context, check_network=False)
    report["recent_errors"] = []
    report["log_warnings"] = ["2025-01-02 03:04:05 WARNING zelt_desktop.x: "
                              "an earlier run's warning"]
    text = render(report)
    assert ("Errors and warnings in this run\n  none so far\n\n"
            "Warnings and errors in the log file (earlier runs too)\n"
            "  2025-01-02 03:04:05 WARNING") in text
    assert "(none)" not in text[text.index("in this run"):]

    report["log_warnings"] = []
    assert render(report).endswith(
        "Warnings and errors in the log file (earlier runs too)\n"
        "  none found\n")
