"""Small helpers for tests: free ports, waits, closed connections."""

from __future__ import annotations

import socket


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
