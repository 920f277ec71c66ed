"""ZeltClient: /apiv2/users/me and every page of /apiv2/users."""

from __future__ import annotations

import concurrent.futures as futures
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator

import requests

from zelt_desktop.errors import LoadCancelled, RateLimited, ServiceUnavailable
from zelt_desktop.zelt.http import (
    json_body, make_session, raise_for_status, request_id, safe_url,
    translate)
from zelt_desktop.zelt.pages import UsersPage, ends_list, parse_page

log = logging.getLogger(__name__)

_STOPPED = "Loading the directory was stopped."

ME_PATH = "/apiv2/users/me"
USERS_PATH = "/apiv2/users"
POLL = 0.1  # seconds between looks at Cancel while pages are in flight
WAIT_SLICE = 0.25  # seconds; a wait for Zelt looks at Cancel this often
RATE_LIMIT_WAITS = 3  # waits for one request before giving up
BACKOFF_BASE = 1.0  # seconds: the first wait when Zelt names none
# A server that never ends its list (neither totalPages nor an empty or
# repeated page) must not keep the app loading for ever.
MAX_PAGES = 100_000

OnWait = Callable[[float, str], None]


class ZeltClient:
    """Blocking calls to the Zelt API with a bearer access token.

    ``token_source`` has ``access_token() -> str`` and
    ``refresh(rejected_access_token)``.  ``sleep(seconds)`` makes the
    waits for a limiting Zelt (default: a wait on the Cancel event).
    A client that makes its own session closes it in ``close()``.
    """

    def __init__(self, base_url: str, token_source, *,
                 session: requests.Session | None = None,
                 page_size: int = 100, max_in_flight: int = 4,
                 wait_limit: float = 60.0,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.max_in_flight = max_in_flight
        self.wait_limit = wait_limit
        self._tokens = token_source
        self._own_session = session is None
        self._session = session or make_session(pool=max_in_flight)
        self._sleep = sleep

    def close(self) -> None:
        if self._own_session:
            self._session.close()

    def __enter__(self) -> ZeltClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def me(self) -> dict:
        """The record of the person the token belongs to (may be {})."""
        body = self._get_json(ME_PATH, None, threading.Event(), None)
        if not isinstance(body, dict):
            raise ServiceUnavailable(
                "Zelt sent an answer the app cannot read (not a record).")
        return body

    def users(self, cancel: threading.Event | None = None) -> list[dict]:
        """Every employee record, all pages concatenated."""
        return [item for page in self.iter_user_pages(cancel)
                for item in page.items]

    def iter_user_pages(self, cancel: threading.Event | None = None,
                        on_wait: OnWait | None = None,
                        ) -> Iterator[UsersPage]:
        """Yield the pages of /apiv2/users as they arrive, in page order.

        Page 1 is asked alone, then up to ``max_in_flight`` at once; a
        page that arrives early is held until those before it are in.
        ``on_wait(seconds, reason)`` is called, from a worker thread, when
        Zelt asks the app to slow down.  Setting ``cancel`` ends the load
        within about POLL seconds with LoadCancelled; requests in flight
        finish in the background and their results are dropped.
        """
        cancel = cancel if cancel is not None else threading.Event()
        if cancel.is_set():
            raise LoadCancelled(_STOPPED)
        # Workers watch ``stop``: set on Cancel and whenever the load ends.
        stop = threading.Event()
        pool = futures.ThreadPoolExecutor(self.max_in_flight,
                                          thread_name_prefix="zelt-pages")
        finished = False
        try:
            yield from self._pages(pool, cancel, stop, on_wait)
            finished = True
        finally:
            stop.set()
            # After a normal end only pages past the end can be in flight.
            pool.shutdown(wait=finished, cancel_futures=True)

    def _pages(self, pool, cancel, stop, on_wait) -> Iterator[UsersPage]:
        def fetch(number: int) -> tuple[list[dict], int | None]:
            params = {"page": number, "pageSize": self.page_size}
            log.debug("asking for page %d", number)
            return parse_page(self._get_json(USERS_PATH, params, stop,
                                             on_wait))

        first = pool.submit(fetch, 1)
        self._wait_for({first: 1}, cancel, stop)
        previous, total = first.result()
        count = len(previous)
        yield UsersPage(1, previous, total, count)
        if total is None and not previous:
            return

        # Without totalPages the list ends at an empty or repeated page.
        last = total if total is not None else MAX_PAGES
        in_flight: dict[futures.Future, int] = {}
        ready: dict[int, futures.Future] = {}
        asked = expected = 2
        while expected <= last:
            # A window over the page order: never ask past the pages that
            # could still end the list, whatever order answers come in.
            window_end = min(last, expected + self.max_in_flight - 1)
            while asked <= window_end:
                in_flight[pool.submit(fetch, asked)] = asked
                asked += 1
            for future in self._wait_for(in_flight, cancel, stop):
                ready[in_flight.pop(future)] = future
            # In page order, so that a failure past the end is ignored.
            while expected in ready:
                items, _ = ready.pop(expected).result()
                if total is None and ends_list(items, previous):
                    log.debug("the list ended before page %d", expected)
                    return
                count += len(items)
                yield UsersPage(expected, items, total, count)
                previous, expected = items, expected + 1
        if total is None:
            raise ServiceUnavailable(
                f"Zelt's employee list did not end after {MAX_PAGES} pages.")

    @staticmethod
    def _wait_for(pending: dict[futures.Future, int], cancel, stop,
                  ) -> list[futures.Future]:
        """The futures of ``pending`` that are done, in page order."""
        while True:
            if cancel.is_set():
                stop.set()
                raise LoadCancelled(_STOPPED)
            done, _ = futures.wait(pending, timeout=POLL,
                                   return_when=futures.FIRST_COMPLETED)
            if done:
                return sorted(done, key=pending.__getitem__)

    def _get_json(self, path, params, stop, on_wait) -> object:
        """GET ``path`` and decode it, waiting out a limiting Zelt."""
        waits = 0
        while True:
            if stop.is_set():
                raise LoadCancelled(_STOPPED)
            try:
                return json_body(self._authorized_get(path, params))
            except RateLimited as e:
                waits += 1
                if waits > RATE_LIMIT_WAITS:
                    raise RateLimited(
                        "Zelt is limiting requests. Wait a few minutes, "
                        "then refresh.", retry_after=e.retry_after,
                        status=e.status, request_id=e.request_id) from e
                self._wait_out(e, waits, stop, on_wait)

    def _wait_out(self, error: RateLimited, waits: int,
                  stop: threading.Event, on_wait: OnWait | None) -> None:
        delay = error.retry_after
        if delay is None:
            # No Retry-After: exponential backoff, jittered so that
            # parallel requests do not come back at the same moment.
            delay = BACKOFF_BASE * 2 ** (waits - 1) * random.uniform(1, 1.5)
        delay = min(delay, self.wait_limit)
        log.warning("Zelt is limiting requests (status %s, request id %s);"
                    " waiting %.1f s", error.status, error.request_id, delay)
        if on_wait is not None:
            on_wait(delay, str(error))

        left = delay
        while left > 0:
            if stop.is_set():
                raise LoadCancelled(_STOPPED)
            step = min(WAIT_SLICE, left)
            (self._sleep or stop.wait)(step)
            left -= step

    def _authorized_get(self, path, params) -> requests.Response:
        token = self._tokens.access_token()
        response = self._send(path, params, token)
        if response.status_code == 401:
            # The token may have expired in flight or across a sleep:
            # one refresh, one retry (the "Tokens" section).
            log.debug("the access token was refused; refreshing once")
            response.close()
            self._tokens.refresh(token)
            response = self._send(path, params, self._tokens.access_token())
        raise_for_status(response)
        return response

    def _send(self, path, params, access_token) -> requests.Response:
        url = self.base_url + path
        headers = {"Authorization": f"Bearer {access_token}"}
        started = time.monotonic()
        try:
            response = self._session.get(url, params=params,
                                         headers=headers)
        except requests.RequestException as e:
            log.debug("GET %s failed after %d ms: %s", safe_url(url),
                      _ms_since(started), type(e).__name__)
            raise translate(e) from e
        log.debug("GET %s %d in %d ms, request id %s", safe_url(url),
                  response.status_code, _ms_since(started),
                  request_id(response))
        return response


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
