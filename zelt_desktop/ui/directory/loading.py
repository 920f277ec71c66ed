"""Where a load's pages go: into the table, or off-screen for a refresh."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from zelt_desktop.ui.directory.filter import DirectoryView
from zelt_desktop.ui.directory.model import DirectoryModel

log = logging.getLogger(__name__)


class PageLoader(QObject):
    """Feeds pages to the shown model, or to a second one during a refresh.

    A first load shows rows as pages arrive (issue 6).  A refresh keeps
    the list shown until the new one is complete: its pages fill a model
    and view model of their own, off-screen, in the shown columns and
    sort, page by page as a first load would.  At the end the shown view
    adopts them in one reset; loading 100,000 records into it at once
    would block the GUI thread for about 1.5 s.
    """

    def __init__(self, model: DirectoryModel, view: DirectoryView,
                 parent=None) -> None:
        super().__init__(parent)
        self._model, self._view = model, view
        self._shadow: DirectoryView | None = None
        self.pages = 0
        self.people = 0
        # Columns chosen during a refresh reach the list to come.
        model.modelReset.connect(self._follow_columns)

    @property
    def refreshing(self) -> bool:
        """True while a refresh loads off-screen."""
        return self._shadow is not None

    def begin(self, refresh: bool) -> None:
        """Start a load; ``refresh`` keeps the rows shown until the end."""
        self.abandon()
        self.pages = self.people = 0
        if not refresh:
            self._model.clear()
            self._model.growing = True
            return
        model = DirectoryModel(self, columns=self._model.columns)
        model.growing = True
        self._shadow = DirectoryView(model, self)
        # No rows yet: any sort costs nothing now, and each page is then
        # merged in by binary search.
        self._shadow.sort_by(self._view.sort_column, self._view.descending)
        log.debug("refreshing off-screen")

    def add(self, items: list[dict]) -> None:
        self.pages += 1
        self.people += len(items)
        target = self._shadow.sourceModel() if self._shadow else self._model
        target.append_page(items)

    def finish(self) -> None:
        """The load is complete: a refresh's rows replace those shown."""
        shadow, self._shadow = self._shadow, None
        if shadow is not None:
            self._view.adopt(shadow)
            self._discard(shadow)
        self._model.growing = False

    def abandon(self) -> None:
        """The load ended early: the rows shown stay as they are."""
        shadow, self._shadow = self._shadow, None
        if shadow is not None:
            self._discard(shadow)
            log.debug("refresh abandoned; the list shown stays")
        self._model.growing = False

    def _follow_columns(self) -> None:
        if self._shadow is None:
            return
        shadow = self._shadow.sourceModel()
        if shadow.columns != self._model.columns:
            shadow.set_columns(self._model.columns)

    @staticmethod
    def _discard(shadow: DirectoryView) -> None:
        model = shadow.sourceModel()
        shadow.deleteLater()
        model.deleteLater()
