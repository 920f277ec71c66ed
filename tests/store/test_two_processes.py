"""Two app processes refresh the same stored token at the same moment."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store.keyrings import FileKeyring
from tests.store.refresh_worker import SECRET_VARIABLE
from tests.store.signin import CLIENT_ID, CLIENT_SECRET, signed_in_at
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.store.secrets import SecretStore
from zelt_desktop.store.tokens import TokenStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox_options() -> SandboxOptions:
    # Slow answers keep both refreshes in flight at once: without the
    # shared lock both would send the same refresh token.
    return SandboxOptions(latency=0.3)


def start_worker(signed_in, keyring_file: Path) -> subprocess.Popen:
    profile = signed_in.profile
    env = dict(os.environ, **{SECRET_VARIABLE: CLIENT_SECRET})
    return subprocess.Popen(
        [sys.executable, "-m", "tests.store.refresh_worker",
         str(keyring_file), str(signed_in.lock_dir), profile.id,
         signed_in.sandbox.base_url, profile.token_endpoint, CLIENT_ID,
         profile.redirect_uri],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def stop_all(workers) -> None:
    """Kill, by their own handles, the workers a failed test left running."""
    for worker in workers:
        if worker.poll() is None:
            worker.kill()


def test_both_processes_end_signed_in_after_one_refresh(sandbox, tmp_path):
    signed_in = signed_in_at(sandbox, tmp_path / "locks")
    keyring_file = tmp_path / "keyring.json"
    shared = TokenStore(SecretStore(FileKeyring(keyring_file)),
                        lock_dir=signed_in.lock_dir)
    shared.save(signed_in.profile.id, signed_in.tokens)

    with contextlib.ExitStack() as stack:
        workers = [stack.enter_context(start_worker(signed_in, keyring_file))
                   for _ in range(2)]
        stack.callback(stop_all, workers)  # before the pipes close
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready"
        for worker in workers:  # released together
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=60) for worker in workers]

    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
        assert out.split("\n")[0] == "status 200", err
    hashes = {out.split("\n")[1] for out, _ in outputs}
    stored = shared.load(signed_in.profile.id).tokens.access_token
    digest = hashlib.sha256(stored.encode()).hexdigest()[:16]
    assert hashes == {f"token {digest}"}
    assert signed_in.refreshes() == 1
