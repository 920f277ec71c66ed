"""The listener's connections: room is made from idle ones, threads capped."""

from __future__ import annotations

import queue
import socket
import threading

import pytest

from zelt_desktop.oauth import wire

WAIT = 30.0
CAP = 3


class Pool:
    """wire.Connections over socket pairs, each served until it ends.

    Like the listener's, a connection's thread reads until its peer
    closes or the pool shuts the connection down.
    """

    def __init__(self) -> None:
        self.served: queue.Queue = queue.Queue()
        self.connections = wire.Connections(CAP, self._serve)
        self.peers: list[socket.socket] = []
        self.conns: list[wire.Connection] = []

    def _serve(self, conn: wire.Connection) -> None:
        self.served.put(conn)
        conn.sock.settimeout(WAIT)
        conn.sock.recv(1)

    def open(self, phase: int = wire.IDLE) -> bool:
        """A new connection, moved on to ``phase`` once it is served."""
        ours, peer = socket.socketpair()
        self.peers.append(peer)
        if not self.connections.admit(ours):
            ours.close()
            return False
        conn = self.served.get(timeout=WAIT)
        self.conns.append(conn)
        assert self.connections.enter(conn, phase)
        return True

    def closed(self) -> list[int]:
        """Which peers the pool has shut down, by their order of opening."""
        ends = []
        for number, peer in enumerate(self.peers):
            peer.setblocking(False)
            try:
                if peer.recv(1) == b"":
                    ends.append(number)
            except BlockingIOError:
                pass
        return ends

    def finish(self) -> None:
        self.connections.close()
        for thread in self.connections.threads():
            thread.join(WAIT)
        for peer in self.peers:
            peer.close()


@pytest.fixture
def pool():
    pool = Pool()
    yield pool
    pool.finish()


def test_room_is_made_from_the_oldest_idle_connection_first(pool):
    for phase in (wire.READING, wire.IDLE, wire.LINGERING):
        pool.open(phase)

    pool.open(wire.READING)
    assert pool.closed() == [1]  # idle goes first, though not the oldest
    pool.open(wire.ANSWERING)
    assert pool.closed() == [0, 1]  # then the oldest not being answered
    pool.open(wire.ANSWERING)
    pool.open(wire.ANSWERING)
    assert pool.closed() == [0, 1, 2, 3]
    pool.open(wire.ANSWERING)  # all are being answered: over the cap
    assert pool.closed() == [0, 1, 2, 3]
    assert not pool.connections.enter(pool.conns[1], wire.ANSWERING)


def test_connections_being_answered_are_never_closed(pool):
    for _ in range(CAP):
        pool.open(wire.ANSWERING)
    # All are being answered: newcomers go over the cap, up to the
    # thread limit, and close none of them.
    while len(pool.connections.threads()) < pool.connections.max_threads:
        assert pool.open(wire.ANSWERING)

    assert pool.closed() == []
    assert len(pool.connections.threads()) == 2 * CAP


def test_a_newcomer_at_the_thread_limit_waits_for_a_thread_to_end(pool):
    for _ in range(2 * CAP):
        pool.open(wire.ANSWERING)
    admitted = []
    newcomer = threading.Thread(target=lambda: admitted.append(pool.open()))
    newcomer.start()

    pool.peers[0].close()  # the first connection's thread ends
    newcomer.join(WAIT)

    assert admitted == [True]
    assert len(pool.connections.threads()) <= 2 * CAP


def test_close_refuses_newcomers_and_shuts_all_down(pool):
    pool.open()
    pool.open(wire.ANSWERING)

    pool.connections.close()

    assert pool.closed() == [0, 1]
    assert not pool.open()
