"""Looking for secrets where they must never be: records, files, windows."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from zelt_desktop.logs import _QUIET, setup_logging

# A URL with a query; the app's filter leaves "?…" where one was cut.
URL_WITH_QUERY = re.compile(r"https?://[^\s\"'<>]*\?(?!…)")
APP_LOGGER = "zelt_desktop"


class Recorder(logging.Handler):
    """Keeps every record as formatted when it arrived, before filters.

    Added to the root logger ahead of the app's own handlers, it sees what
    the code logged, not what the redacting filter made of it.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        self.lines: list[tuple[str, str]] = []  # (logger, formatted)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, self.format(record)))

    def texts(self, prefix: str = "") -> list[str]:
        return [text for name, text in self.lines if name.startswith(prefix)]


@contextlib.contextmanager
def app_logging(log_dir: Path) -> Iterator[Recorder]:
    """The entry point's logging (file and filter) at DEBUG, undone after."""
    root = logging.getLogger()
    named = [logging.getLogger(n) for n in (APP_LOGGER, *_QUIET)]
    saved = (root.level, [log.level for log in named], list(root.handlers))
    recorder = Recorder()
    root.addHandler(recorder)
    setup_logging(log_dir=log_dir, verbose=False)
    try:
        yield recorder
    finally:
        for handler in list(root.handlers):
            if handler not in saved[2]:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(saved[0])
        for log, level in zip(named, saved[1]):
            log.setLevel(level)


def files_text(folder: Path) -> dict[str, str]:
    """The text of every file under ``folder``, by relative path."""
    return {str(path.relative_to(folder)): path.read_text("utf-8", "replace")
            for path in sorted(folder.rglob("*")) if path.is_file()}


def leaks(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """Each text that holds one of ``secrets`` (shown cut, not whole)."""
    secrets = [s for s in set(secrets) if s]
    found = []
    for text in texts:
        for secret in secrets:
            if secret in text:
                found.append(f"{len(secret)}-char secret {secret[:6]}… in "
                             f"{text[:120]!r}")
    return found


def queries(texts: Iterable[str]) -> list[str]:
    """The texts that show a URL with its query string."""
    return [text for text in texts if URL_WITH_QUERY.search(text)]
