"""The HTTP session for Zelt, and the mapping of answers to our errors."""

from __future__ import annotations

import email.utils
import logging
import re
import ssl
import time
from urllib.parse import urlsplit, urlunsplit

import requests
import truststore
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from zelt_desktop import __version__
from zelt_desktop.errors import (
    NetworkError, PermissionDenied, ProxyError, RateLimited,
    RequestTimedOut, ServiceUnavailable, TLSError, TokenRejected, ZeltError)

log = logging.getLogger(__name__)

USER_AGENT = f"ZeltDesktop/{__version__} (+requests)"
CONNECT_TIMEOUT, READ_TIMEOUT = 10, 30  # seconds
RETRY_AFTER_CAP = 60  # seconds; a longer wait is the loading layer's call
BACKOFF_FACTOR = 0.25  # seconds: 0, 0.5, 1, ... between retries
BACKOFF_JITTER = 0.25  # seconds, added at random to each backoff
RETRY_STATUSES = frozenset({500, 502, 503, 504})
# Zelt does not document a request id; log whichever the edge adds.
REQUEST_ID_HEADERS = ("X-Request-Id", "X-Amzn-Trace-Id", "CF-Ray")

_UNREADABLE = "Zelt sent an answer the app cannot read"
_OAUTH_ERROR = re.compile(r'\berror="?([A-Za-z0-9_.-]+)')


class _GetRetry(Retry):
    """urllib3's Retry, with server errors retried for GET alone.

    Connection and read errors follow ``allowed_methods`` (GET, HEAD);
    POST is never in it, so a request that may have reached the server
    (a token exchange) is never sent twice.
    """

    def is_retry(self, method: str, status_code: int,
                 has_retry_after: bool = False) -> bool:
        return (method.upper() == "GET"
                and super().is_retry(method, status_code, has_retry_after))


