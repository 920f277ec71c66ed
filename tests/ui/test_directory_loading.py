"""The directory's loads: first load, refresh, cancel, automatic refresh."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QDateTime, QLocale, Qt
from PySide6.QtWidgets import QLabel

from zelt_desktop.sandbox.company import generate_company
from zelt_desktop.ui.directory.refresh import REFRESH_SETTING
from zelt_desktop.ui.directory.view import DirectoryPanel
from zelt_desktop.ui.settings import MemorySettings

BEFORE = generate_company(250, seed=2)
# The same company a little later: other people, other counts.
AFTER = generate_company(320, seed=9)
REFRESHED_AT = datetime(2026, 3, 4, 14, 32, 5)


class Clock:
    """The panel's clock, set by the test."""

    def __init__(self, now: datetime = REFRESHED_AT) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def settings():
    return MemorySettings()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def panel(qtbot, settings, clock):
    widget = DirectoryPanel(settings=settings, clock=clock)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def pages_of(people, size=100):
    return [people[i:i + size] for i in range(0, len(people), size)]


def load(panel, people=BEFORE) -> None:
    panel.begin_load()
    pages = pages_of(people)
    for page in pages:
        panel.append_page(page)
        panel.set_loading_progress(100, len(pages))
    panel.finish_load(len(people))


def shown_ids(panel) -> list[int]:
    view = panel.view_model
    return [view.employee(r).user_id for r in range(view.rowCount())]


def ids(people) -> list[int]:
    return [p["userId"] for p in people]


def test_a_first_load_shows_rows_as_pages_arrive(panel):
    panel.begin_load()
    counts = []
    for page in pages_of(BEFORE):
        panel.append_page(page)
        counts.append(panel.view_model.rowCount())
    assert counts == [100, 200, 250]
    assert panel.empty_state is None


def test_progress_counts_people_and_pages(panel):
    panel.begin_load()
    assert panel.loading.isVisible() and panel.cancel_button.isVisible()
    assert panel.loading.text == "Loading… 0 people"
    for number, page in enumerate(pages_of(AFTER)[:3], 1):
        panel.append_page(page)
        panel.set_loading_progress(100 * number, 4)
    assert panel.loading.text == "Loading… 300 people, page 3 of 4"
    assert (panel.progress.value(), panel.progress.maximum()) == (3, 4)
    panel.set_loading_progress(3400, None)
    assert panel.loading.text == "Loading… 3,400 people, page 3"
    assert panel.progress.maximum() == 0      # a busy bar


def test_a_refresh_keeps_the_list_until_the_new_one_is_complete(panel):
    load(panel)
    panel.begin_load()
    for page in pages_of(AFTER)[:-1]:
        panel.append_page(page)
        assert shown_ids(panel) == ids(BEFORE)
    assert panel.count_label.text() == "250 people"
    assert panel.loading.isVisible()

    panel.append_page(pages_of(AFTER)[-1])
    panel.finish_load(len(AFTER))

    assert shown_ids(panel) == ids(AFTER)
    assert panel.count_label.text() == "320 people"
    assert not panel.loading.isVisible()


def test_a_refresh_keeps_search_sort_filters_and_the_selected_person(
        panel, qtbot):
    load(panel)
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    panel.bar.status.setCurrentIndex(panel.bar.status.findData("current"))
    panel.set_search("a")
    person = panel.view_model.employee(4)
    panel.table.setCurrentIndex(panel.view_model.index(4, 0))
    # Zelt sends the same person again, in a bigger company.
    again = [p for p in BEFORE if p["userId"] == person.user_id]

    load(panel, AFTER + again)

    fresh = [panel.view_model.employee(r)
             for r in range(panel.view_model.rowCount())]
    assert fresh and all(e.lifecycle_status in ("Employed", "Hired")
                         for e in fresh)
    assert panel.view_model.sort_column == "name"
    keys = [(e.last_name.casefold(), e.first_name.casefold())
            for e in fresh]
    assert keys[0] >= keys[-1]
    assert panel.current_employee().user_id == person.user_id
    assert panel.current_employee() is not person      # the new record


def test_columns_chosen_during_a_refresh_reach_the_new_list(panel):
    load(panel)
    panel.begin_load()
    panel.append_page(AFTER[:100])
    panel.set_columns(["user_id", "name"])
    panel.append_page(AFTER[100:])
    panel.finish_load(len(AFTER))
    assert panel.model.columns == ["user_id", "name"]
    panel.set_search(str(AFTER[200]["userId"]))
    assert AFTER[200]["userId"] in shown_ids(panel)


def test_a_second_refresh_replaces_the_first(panel):
    load(panel)
    panel.begin_load()
    panel.append_page(AFTER[:100])
    panel.begin_load()                 # F5 again: the window restarts
    panel.append_page(AFTER[100:200])
    assert shown_ids(panel) == ids(BEFORE)
    panel.finish_load(100)
    assert shown_ids(panel) == ids(AFTER[100:200])


def test_a_failed_refresh_keeps_the_list_and_the_time(panel, clock):
    load(panel)
    text = panel.refreshed_label.text()
    clock.now = datetime(2026, 3, 4, 15, 0)
    panel.begin_load()
    panel.append_page(AFTER[:100])
    panel.fail_load("Zelt could not be reached.")
    assert shown_ids(panel) == ids(BEFORE)
    assert panel.notice.text() == ("Zelt could not be reached. Showing "
                                   "the list from before.")
    assert panel.refreshed_label.text() == text


