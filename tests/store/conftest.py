"""Fixtures for the store tests: a real sign-in at the sandbox, and clocks."""

from __future__ import annotations

import pytest

from tests.store.signin import Clocks, signed_in_at


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def signed_in(sandbox, tmp_path):
    """Real sandbox tokens for one profile, saved in a memory store."""
    state = signed_in_at(sandbox, tmp_path / "locks")
    yield state
    state.close()
