"""The diagnostics report for support tickets, and a ring of recent errors."""

from __future__ import annotations

import collections
import importlib.util
import logging
import platform
import sys
import threading
import time
from datetime import datetime, timezone

import requests

from zelt_desktop import __version__
from zelt_desktop.context import AppContext
from zelt_desktop.errors import InputError, SecretStoreError, ZeltError
from zelt_desktop.logs import log_file_path, strip_queries
from zelt_desktop.oauth.binding import bind_loopback
from zelt_desktop.profiles import Profile
from zelt_desktop.zelt.http import make_session, request_id, translate

log = logging.getLogger(__name__)

RECENT_ERRORS = 20  # records kept in memory
LOG_WARNINGS = 10  # warning lines taken from the end of the log file
LOG_TAIL_BYTES = 256_000
MESSAGE_MAX = 300  # characters of one recorded message
CHECK_TIMEOUT = (3.0, 5.0)  # seconds (connect, read) for the base URL
_ROOT_LOGGER = "zelt_desktop"
_LOG_LEVELS = (" WARNING ", " ERROR ", " CRITICAL ")
RUN_SECTION = "Errors and warnings in this run"
LOG_SECTION = "Warnings and errors in the log file (earlier runs too)"
# Labels of the report's keys where the key itself does not read well.
_LABELS = {"python": "Python", "qt": "Qt", "os": "OS", "id": "profile id",
           "client_id": "client ID", "redirect_uri": "redirect URI",
           "base_url": "base URL", "base_url_answers": "base URL reachable",
           "authorization_endpoint": "authorize URL",
           "token_endpoint": "token URL",
           "client_auth": "client authentication"}


class RecentErrors(logging.Handler):
    """Keeps the last WARNING and worse records of the app in memory.

    Each entry notes the HTTP status and request id of the ZeltError
    behind it, if any, for the report.  Messages lose URL queries and
    are cut short; the core never logs a secret in the first place.
    """

    def __init__(self, capacity: int = RECENT_ERRORS) -> None:
        super().__init__(logging.WARNING)
        self._entries: collections.deque[dict] = collections.deque(
            maxlen=capacity)
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(_ROOT_LOGGER):
            return
        try:
            entry = _entry(record)
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)
            return
        with self._guard:
            self._entries.append(entry)

    def entries(self) -> list[dict]:
        with self._guard:
            return list(self._entries)


def install_recent_errors(capacity: int = RECENT_ERRORS) -> RecentErrors:
    """Attach the RecentErrors handler to the app's logger, once."""
    found = installed_recent_errors()
    if found is not None:
        return found
    handler = RecentErrors(capacity)
    logging.getLogger(_ROOT_LOGGER).addHandler(handler)
    return handler


def installed_recent_errors() -> RecentErrors | None:
    for handler in logging.getLogger(_ROOT_LOGGER).handlers:
        if isinstance(handler, RecentErrors):
            return handler
    return None


def collect(context: AppContext, profile: Profile | None = None, *,
            check_network: bool = True) -> dict:
    """Gather the report: every profile, or only ``profile``; blocking.

    ``check_network`` tries each profile's base URL with a short timeout.
    Nothing secret is read into the report: no client secret, no token.
    """
    path = log_file_path()
    store, store_report = _secret_store(context)
    profiles = [profile] if profile else _saved_profiles(context)
    handler = installed_recent_errors()
    return {
        "generated_at": _utc(datetime.now(timezone.utc)),
        "app": _app(path),
        "secret_store": store_report,
        "profiles": [_profile(p, store, check_network) for p in profiles],
        "recent_errors": handler.entries() if handler else [],
        "log_warnings": _log_warnings(path) if path else [],
    }


def render(report: dict) -> str:
    """The report as plain text, ready to paste into a support ticket."""
    lines = [f"Zelt Desktop diagnostics, {report['generated_at']}", ""]
    lines += _section("App", report["app"])
    lines += _section("Secret store", report["secret_store"])
    for entry in report["profiles"]:
        lines += _section(f"Profile {entry['name']!r}", entry)
    if not report["profiles"]:
        lines += ["Profiles", "  (none)", ""]
    # Both sections always, each saying plainly when it is empty: a
    # command-line run starts with none of its own, the log has the rest.
    lines += _listing(RUN_SECTION, [_error_line(e) for e in
                                    report["recent_errors"]],
                      "none so far")
    lines += _listing(LOG_SECTION, report["log_warnings"], "none found")
    # A last guard: no URL query (a code, a state) leaves in the report.
    return strip_queries("\n".join(lines).rstrip() + "\n")


# -- parts of the report ---------------------------------------------------

def _app(path) -> dict:
    return {
        "version": __version__,
        "python": f"{platform.python_version()} "
                  f"({platform.python_implementation()})",
        "qt": _qt_version(),
        "os": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "log_file": str(path) if path else None,
    }


def _qt_version() -> str | None:
    """Qt's version, if PySide6 is installed; no application is created.

    Imported here, not at the top: the core and the command line run
    without Qt and without a display.
    """
    if importlib.util.find_spec("PySide6") is None:
        return None
    try:
        import PySide6
        from PySide6 import QtCore
    except ImportError as e:
        return f"not loadable ({type(e).__name__})"
    return f"{QtCore.qVersion()} (PySide6 {PySide6.__version__})"


