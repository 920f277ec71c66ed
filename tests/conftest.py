"""Fixtures shared by the whole suite: a sandbox Zelt and a secret store.

Every test talks to real servers on 127.0.0.1; pytest-socket (see
pyproject.toml) refuses any other host.
"""

from __future__ import annotations

import os

# Before anything imports Qt: unit tests draw offscreen.  The end-to-end
# suite (tests/e2e) sets xcb itself.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from zelt_desktop.sandbox.options import SandboxOptions  # noqa: E402
from zelt_desktop.sandbox.server import SandboxServer  # noqa: E402
from zelt_desktop.store.secrets import MemoryKeyring, SecretStore  # noqa: E402


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
