"""The faults Zelt and its edge have shown, drawn at the chosen rates."""

from __future__ import annotations

import contextlib
import logging
import math
import random
import threading
from typing import Iterator

from zelt_desktop.sandbox import pages
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.sandbox.replies import (DROP, Reply, html_reply,
                                          json_bytes, json_reply)

log = logging.getLogger(__name__)


class Faults:
    """Decides, per request, whether the API misbehaves and how.

    Draws come from one ``random.Random(fault_seed)``; a fault whose rate
    is 0 draws nothing, so switching one on leaves the others' sequence
    alone.
    """

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self._rng = random.Random(options.fault_seed)
        self._lock = threading.Lock()
        self._in_flight = 0

    @contextlib.contextmanager
    def in_flight(self) -> Iterator[bool]:
        """Count one API request; yields True when it exceeds the burst."""
        with self._lock:
            self._in_flight += 1
            count = self._in_flight
        try:
            burst = self.options.waf_burst
            yield bool(burst) and count > burst
        finally:
            with self._lock:
                self._in_flight -= 1

    def before_api(self) -> Reply | None:
        """A fault that replaces the API's answer, or None."""
        options = self.options
        if self._roll(options.rate_limit):
            # RFC 9110 §10.2.3: Retry-After in whole seconds.
            wait = str(max(0, math.ceil(options.retry_after)))
            log.debug("fault: 429, Retry-After %s", wait)
            return json_reply({"error": "rate_limited",
                               "message": "Too many requests"}, 429,
                              (("Retry-After", wait),))
        if self._roll(options.drop_connections):
            log.debug("fault: connection dropped")
            return DROP
        if self._roll(options.server_errors):
            log.debug("fault: 500")
            return json_reply({"error": "internal_error",
                               "message": "Something went wrong"}, 500)
        return None

    def after_api(self, reply: Reply) -> Reply:
        """Maybe cut a JSON answer short in the middle."""
        if reply.status != 200 or not self._roll(self.options.malformed_json):
            return reply
        log.debug("fault: JSON truncated")
        return json_bytes(reply.body[:len(reply.body) // 2], reply.status)

    def after_token(self, reply: Reply) -> Reply:
        """Maybe lose a token reply once its tokens are issued.

        The request did its work: a code or refresh token it carried is
        spent, and the client never learns the new pair (issue 5, "A lost
        refresh reply").
        """
        if reply.status != 200 or \
                not self._roll(self.options.drop_token_replies):
            return reply
        log.debug("fault: token reply lost")
        return DROP

    def omit_expires_in(self) -> bool:
        return self._roll(self.options.omit_expires_in)

    @staticmethod
    def blocked() -> Reply:
        """The edge's answer to a burst: 403 with an HTML page."""
        log.debug("fault: burst blocked")
        return html_reply(pages.blocked_page(), 403)

    def _roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._rng.random() < rate
