"""Logging set up once, at the entry point: a rotating file, no secrets.

Modules only call ``logging.getLogger(__name__)``.  The filter here is a
second line of defence: code must not log secrets in the first place, but
a URL query (which may carry a code) is cut from any record that slips one
through.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

from zelt_desktop.profiles import default_log_dir

LOG_FILE = "zelt-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"

_QUERY = re.compile(r"(https?://[^\s?#\"']*)\?[^\s#\"']*")
# Libraries that log whole requests or tokens at DEBUG.
_QUIET = ("urllib3", "requests_oauthlib", "oauthlib", "keyring")


def strip_queries(text: str) -> str:
    """Remove the query string of every URL in ``text``."""
    return _QUERY.sub(r"\1?…", text)


class RedactingFilter(logging.Filter):
    """Cuts URL queries out of the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = strip_queries(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(log_dir: Path | None = None, *, verbose: bool = False,
                  level: int = logging.DEBUG) -> Path:
    """Send the app's records to a rotating file; return its path.

    ``verbose`` also copies them to standard error when there is one (a
    windowed bundle has none).
    """
    log_dir = Path(log_dir or default_log_dir())
    # The log names people's ids and errors: this user only.
    log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    if not path.exists():
        path.touch(mode=0o600)
    handlers: list[logging.Handler] = [logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")]
    if verbose and sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))

    # The handlers sit on the root logger so that other libraries'
    # warnings (urllib3's retries) reach the file too, filtered, instead of
    # logging's last-resort handler on standard error.
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    logging.getLogger("zelt_desktop").setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return path


def log_file_path() -> Path | None:
    """The file the app logs to, once set up."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None
