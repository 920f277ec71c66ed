"""The directory from the keyboard, for screen readers, at any size."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from zelt_desktop.sandbox.company import generate_company
from zelt_desktop.ui.directory.view import DirectoryPanel

COMPANY = generate_company(250, seed=2)


def make_panel(qtbot, width: int = 1100) -> DirectoryPanel:
    panel = DirectoryPanel(settings={})
    qtbot.addWidget(panel)
    # The window adds its actions beside the search box.
    panel.add_toolbar_actions([QAction("&Refresh", panel),
                               QAction("&Disconnect", panel)])
    panel.resize(width, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def panel(qtbot):
    return make_panel(qtbot)


def load(panel, people=COMPANY) -> None:
    panel.begin_load()
    for start in range(0, len(people), 100):
        panel.append_page(people[start:start + 100])
    panel.finish_load(len(people))


def focusable(panel) -> list[QWidget]:
    return [w for w in panel.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus]


def test_every_focusable_control_has_a_name(panel):
    panel.begin_load()
    panel.finish_load(0)     # the empty state shows its button
    buddies = {label.buddy() for label in panel.findChildren(QLabel)}
    controls = focusable(panel)
    assert len(controls) > 15
    unnamed = [f"{type(w).__name__} {w.objectName()}" for w in controls
               if not w.accessibleName() and w not in buddies]
    assert unnamed == []


def test_tab_follows_the_rows_as_seen(panel):
    load(panel)
    chain, widget = [], panel.bar.search
    for _ in range(8):
        chain.append(widget.objectName() or widget.accessibleName())
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                   and widget.isVisible()):
            widget = widget.nextInFocusChain()
    assert chain == ["searchEdit", "columnsButton", "exportButton",
                     "departmentCombo", "siteCombo", "statusCombo",
                     "directoryTable", "detailFields"]


def test_the_window_actions_come_first(panel):
    names = []
    widget = panel.bar.search
    for _ in range(60):
        widget = widget.previousInFocusChain()
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            names.append(widget.accessibleName())
        if len(names) == 3:
            break
    assert names == ["Refresh automatically", "Disconnect", "Refresh"]


def test_escape_clears_the_search(panel, qtbot):
    load(panel)
    panel.focus_search()
    qtbot.keyClicks(panel.search, "lisbon")
    qtbot.waitUntil(lambda: not panel.bar.search_pending)
    assert panel.view_model.rowCount() < 250
    qtbot.keyClick(panel.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.view_model.rowCount() == 250)
    assert panel.search.text() == ""


def test_rows_grow_with_the_font(panel):
    load(panel)
    header = panel.table.verticalHeader()
    normal = header.defaultSectionSize()
    font = panel.font()
    font.setPointSizeF(font.pointSizeF() * 2.5)
    panel.setFont(font)    # as a large system font would
    assert panel.table.fontMetrics().height() <= \
        header.defaultSectionSize()
    assert header.defaultSectionSize() > normal
    assert panel.detail.table.fontMetrics().height() <= \
        panel.detail.table.verticalHeader().defaultSectionSize()


def test_the_empty_state_sentence_is_never_cut(qtbot):
    panel = make_panel(qtbot, 900)
    font = panel.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    panel.setFont(font)
    panel.begin_load()
    panel.finish_load(0)          # the longest sentence: no scopes
    label = panel.empty.label
    # Waits for the layout to settle; a cut sentence never gets there.
    qtbot.waitUntil(lambda: label.isVisible() and label.height()
                    >= label.heightForWidth(label.width()))
    assert label.text().endswith("new sign-ins.")


def test_no_colour_or_size_is_hard_coded(panel):
    load(panel)
    styled = [w.objectName() for w in panel.findChildren(QWidget)
              if w.styleSheet()]
    assert styled == []
    assert not panel.styleSheet()


@pytest.mark.parametrize("width", [900, 1280])
def test_the_bar_fits_without_overlap(qtbot, width):
    panel = make_panel(qtbot, width)
    load(panel)
    assert panel.width() == width
    bar = panel.bar
    rows = [[*panel.tools_widgets(), panel.refresh_combo, bar.search,
             panel.columns_button, panel.export_button],
            [*bar.labels, bar.department, bar.site, bar.status,
             panel.count_label, panel.refreshed_label]]
    for row in rows:
        rects = sorted((w.geometry() for w in row), key=lambda r: r.x())
        for left, right in zip(rects, rects[1:]):
            assert left.right() < right.left()
        assert rects[-1].right() <= width
    combos = [w for w in rows[1] if isinstance(w, QComboBox)]
    assert all(c.width() >= c.minimumSizeHint().width() for c in combos)
    panel.set_search("lisbon")
    count = panel.count_label
    assert count.text().endswith(" of 250 people")
    # The layout follows the longer text once events are processed.
    qtbot.waitUntil(lambda: count.width() >= count.fontMetrics()
                    .horizontalAdvance(count.text()))
    assert count.geometry().right() < panel.refreshed_label.x()
