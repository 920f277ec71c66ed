"""A raw HTTP client for the listener tests: any bytes, any framing."""

from __future__ import annotations

import socket

TIMEOUT = 30.0


def send(address: tuple, data: bytes, *, timeout: float = TIMEOUT) -> bytes:
    """Send ``data``, half-close, and return all the listener answered.

    A listener may drop a hostile connection or answer before reading
    all of it; a reset then counts as the end of the answer.
    """
    host, port = address[:2]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect((host, port))
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
        return b"".join(chunks)


def get(address: tuple, target: str) -> bytes:
    return send(address, f"GET {target} HTTP/1.1\r\nHost: test\r\n"
                         "Connection: close\r\n\r\n".encode())


def status_of(reply: bytes) -> int | None:
    """The status code of a reply, None for no (or a garbled) reply."""
    line = reply.split(b"\r\n", 1)[0].split(b" ")
    if len(line) < 2 or line[0] != b"HTTP/1.1" or not line[1].isdigit():
        return None
    return int(line[1])