def _secret_store(context: AppContext):
    try:
        store = context.tokens()
        store.secrets.check()
    except SecretStoreError as e:
        backend = context.secret_store
        name = backend.backend_name if backend else "none"
        return None, {"backend": name, "usable": False, "problem": str(e)}
    return store, {"backend": store.secrets.backend_name, "usable": True}


def _saved_profiles(context: AppContext) -> list[Profile]:
    try:
        return context.load_settings().profiles
    except InputError as e:
        log.warning("diagnostics could not read the settings: %s", e)
        return []


def _profile(profile: Profile, store, check_network: bool) -> dict:
    entry = {
        "name": profile.name,
        "id": profile.id,
        "client_id": profile.client_id,
        "redirect_uri": profile.redirect_uri,
        "listener": _listener(profile),
        "base_url": profile.base_url,
        "base_url_answers": (_base_url(profile.api_base_url)
                             if check_network else "not checked"),
        "authorization_endpoint": profile.authorization_endpoint,
        "token_endpoint": profile.token_endpoint,
        "client_auth": profile.client_auth,
        "issuer": profile.issuer or None,
    }
    entry.update(_stored(profile, store))
    return entry


def _listener(profile: Profile) -> str:
    """The listener address and whether its port is free right now."""
    uri = profile.listener_uri
    if uri is None:
        return "none (the redirect address is pasted)"
    try:
        sockets = bind_loopback(uri)
    except InputError as e:  # PortInUse or an unusable address
        return f"{uri}: {e}"
    for sock in sockets:
        sock.close()
    return f"{uri}: port free"


def _base_url(url: str) -> str:
    """Whether ``url`` answers a HEAD request; any HTTP status counts."""
    started = time.monotonic()
    with make_session(retries=0, timeout=CHECK_TIMEOUT) as session:
        try:
            with session.head(url, allow_redirects=False) as response:
                elapsed = round((time.monotonic() - started) * 1000)
                rid = request_id(response)
                status = response.status_code
        except requests.RequestException as e:
            error = translate(e)
            return f"no ({type(error).__name__}: {error})"
    found = f", request id {rid}" if rid else ""
    # Any answer counts: it proves the address and the network; the
    # status says more (a 404 or 501 here is only the bare base URL).
    return f"yes (it answered HTTP {status} in {elapsed} ms{found})"


def _stored(profile: Profile, store) -> dict:
    if store is None:
        return {"client_secret_saved": "unknown", "tokens": "unknown"}
    try:
        secret = store.load_client_secret(profile.id)
        stored = store.load(profile.id)
    except ZeltError as e:
        return {"client_secret_saved": "unknown",
                "tokens": f"unreadable ({type(e).__name__})"}
    tokens = "none"
    if stored is not None:
        tokens = (f"stored, access token expires "
                  f"{_utc(stored.tokens.expires_at)}"
                  + ("" if stored.tokens.refresh_token
                     else ", no refresh token"))
    return {"client_secret_saved": secret is not None, "tokens": tokens}


# -- recent errors ---------------------------------------------------------

def _entry(record: logging.LogRecord) -> dict:
    error = _zelt_error(record.exc_info[1] if record.exc_info else None)
    message = strip_queries(record.getMessage())
    if len(message) > MESSAGE_MAX:
        message = message[:MESSAGE_MAX - 1] + "…"
    return {
        "time": _utc(datetime.fromtimestamp(record.created, timezone.utc)),
        "level": record.levelname,
        "logger": record.name,
        "message": message,
        "error": type(error).__name__ if error else _exc_name(record),
        "status": getattr(error, "status", None)
        or getattr(record, "status", None),
        "request_id": getattr(error, "request_id", None)
        or getattr(record, "request_id", None),
    }


def _zelt_error(exc: BaseException | None) -> ZeltError | None:
    """The first ZeltError along the chain of causes of ``exc``."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ZeltError):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _exc_name(record: logging.LogRecord) -> str | None:
    exc = record.exc_info[1] if record.exc_info else None
    return type(exc).__name__ if exc is not None else None


def _error_line(entry: dict) -> str:
    details = [d for d in (
        entry.get("error"),
        f"HTTP {entry['status']}" if entry.get("status") else None,
        f"request id {entry['request_id']}" if entry.get("request_id")
        else None) if d]
    tail = f" [{', '.join(details)}]" if details else ""
    return (f"{entry['time']} {entry['level']} {entry['logger']}: "
            f"{entry['message']}{tail}")


def _log_warnings(path) -> list[str]:
    """The last WARNING and worse lines of the log file, newest last.

    The window keeps its errors in memory; a command-line run starts
    empty, so the log file tells what happened in earlier runs.
    """
    try:
        with open(path, "rb") as stream:
            stream.seek(0, 2)
            stream.seek(max(0, stream.tell() - LOG_TAIL_BYTES))
            text = stream.read().decode("utf-8", "replace")
    except OSError:
        return []
    found = [line for line in text.splitlines()
             if any(level in line[:40] for level in _LOG_LEVELS)]
    return [strip_queries(line[:MESSAGE_MAX]) for line in
            found[-LOG_WARNINGS:]]


# -- rendering -------------------------------------------------------------

def _section(title: str, values: dict) -> list[str]:
    lines = [title]
    for key, value in values.items():
        if key == "name":
            continue
        label = _LABELS.get(key, key.replace("_", " "))
        lines.append(f"  {label}: {_text(value)}")
    return lines + [""]


def _listing(title: str, entries: list[str], empty: str) -> list[str]:
    return [title] + [f"  {entry}" for entry in entries or [empty]] + [""]


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
