"""The connection switcher: a combo of the saved profiles, by name."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from zelt_desktop.profiles import Profile


class ProfileSwitcher(QWidget):
    """Shows the profiles and which one the window uses.

    Signals:
        profile_chosen(str): the id of the profile the user picked.
    """

    profile_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(objectName="profileCombo")
        self.combo.setAccessibleName("Connection")
        self.combo.setToolTip("The Zelt connection the window uses")
        self.combo.setPlaceholderText("No connection saved yet")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(16)
        self.combo.activated.connect(self._on_combo_activated)
        label = QLabel("C&onnection:")
        label.setBuddy(self.combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo)

    def set_profiles(self, profiles: Sequence[Profile],
                     current_id: str | None) -> None:
        """List ``profiles`` and show ``current_id`` (none if unsaved)."""
        self.combo.blockSignals(True)
        try:
            self.combo.clear()
            for profile in profiles:
                self.combo.addItem(profile.name, profile.id)
            self.combo.setCurrentIndex(self.combo.findData(current_id)
                                       if current_id else -1)
        finally:
            self.combo.blockSignals(False)
        self.combo.setEnabled(bool(profiles))

    def names(self) -> list[str]:
        return [self.combo.itemText(i) for i in range(self.combo.count())]

    def current_id(self) -> str | None:
        return self.combo.currentData()

    def _on_combo_activated(self, index: int) -> None:
        profile_id = self.combo.itemData(index)
        if profile_id:
            self.profile_chosen.emit(profile_id)
