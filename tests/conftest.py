"""Fixtures shared by the whole suite: a sandbox Zelt and a secret store.

Every test talks to real servers on 127.0.0.1; pytest-socket (see
pyproject.toml) refuses any other host.  The app logs recoverable trouble
at WARNING (docs/style: "recoverable trouble at WARNING"), so a warning a
unit test did not declare with ``expect_warning`` fails it.
"""

from __future__ import annotations

import os
from pathlib import Path

# Before anything imports Qt: unit tests draw offscreen.  The end-to-end
# suite (tests/e2e) sets xcb itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from tests.logwatch import LogWatch  # noqa: E402
from zelt_desktop.sandbox.options import SandboxOptions  # noqa: E402
from zelt_desktop.sandbox.server import SandboxServer  # noqa: E402
from zelt_desktop.store.secrets import MemoryKeyring, SecretStore  # noqa: E402

_WATCH = pytest.StashKey[LogWatch]()
# The end-to-end suite runs in a process of its own, with the app's
# file log: it reads its warnings there.
_E2E = Path(__file__).parent / "e2e"
# requests (and curl) read these; a machine's proxy must never be asked
# to reach the test servers on loopback.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def sandbox_options() -> SandboxOptions:
    """Override in a test module to change the sandbox."""
    return SandboxOptions()


@pytest.fixture
def sandbox(sandbox_options):
    with SandboxServer(sandbox_options) as server:
        yield server


@pytest.fixture
def secret_store() -> SecretStore:
    """A secret store held in memory: real keyring API, nothing on disk."""
    return SecretStore(MemoryKeyring())


@pytest.fixture(autouse=True)
def no_machine_proxy(monkeypatch):
    """No proxy from the environment, unless a test sets one itself."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def _watched(item: pytest.Item) -> bool:
    return not item.path.is_relative_to(_E2E)


@pytest.fixture(autouse=True)
def log_watch(request):
    """Watches the ``zelt_desktop`` loggers for WARNING and worse."""
    watch = LogWatch()
    if not _watched(request.node):
        yield watch
        return
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
