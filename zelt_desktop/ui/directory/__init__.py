"""The employee directory: table model, view model and panel."""

from zelt_desktop.ui.directory.filter import DirectoryView
from zelt_desktop.ui.directory.model import DirectoryModel, EmployeeRole
from zelt_desktop.ui.directory.view import DirectoryPanel

__all__ = ["DirectoryModel", "DirectoryPanel", "DirectoryView",
           "EmployeeRole"]