def test_cancelling_a_refresh_keeps_the_list(panel):
    load(panel)
    panel.begin_load()
    panel.append_page(AFTER[:100])
    panel.load_cancelled()
    assert shown_ids(panel) == ids(BEFORE)
    assert not panel.loading.isVisible()
    assert panel.empty_state is None


def test_cancelling_a_first_load_keeps_the_pages_that_came(panel):
    panel.begin_load()
    panel.append_page(BEFORE[:100])
    panel.load_cancelled()
    assert shown_ids(panel) == ids(BEFORE[:100])
    assert not panel.loading.isVisible()
    assert "cancelled" in panel.notice.text()
    assert "100 people loaded until then" in panel.notice.text()


def test_cancelling_before_any_page_is_not_the_no_scopes_state(panel,
                                                               qtbot):
    panel.begin_load()
    panel.load_cancelled()
    assert panel.empty_state == "cancelled"
    assert "scopes" not in panel.empty_state_text()
    with qtbot.waitSignal(panel.refresh_requested):
        qtbot.mouseClick(panel.empty.button, Qt.MouseButton.LeftButton)


def test_a_load_after_a_cancelled_first_load_refreshes_off_screen(panel):
    panel.begin_load()
    panel.append_page(BEFORE[:100])
    panel.load_cancelled()
    panel.begin_load()
    panel.append_page(AFTER[:100])
    assert shown_ids(panel) == ids(BEFORE[:100])
    panel.finish_load(100)
    assert shown_ids(panel) == ids(AFTER[:100])


def test_last_refreshed_shows_the_local_time(panel):
    assert panel.refreshed_label.text() == ""
    load(panel)
    moment = QDateTime(REFRESHED_AT.date(), REFRESHED_AT.time())
    expected = QLocale().toString(moment.time(),
                                  QLocale.FormatType.ShortFormat)
    assert panel.refreshed_label.text() == f"Last refreshed {expected}"


def test_last_refreshed_names_the_day_once_it_is_not_today(panel, qtbot,
                                                           clock):
    load(panel)
    today = panel.refreshed_label.text()
    clock.now = datetime(2026, 3, 5, 9, 0)
    panel.refresh_control.ticker.start(0)
    moment = QDateTime(REFRESHED_AT.date(), REFRESHED_AT.time())
    expected = QLocale().toString(moment, QLocale.FormatType.ShortFormat)
    qtbot.waitUntil(lambda: panel.refreshed_label.text() != today)
    assert panel.refreshed_label.text() == f"Last refreshed {expected}"


def test_disconnecting_forgets_the_time(panel):
    load(panel)
    panel.show_not_connected()
    assert panel.refreshed_label.text() == ""


# -- automatic refresh -------------------------------------------------------

def choose_minutes(panel, minutes: int) -> None:
    combo = panel.refresh_combo
    combo.setCurrentIndex(combo.findData(minutes))


def test_the_interval_is_remembered(qtbot, settings):
    first = DirectoryPanel(settings=settings)
    qtbot.addWidget(first)
    assert first.refresh_combo.currentData() == 0
    assert first.refresh_combo.currentText() == "Never"
    choose_minutes(first, 15)
    assert settings.get(REFRESH_SETTING) == 15
    second = DirectoryPanel(settings=settings)
    qtbot.addWidget(second)
    assert second.refresh_combo.currentText() == "Every 15 min"


def test_an_unusable_saved_interval_means_never(qtbot):
    panel = DirectoryPanel(settings={REFRESH_SETTING: 7})
    qtbot.addWidget(panel)
    assert panel.refresh_combo.currentData() == 0


def test_the_timer_counts_from_the_end_of_each_load(panel):
    timer = panel.refresh_control.timer
    choose_minutes(panel, 5)
    assert not timer.isActive()           # not connected yet
    load(panel)
    assert timer.isActive() and timer.interval() == 5 * 60_000
    choose_minutes(panel, 0)
    assert not timer.isActive()
    choose_minutes(panel, 30)
    assert timer.isActive() and timer.interval() == 30 * 60_000
    panel.show_not_connected()
    assert not timer.isActive()


def test_a_due_refresh_is_requested(panel, qtbot):
    choose_minutes(panel, 5)
    load(panel)
    with qtbot.waitSignal(panel.refresh_requested):
        panel.refresh_control.timer.start(0)


def test_no_refresh_is_requested_while_loading_or_disconnected(panel,
                                                               qtbot):
    requested = []
    panel.refresh_requested.connect(lambda: requested.append(True))
    panel.refresh_control.due.emit()           # not connected
    panel.begin_load()
    panel.refresh_control.due.emit()           # a load runs
    assert requested == []
    panel.finish_load(0)
    panel.refresh_control.due.emit()
    assert requested == [True]


def test_the_auto_refresh_choice_has_a_label(panel):
    labels = [label for label in panel.findChildren(QLabel)
              if label.buddy() is panel.refresh_combo]
    assert [label.text() for label in labels] == ["&Auto-refresh:"]
