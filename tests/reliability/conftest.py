"""Fixtures of the reliability tests: a warning nobody expected fails.

The app logs recoverable trouble at WARNING (docs/style: "recoverable
trouble at WARNING"), so a warning in a test that did not ask for it is
trouble the test did not mean to cause.
"""

from __future__ import annotations

import pytest

from tests.reliability.logwatch import LogWatch

_WATCH = pytest.StashKey[LogWatch]()
# requests (and curl) read these; a machine's proxy must never be asked
# to reach the test servers on loopback.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_machine_proxy(monkeypatch):
    """No proxy from the environment, unless a test sets one itself."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(autouse=True)
def log_watch(request):
    """Watches the ``zelt_desktop`` loggers for WARNING and worse."""
    watch = LogWatch()
    watch.install()
    request.node.stash[_WATCH] = watch
    try:
        yield watch
    finally:
        watch.uninstall()
    if watch.call_passed:
        # Records from the fixtures' teardown (servers closing, ...).
        watch.check(expected_seen=False)


@pytest.fixture
def expect_warning(log_watch):
    """``expect_warning(pattern, logger=None)``: declare one warning."""
    return log_watch.expect


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    # Only reached when the test itself passed.
    watch = item.stash.get(_WATCH, None)
    if watch is not None:
        watch.check()
        watch.call_passed = True
    return result
