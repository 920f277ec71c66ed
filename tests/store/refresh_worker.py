"""One app process in the two-process refresh test (run with ``-m``).

It opens the shared test keyring file, loads the stored tokens, prints
``ready``, waits for ``go`` on standard input, refreshes, checks the
access token at ``/apiv2/users/me`` and prints ``status <HTTP status>``
and ``token <sha256 prefix>`` (never the token itself).  The client
secret comes from the environment, never from the command line.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

import requests

from tests.store.keyrings import FileKeyring
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.store.secrets import SecretStore
from zelt_desktop.store.source import TokenSource
from zelt_desktop.store.tokens import TokenStore

SECRET_VARIABLE = "STORE_TEST_CLIENT_SECRET"


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("keyring_file", "lock_dir", "profile_id", "base_url",
                 "token_endpoint", "client_id", "redirect_uri"):
        parser.add_argument(name)
    args = parser.parse_args()

    store = TokenStore(SecretStore(FileKeyring(args.keyring_file)),
                       lock_dir=Path(args.lock_dir))
    with TokenClient(args.token_endpoint, args.client_id,
                     os.environ[SECRET_VARIABLE],
                     args.redirect_uri) as client:
        source = TokenSource(args.profile_id, store, client)
        if source.load() is None:
            print("nothing stored", flush=True)
            return 1
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return 1
        token = source.refresh().access_token

    with requests.Session() as session:
        status = session.get(f"{args.base_url}/apiv2/users/me", timeout=10,
                             headers={"Authorization": f"Bearer {token}"}
                             ).status_code
    print(f"status {status}", flush=True)
    print("token", hashlib.sha256(token.encode()).hexdigest()[:16],
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
