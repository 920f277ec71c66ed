"""The warning watch: what it lets pass and what fails a test."""

from __future__ import annotations

import logging

import pytest

from tests.logwatch import LogWatch

NAME = "tests.reliability.watched"


@pytest.fixture
def watch():
    watch = LogWatch(NAME)
    watch.install()
    yield watch
    watch.uninstall()


def test_an_unexpected_warning_fails(watch):
    logging.getLogger(NAME + ".child").warning("port %d busy", 8080)

    with pytest.raises(pytest.fail.Exception, match="port 8080 busy"):
        watch.check()


def test_an_expected_warning_passes_and_is_kept(watch):
    expectation = watch.expect(r"port \d+ busy")

    logging.getLogger(NAME).error("port 8080 busy")
    watch.check()

    assert [r.levelname for r in expectation.records] == ["ERROR"]


def test_an_expected_warning_that_never_comes_fails(watch):
    watch.expect("never logged")

    with pytest.raises(pytest.fail.Exception, match="did not occur"):
        watch.check()


def test_debug_and_info_and_other_loggers_pass(watch):
    logging.getLogger(NAME).info("flow")
    logging.getLogger("urllib3.connectionpool").warning("retrying")

    watch.check()


def test_a_quiet_logger_is_opened_to_warnings_and_restored():
    logger = logging.getLogger(NAME + ".quiet")
    logger.setLevel(logging.CRITICAL)
    watch = LogWatch(NAME + ".quiet")
    watch.install()
    try:
        logger.warning("heard")
        with pytest.raises(pytest.fail.Exception, match="heard"):
            watch.check()
    finally:
        watch.uninstall()
    assert logger.level == logging.CRITICAL
    logger.setLevel(logging.NOTSET)


def test_the_app_loggers_are_watched_here(log_watch, expect_warning):
    expectation = expect_warning("cannot confirm", logger="zelt_desktop.x")

    logging.getLogger("zelt_desktop.x").warning("cannot confirm it")

    log_watch.check()
    assert len(expectation.records) == 1
