"""Small helpers for tests: free ports, local servers, waits, closed
connections."""

from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path


def free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_into(waiter, outcome: list) -> None:
    """Run ``waiter.wait()`` (a listener or a sign-in), keeping its result
    or its cancellation in ``outcome``: a thread's target."""
    from zelt_desktop.errors import ConsentCancelled
    try:
        outcome.append(waiter.wait())
    except ConsentCancelled as e:
        outcome.append(e)


def closed_by_peer(sock: socket.socket, timeout: float = 30.0) -> bool:
    """True once the other end closed ``sock`` (or reset it)."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


@contextlib.contextmanager
def serving(server: http.server.HTTPServer) -> Iterator:
    """Serve ``server`` in a thread for the with-block; stop and close it
    after."""
    thread = threading.Thread(target=server.serve_forever,
                              kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002
        pass  # the request line may carry a code


def file_site(folder: Path) -> http.server.ThreadingHTTPServer:
    """A server of the files in ``folder`` on 127.0.0.1 (not started):
    stands in for a company's web host."""
    handler = functools.partial(_QuietFiles, directory=str(folder))
    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
