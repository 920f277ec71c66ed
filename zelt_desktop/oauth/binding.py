"""Binding the listener's sockets to loopback, and naming a port's holder."""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

from zelt_desktop.errors import InvalidSetting, PortInUse
from zelt_desktop.profiles import is_loopback_uri

log = logging.getLogger(__name__)

# Room for a burst of connections while the accept thread catches up.
BACKLOG = 64
# Windows reports a taken port as WSAEADDRINUSE, or as WSAEACCES when the
# holder has exclusive use of it.
_WINDOWS_IN_USE = (10048, 10013)
_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp
_NOT_LOOPBACK = ("The listener address must be http://127.0.0.1:PORT/PATH, "
                 "http://[::1]:PORT/PATH or http://localhost:PORT/PATH.")


def loopback_address(listen_uri: str) -> tuple[str, int]:
    """The host and port to listen on; the host is never resolved.

    Only 127.0.0.0/8, ::1 and the name ``localhost`` are accepted
    (RFC 8252 §7.3, §8.3): a non-loopback host is never bound.
    """
    if not is_loopback_uri(listen_uri):
        raise InvalidSetting(_NOT_LOOPBACK, field="listen_url")
    parts = urlsplit(listen_uri)
    return parts.hostname, parts.port


def bind_loopback(listen_uri: str) -> list[socket.socket]:
    """Listening sockets for ``listen_uri``, bound now.

    ``localhost`` gets 127.0.0.1 and ::1 on the same port, as a browser may
    try either family first; 127.0.0.1 alone where there is no IPv6.
    """
    host, port = loopback_address(listen_uri)
    if host != "localhost":
        return [_bind(host, port)]
    first = _bind("127.0.0.1", port)
    try:
        second = _bind("::1", first.getsockname()[1])
    except PortInUse:
        first.close()
        raise
    except (OSError, InvalidSetting) as e:
        log.info("no IPv6 loopback here (%s): listening on 127.0.0.1 only",
                 getattr(e.__cause__, "strerror", e))
        return [first]
    return [first, second]


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as e:
        raise InvalidSetting(f"This computer cannot listen on {host}.",
                             field="listen_url") from e
    try:
        _set_options(sock, family)
        sock.bind((host, port))
        sock.listen(BACKLOG)
        sock.setblocking(False)
    except OSError as e:
        sock.close()
        raise _bind_error(e, host, port) from e
    return sock


def _set_options(sock: socket.socket, family: int) -> None:
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    if os.name == "nt":
        # Exclusive use: no other program can bind the port beside us.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
    else:
        # On POSIX this only skips TIME_WAIT after a restart; it never lets
        # two listeners share the port (SO_REUSEPORT would, and is not
        # used).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)


def _bind_error(e: OSError, host: str, port: int) -> Exception:
    if e.errno == errno.EADDRINUSE or \
            getattr(e, "winerror", None) in _WINDOWS_IN_USE:
        holder = port_holder(port)
        by = f"by {holder}" if holder else "by another program"
        return PortInUse(
            f"Port {port} on this computer is already in use {by}. Close "
            "that program, or choose another port: set the same new port "
            "in the app's Redirect URI in Zelt and here, or set a listener "
            "address with a free port.", port=port, holder=holder)
    if e.errno == errno.EACCES:
        return InvalidSetting(
            f"Port {port} needs administrator rights on this computer: "
            "choose a port above 1024.", field="listen_url")
    return InvalidSetting(f"This computer cannot listen on {host} port "
                          f"{port} ({e.strerror or e}).", field="listen_url")


def port_holder(port: int) -> str | None:
    """The program listening on a TCP port, where the system tells.

    Only Linux tells without extra tools: /proc lists listening sockets
    and each process's open sockets.  Elsewhere, None.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        inodes = _listening_inodes(port)
        return _process_with_socket(inodes) if inodes else None
    except OSError:
        return None


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != _LISTEN:
                continue
            if int(fields[1].rsplit(":", 1)[1], 16) == port \
                    and fields[9] != "0":
                inodes.add(f"socket:[{fields[9]}]")
    return inodes


def _process_with_socket(inodes: set[str]) -> str | None:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    name = (proc / "comm").read_text().strip()
                    return f"{name} (process {proc.name})"
        except OSError:
            continue  # gone, or not ours to look at
    return None
