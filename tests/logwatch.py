"""Fail a test on WARNING records of the app that it did not expect."""

from __future__ import annotations

import logging
import re
import threading

import pytest

APP_LOGGER = "zelt_desktop"


class Expectation:
    """A warning a test declared; ``records`` are those that matched it."""

    def __init__(self, pattern: str, logger: str | None) -> None:
        self.pattern = re.compile(pattern)
        self.logger = logger
        self.records: list[logging.LogRecord] = []

    def matches(self, record: logging.LogRecord) -> bool:
        if self.logger is not None and record.name != self.logger:
            return False
        return bool(self.pattern.search(record.getMessage()))

    def __repr__(self) -> str:
        where = f" from {self.logger}" if self.logger else ""
        return f"warning /{self.pattern.pattern}/{where}"


class LogWatch(logging.Handler):
    """Collects WARNING and worse records of the app's own loggers.

    Records can arrive from any thread (the listener's, a worker's), so
    the check runs after the test, not inside ``emit``.
    """

    def __init__(self, logger: str = APP_LOGGER) -> None:
        super().__init__(logging.WARNING)
        self._logger = logging.getLogger(logger)
        self._old_level: int | None = None
        self._records: list[logging.LogRecord] = []
        self._checked = 0
        self._expected: list[Expectation] = []
        self._guard = threading.Lock()
        self.call_passed = False

    def install(self) -> None:
        # Only raise the level's reach: a test that reads DEBUG records
        # must keep them.
        if self._logger.getEffectiveLevel() > logging.WARNING:
            self._old_level = self._logger.level
            self._logger.setLevel(logging.WARNING)
        self._logger.addHandler(self)

    def uninstall(self) -> None:
        self._logger.removeHandler(self)
        if self._old_level is not None:
            self._logger.setLevel(self._old_level)
            self._old_level = None

    def emit(self, record: logging.LogRecord) -> None:
        with self._guard:
            self._records.append(record)

    def expect(self, pattern: str, *, logger: str | None = None
               ) -> Expectation:
        """Declare a warning the test causes on purpose.

        ``pattern`` is a regular expression searched in the message. A
        declared warning that never comes fails the test as well.
        """
        expectation = Expectation(pattern, logger)
        with self._guard:
            self._expected.append(expectation)
        return expectation

    def check(self, *, expected_seen: bool = True) -> None:
        """pytest.fail on records not expected since the last check.

        With ``expected_seen``, also on declared warnings never seen.
        """
        with self._guard:
            fresh = self._records[self._checked:]
            self._checked = len(self._records)
            expected = list(self._expected)
        unexpected = []
        for record in fresh:
            found = [e for e in expected if e.matches(record)]
            for expectation in found:
                expectation.records.append(record)
            if not found:
                unexpected.append(record)
        problems = [f"unexpected {r.levelname} from {r.name}: "
                    f"{r.getMessage()}" for r in unexpected]
        if expected_seen:
            problems += [f"expected {e!r} did not occur"
                         for e in expected if not e.records]
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)
