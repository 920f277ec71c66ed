"""One window per user: a second start hands its wishes to the first.

Two windows would fight for the listener's port.  The first start listens
on a local server (a Unix socket or a named pipe) whose name holds the
user and the config folder; a later start connects, sends a small JSON
message ({"connect": bool, "profile": name or null}) and exits.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import re
from pathlib import Path

import filelock
from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_MS = 1000   # a running window accepts at once; a stale name fails
REPLY_MS = 3000     # the running window answers from its event loop
MAX_MESSAGE = 4096  # bytes; the message is a flag and a profile name
ACK = b"ok\n"
LOCK_SECONDS = 10


def server_name(config_dir: Path, user: str | None = None) -> str:
    """The local server's name for ``user`` and ``config_dir``.

    Test runs with a config folder of their own get a name of their own,
    so they never reach the user's real window.
    """
    user = user or _user_name()
    folder = str(Path(config_dir).expanduser().resolve())
    digest = hashlib.sha256(folder.encode("utf-8")).hexdigest()[:12]
    safe_user = re.sub(r"[^A-Za-z0-9_.-]", "_", user)[:32]
    return f"zelt-desktop-{safe_user}-{digest}"


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or pwd
        return "user"


class SingleInstance(QObject):
    """The first start's local server, or a later start's hand-off.

    ``lock_path`` is a file that two starts at the same moment lock in
    turn, so that only one of them listens.

    Signals:
        message_received(dict): a later start's message, checked.
    """

    message_received = Signal(dict)

    def __init__(self, name: str, parent: QObject | None = None, *,
                 lock_path: Path | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.lock_path = lock_path
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}

    # -- a later start -----------------------------------------------------

    def hand_off(self, message: dict) -> bool:
        """Give ``message`` to a running window; False if none runs.

        Blocking but short: called before this start opens any window.
        """
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            log.debug("no running window (%s)", socket.errorString())
            return False
        data = json.dumps(message).encode("utf-8") + b"\n"
        socket.write(data)
        socket.waitForBytesWritten(REPLY_MS)
        answered = socket.waitForReadyRead(REPLY_MS)
        if not answered or socket.readLine().data() != ACK:
            # Something holds the name and took the message: a second
            # window would still fight the first for the port.
            log.warning("the running window did not answer the hand-off")
        socket.disconnectFromServer()
        socket.close()
        log.info("handed the start over to the running window")
        return True

    # -- the first start ---------------------------------------------------

    def listen(self) -> bool:
        """Listen for later starts; True if this start now holds the name.

        A name whose window answers is left alone (False: hand off to it
        instead); one left by a crashed window is removed and taken over.
        """
        with self._lock():
            # Probe first: with access options Qt binds in a private
            # folder and renames the socket into place, over a live one.
            if self._answers():
                log.warning("another window started at the same time")
                return False
            QLocalServer.removeServer(self.name)  # a crash's leftover
            server = QLocalServer(self)
            # Only this user may connect (a socket's mode, a pipe's ACL).
            server.setSocketOptions(
                QLocalServer.SocketOption.UserAccessOption)
            if not server.listen(self.name):
                log.warning("single-instance server failed: %s",
                            server.errorString())
                return False
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server
        log.debug("listening for later starts")
        return True

    def _lock(self):
        """Two starts at the same moment take turns to probe and listen."""
        if self.lock_path is None:
            return contextlib.nullcontext()
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        return filelock.FileLock(str(self.lock_path), timeout=LOCK_SECONDS)

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        sockets, self._buffers = list(self._buffers), {}
        for socket in sockets:
            socket.abort()

    def _answers(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        found = probe.waitForConnected(CONNECT_MS)
        probe.abort()
        return found

    def _on_server_new_connection(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            # Bound slots, not lambdas: a lambda holding ``self`` would
            # keep this object alive until a socket's deferred delete,
            # and it would then be destroyed inside that delete.
            socket.readyRead.connect(self._on_socket_ready_read)
            socket.disconnected.connect(self._on_socket_disconnected)

    def _on_socket_ready_read(self) -> None:
        socket = self.sender()
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += socket.readAll().data()
        if b"\n" not in buffer and len(buffer) <= MAX_MESSAGE:
            return
        line = bytes(buffer).split(b"\n", 1)[0]
        self._buffers[socket] = bytearray()
        message = parse_message(line)
        if socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
            socket.write(ACK)
            socket.flush()
        if message is not None:
            log.info("a second start asked: connect=%s, profile given=%s",
                     message["connect"], message["profile"] is not None)
            self.message_received.emit(message)

    def _on_socket_disconnected(self) -> None:
        socket = self.sender()
        if self._buffers.pop(socket, None) is not None:
            socket.deleteLater()


def parse_message(data: bytes) -> dict | None:
    """The hand-off message, checked; None if it is not one."""
    if len(data) > MAX_MESSAGE:
        log.warning("hand-off message too long (%d bytes)", len(data))
        return None
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        log.warning("hand-off message unreadable (%d bytes)", len(data))
        return None
    if not isinstance(raw, dict):
        return None
    profile = raw.get("profile")
    return {"connect": raw.get("connect") is True,
            "profile": profile if isinstance(profile, str) else None}
