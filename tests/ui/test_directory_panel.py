"""The directory panel: loading, empty states, filters, detail, columns."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from zelt_desktop.sandbox.company import generate_company
from zelt_desktop.ui.directory.columns import COLUMNS_SETTING, ColumnsDialog
from zelt_desktop.ui.directory.view import DirectoryPanel
from zelt_desktop.ui.settings import MemorySettings

COMPANY = generate_company(250, seed=2)


@pytest.fixture
def settings():
    return MemorySettings()


@pytest.fixture
def panel(qtbot, settings):
    widget = DirectoryPanel(settings=settings)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def load(panel, people=COMPANY, page=100) -> None:
    panel.begin_load()
    for start in range(0, len(people), page):
        panel.append_page(people[start:start + page])
        panel.set_loading_progress(start + page, -(-len(people) // page))
    panel.finish_load(len(people))


def type_search(qtbot, panel, text: str) -> None:
    panel.search.clear()
    qtbot.keyClicks(panel.search, text)
    qtbot.waitUntil(lambda: not panel.bar.search_pending)


def shown_ids(panel) -> list[int]:
    view = panel.view_model
    return [view.employee(r).user_id for r in range(view.rowCount())]


def test_not_connected_says_so(panel):
    assert panel.empty_state == "not_connected"
    assert panel.empty_state_text() == "Connect to Zelt to see your people."
    assert not panel.export_button.isEnabled()


def test_loading_fills_the_table_and_the_count(panel, qtbot):
    panel.begin_load()
    panel.append_page(COMPANY[:100])
    panel.set_loading_progress(100, 3)
    assert panel.progress.isVisible() and panel.progress.maximum() == 3
    assert panel.loading.text == "Loading… 100 people, page 1 of 3"
    assert panel.count_label.text() == "100 people"
    panel.append_page(COMPANY[100:])
    panel.finish_load(250)
    assert not panel.progress.isVisible()
    assert panel.table.model().rowCount() == 250
    assert panel.count_label.text() == "250 people"
    assert panel.empty_state is None
    qtbot.waitUntil(lambda: panel.bar.department.count() > 1)
    assert panel.bar.department.itemText(0) == "All departments"


def test_no_scopes_offers_reconnect(panel, qtbot):
    panel.begin_load()
    panel.finish_load(0)
    assert panel.empty_state == "no_scopes"
    assert "user:read:all" in panel.empty_state_text()
    assert "new sign-ins" in panel.empty_state_text()
    with qtbot.waitSignal(panel.reconnect_requested):
        qtbot.mouseClick(panel.empty.button, Qt.MouseButton.LeftButton)


def test_no_match_names_the_query_and_clears_it(panel, qtbot):
    load(panel)
    type_search(qtbot, panel, "qqqzz")
    assert panel.empty_state == "no_match"
    assert panel.empty_state_text() == "No one matches “qqqzz”."
    qtbot.mouseClick(panel.empty.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.empty_state is None)
    assert panel.search.text() == ""
    assert panel.view_model.rowCount() == 250


def test_no_match_follows_a_growing_query(panel, qtbot):
    load(panel)
    panel.set_search("qqq")
    assert panel.empty_state_text() == "No one matches “qqq”."
    qtbot.keyClicks(panel.search, "z")
    qtbot.waitUntil(lambda: not panel.bar.search_pending)
    assert panel.empty_state_text() == "No one matches “qqqz”."


def test_quick_filters_combine_with_typed_search(panel, qtbot):
    load(panel)
    qtbot.waitUntil(lambda: panel.bar.site.count() > 1)
    panel.bar.site.setCurrentIndex(panel.bar.site.findData("Lisbon"))
    status = panel.bar.status
    status.setCurrentIndex(status.findData("current"))
    type_search(qtbot, panel, "ENGINEER")
    view = panel.view_model
    people = [view.employee(r) for r in range(view.rowCount())]
    assert people
    assert all(e.site == "Lisbon" and "engineer" in e.job_title.lower()
               and e.lifecycle_status in ("Employed", "Hired")
               for e in people)
    assert panel.count_label.text() == f"{len(people)} of 250 people"


def test_clicking_a_header_sorts_and_shows_the_indicator(panel, qtbot):
    load(panel)
    header = panel.table.horizontalHeader()
    middle = QPoint(header.sectionViewportPosition(0) + 10,
                    header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=middle)
    assert header.sortIndicatorSection() == 0
    view = panel.view_model
    last_names = [view.employee(r).last_name.casefold()
                  for r in range(view.rowCount())]
    assert view.sort_column == "name"
    assert last_names[0] <= last_names[-1]


def test_sort_indicator_follows_its_column_when_columns_change(panel):
    load(panel)
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    order = shown_ids(panel)
    panel.set_columns(["email", "name"])
    header = panel.table.horizontalHeader()
    assert header.sortIndicatorSection() == 1
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert shown_ids(panel) == order


def test_ctrl_f_focuses_the_search_and_down_the_table(panel, qtbot):
    load(panel)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(panel.search.hasFocus)
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    qtbot.waitUntil(panel.table.hasFocus)
    assert panel.table.currentIndex().row() == 0


def _select(panel, qtbot, user_id: int):
    view = panel.view_model
    row = next(r for r in range(view.rowCount())
               if view.employee(r).user_id == user_id)
    with qtbot.waitSignal(panel.selection_changed) as blocker:
        panel.table.selectRow(row)
    return blocker.args[0], row


def test_detail_shows_every_field_nested_included(panel, qtbot):
    load(panel)
    nested = next(p for p in COMPANY if "role" in p)
    employee, _ = _select(panel, qtbot, nested["userId"])
    assert employee.user_id == nested["userId"]
    fields = dict(panel.detail.model.fields())
    assert fields["role.department.name"] == nested["role"]["department"][
        "name"]
    assert fields["userId"] == str(nested["userId"])
    assert panel.detail.title.text() == employee.name


def test_copy_email_and_copy_row(panel, qtbot):
    load(panel)
    person = next(p for p in COMPANY if p.get("emailAddress"))
    employee, _ = _select(panel, qtbot, person["userId"])
    clipboard = QGuiApplication.clipboard()
    qtbot.mouseClick(panel.detail.copy_email, Qt.MouseButton.LeftButton)
    assert clipboard.text() == person["emailAddress"]
    qtbot.mouseClick(panel.detail.copy_row, Qt.MouseButton.LeftButton)
    cells = clipboard.text().split("\t")
    assert cells[0] == employee.name and cells[1] == employee.email
    assert len(cells) == len(panel.model.columns)


def test_double_click_opens_a_closed_detail(panel, qtbot):
    load(panel)
    panel.splitter.setSizes([1000, 0])
    assert panel.splitter.sizes()[1] == 0
    rect = panel.table.visualRect(panel.view_model.index(3, 1))
    # A real double click: press and release, then the second press.
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                      pos=rect.center())
    assert panel.splitter.sizes()[1] > 0
    assert panel.detail.employee is panel.view_model.employee(3)


def test_enter_on_a_row_opens_the_detail(panel, qtbot):
    load(panel)
    panel.splitter.setSizes([1000, 0])
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.view_model.index(5, 0))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert panel.splitter.sizes()[1] > 0
    assert panel.detail.employee is panel.view_model.employee(5)


def test_column_choice_is_remembered(qtbot, settings):
    first = DirectoryPanel(settings=settings)
    qtbot.addWidget(first)
    first.set_columns(["user_id", "name", "account_status"])
    assert settings.get(COLUMNS_SETTING) == ["user_id", "name",
                                             "account_status"]
    second = DirectoryPanel(settings=settings)
    qtbot.addWidget(second)
    assert second.model.columns == ["user_id", "name", "account_status"]
    assert second.model.headerData(2, Qt.Orientation.Horizontal) == \
        "Account status"


def test_header_menu_toggles_a_column(panel, qtbot, settings):
    picked = []

    def pick_site():
        menu = QApplication.activePopupWidget()
        try:
            action = next(a for a in menu.actions() if a.text() == "Site")
            picked.append(action.isChecked())
            action.trigger()
        finally:
            menu.close()

    QTimer.singleShot(0, pick_site)
    header = panel.table.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(5, 5))
    assert picked == [True]
    assert "site" not in panel.model.columns
    assert "site" not in settings.get(COLUMNS_SETTING)


def test_unusable_saved_columns_fall_back_to_defaults(qtbot):
    panel = DirectoryPanel(settings={COLUMNS_SETTING: ["salary", 3]})
    qtbot.addWidget(panel)
    assert panel.model.columns[0] == "name"


def test_columns_dialog_checks_and_orders(qtbot):
    dialog = ColumnsDialog(["name", "email"])
    qtbot.addWidget(dialog)
    model = dialog.model
    site = next(r for r in range(model.rowCount())
                if model.index(r).data() == "Site")
    model.setData(model.index(site), Qt.CheckState.Checked.value,
                  Qt.ItemDataRole.CheckStateRole)
    dialog.list.setCurrentIndex(model.index(site))
    qtbot.mouseClick(dialog.up, Qt.MouseButton.LeftButton)
    assert dialog.chosen() == ["name", "email", "site"]
    for _ in range(site):
        qtbot.mouseClick(dialog.up, Qt.MouseButton.LeftButton)
    assert dialog.chosen() == ["site", "name", "email"]


def test_export_writes_the_view_as_shown(panel, qtbot, tmp_path):
    people = COMPANY[:40] + [{"userId": 999, "displayName": "=HYPERLINK()",
                              "department": "+Sales", "site": "Lisbon"}]
    load(panel, people)
    panel.set_columns(["name", "department", "user_id"])
    panel.bar.site.setCurrentIndex(panel.bar.site.findData("Lisbon"))
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    path = tmp_path / "people.csv"

    count = panel.export_to(path)

    view = panel.view_model
    expected = [view.employee(r) for r in range(view.rowCount())]
    assert count == len(expected) > 1
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Name,Department,ID"
    assert [line.rsplit(",", 1)[1] for line in lines[1:]] == [
        str(e.user_id) for e in expected]
    assert "'=HYPERLINK(),'+Sales,999" in lines


def test_failed_refresh_keeps_the_previous_list(panel):
    load(panel)
    panel.begin_load()
    panel.append_page(COMPANY[:10])
    panel.fail_load("Zelt is limiting requests.")
    assert panel.view_model.rowCount() == 250
    assert panel.notice.isVisible()
    assert "list from before" in panel.notice.text()


def test_failed_first_load_keeps_the_pages_that_came(panel):
    panel.begin_load()
    panel.append_page(COMPANY[:100])
    panel.fail_load("Zelt is limiting requests.")
    assert panel.empty_state is None
    assert panel.view_model.rowCount() == 100
    assert "loaded until then" in panel.notice.text()


def test_failed_first_load_says_why(panel):
    panel.begin_load()
    panel.fail_load("Zelt could not be reached.")
    assert panel.empty_state == "failed"
    assert "could not be reached" in panel.empty_state_text()


def test_toolbar_actions_are_added(panel):
    from PySide6.QtGui import QAction
    action = QAction("&Refresh", panel)
    panel.add_toolbar_actions([action])
    assert panel.tools.count() == 1


def test_detail_speaks_the_directorys_words_first(panel, qtbot):
    load(panel)
    managed = next(p for p in COMPANY if p.get("managerId") and any(
        m["userId"] == p["managerId"] for m in COMPANY))
    employee, _ = _select(panel, qtbot, managed["userId"])
    summary = dict(panel.detail.model.summary())
    assert summary["Manager"] == employee.manager
    assert summary["Manager"] != str(managed["managerId"])
    model = panel.detail.model
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Email address" in labels or "emailAddress" not in managed
    assert not any("emailAddress" == label for label in labels)
    path_tips = [model.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)
                 for r in range(model.rowCount())]
    assert "userId" in path_tips