class _ZeltAdapter(HTTPAdapter):
    """Mounts the operating system's trust store and default timeouts."""

    def __init__(self, *, timeout: tuple[float, float], **kwargs) -> None:
        # truststore reads the OS certificate store, so a company's TLS
        # inspection certificate works; set on this adapter only, never
        # injected into the ssl module for the whole process.
        self._ssl_context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._timeout = timeout
        # Last: HTTPAdapter builds its pool manager, with the context, here.
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["ssl_context"] = self._ssl_context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **kwargs):
        kwargs["ssl_context"] = self._ssl_context
        return super().proxy_manager_for(proxy, **kwargs)

    def send(self, request, **kwargs) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def make_session(*, retries: int = 3, backoff_max: float = 2.0,
                 pool: int = 4,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT,
                                                 READ_TIMEOUT),
                 ) -> requests.Session:
    """A session for Zelt: client headers, timeouts, retries, OS trust.

    ``timeout`` (connect, read) applies to requests that name none.
    Proxies come from the environment and the OS, as requests reads them.
    """
    retry = _GetRetry(
        total=retries, connect=retries, read=retries, status=retries,
        allowed_methods=frozenset({"GET", "HEAD"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=BACKOFF_FACTOR, backoff_jitter=BACKOFF_JITTER,
        # Capped so that Cancel never waits long on a sleeping retry.
        backoff_max=backoff_max,
        # 429 and the edge's 403 are waited out by the loading layer,
        # visibly and cancellably; urllib3 would sleep through Cancel.
        respect_retry_after_header=False,
        raise_on_status=False)
    adapter = _ZeltAdapter(timeout=timeout, max_retries=retry,
                           pool_connections=pool, pool_maxsize=pool)

    session = requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # Zelt's edge has rejected requests without ordinary client headers.
    session.headers.update({"User-Agent": USER_AGENT,
                            "Accept": "application/json"})
    return session


def safe_url(url: str) -> str:
    """``url`` without its query, fragment or user info, for logs."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def request_id(response: requests.Response) -> str | None:
    """The first request id header the response carries, for diagnostics."""
    for name in REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value:
            return value
    return None


def parse_retry_after(value: str | None, *, now: float | None = None,
                      cap: float = RETRY_AFTER_CAP) -> float | None:
    """Seconds to wait from a Retry-After value (RFC 9110 §10.2.3).

    The value is either seconds or an HTTP-date; anything else is None.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return min(max(when.timestamp() - now, 0.0), cap)


def is_html(response: requests.Response) -> bool:
    """True for an HTML page, whatever its Content-Type claims."""
    kind = response.headers.get("Content-Type", "").lower()
    head = response.content[:64].lstrip().lower()
    return ("html" in kind or head.startswith(b"<!doctype html")
            or head.startswith(b"<html"))


def raise_for_status(response: requests.Response) -> None:
    """Raise the error from zelt_desktop.errors that ``response`` means."""
    status = response.status_code
    if status < 400:
        return
    info = {"status": status, "request_id": request_id(response)}
    if status == 401:
        raise TokenRejected(_rejected_message(response), **info)
    if status == 429 or (status == 403 and is_html(response)):
        raise _rate_limited(response, info)
    # The words leave the status out: it stays on the error, for the
    # log and the diagnostics.
    if status == 403:
        raise PermissionDenied(
            "Zelt refused this request: the app lacks a permission. Add "
            "the scope on the app's Permissions tab in Zelt, then connect "
            "again (new scopes reach only a new sign-in).", **info)
    if status >= 500:
        raise ServiceUnavailable(
            "Zelt answered with a server error. Try again in a few "
            "minutes.", **info)
    raise ServiceUnavailable(
        "Zelt refused the request. Check the base URL in the "
        "connection's settings.", **info)


def _rejected_message(response: requests.Response) -> str:
    # RFC 6750 §3: the Bearer challenge may name the error; it is only
    # a code from a fixed set of characters, so the log may keep it.
    found = _OAUTH_ERROR.search(response.headers.get("WWW-Authenticate", ""))
    log.debug("Zelt refused the access token: %s",
              found.group(1) if found else "no error named")
    return "Zelt no longer accepts the saved sign-in. Connect to Zelt again."


def _rate_limited(response: requests.Response, info: dict) -> RateLimited:
    wait = parse_retry_after(response.headers.get("Retry-After"))
    if response.status_code == 403:
        # The edge's burst protection answers 403 with an HTML page.
        message = "Zelt's edge is blocking a burst of requests."
    else:
        message = "Zelt asked the app to slow down."
    return RateLimited(message, retry_after=wait, **info)


def json_body(response: requests.Response) -> object:
    """The decoded JSON of ``response``; ServiceUnavailable if unreadable."""
    info = {"status": response.status_code,
            "request_id": request_id(response)}
    if not response.content.strip() or is_html(response):
        raise ServiceUnavailable(_UNREADABLE + ".", **info)
    try:
        return response.json()
    except ValueError as e:
        raise ServiceUnavailable(
            _UNREADABLE + " (it is broken or cut short).",
            **info) from e


def translate(exc: requests.RequestException) -> ZeltError:
    """The error from zelt_desktop.errors that a requests failure means.

    The caller raises it ``from exc``.
    """
    reason = _reason(exc)
    if isinstance(exc, requests.exceptions.ProxyError):
        return ProxyError(
            "The proxy refused or failed the connection to Zelt. Check "
            "the proxy settings of this computer.")
    if isinstance(exc, requests.exceptions.SSLError):
        return TLSError(
            "The secure connection to Zelt could not be verified. If your "
            "company inspects traffic, its certificate must be installed "
            "on this computer.")
    if isinstance(exc, requests.Timeout) or isinstance(
            reason, urllib3.exceptions.ReadTimeoutError):
        return RequestTimedOut(
            "Zelt did not answer in time. Check the connection and try "
            "again.")
    if isinstance(exc, requests.exceptions.RetryError):
        return ServiceUnavailable(
            "Zelt kept answering with server errors. Try again in a few "
            "minutes.")
    return NetworkError(
        "Zelt could not be reached. Check the internet connection and "
        "the base URL in the connection's settings.")


def _reason(exc: requests.RequestException) -> BaseException | None:
    # After its retries, urllib3 wraps the last failure in MaxRetryError:
    # requests then reports a read timeout as a ConnectionError.
    first = exc.args[0] if exc.args else None
    if isinstance(first, urllib3.exceptions.MaxRetryError):
        return first.reason
    return first if isinstance(first, BaseException) else None
