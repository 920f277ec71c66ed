"""Help → About: versions and the licences of what the app ships."""

from __future__ import annotations

import platform
from importlib import metadata

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from zelt_desktop import __version__

_LICENCES = (
    ("Zelt Desktop", "MIT"),
    ("Qt and Qt for Python (PySide6)", "LGPL v3"),
    ("requests", "Apache 2.0"),
    ("urllib3", "MIT"),
    ("keyring", "MIT"),
    ("platformdirs", "MIT"),
    ("filelock", "MIT"),
    ("truststore", "MIT"),
)


def versions() -> dict[str, str]:
    """The versions worth naming in an About box or a support ticket."""
    found = {"Zelt Desktop": __version__, "Python": platform.python_version(),
             "Qt": qVersion(), "PySide6": PySide6.__version__,
             "OS": platform.platform()}
    for name in ("requests", "urllib3", "keyring"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "unknown"
    return found


def about_text() -> str:
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>"
                   for k, v in versions().items())
    licences = "".join(f"<li>{name}: {licence}</li>"
                       for name, licence in _LICENCES)
    return (f"<h3>Zelt Desktop {__version__}</h3>"
            "<p>Connect to the Zelt HR API and browse your people.</p>"
            f"<table>{rows}</table>"
            f"<p>Licences:</p><ul>{licences}</ul>"
            "<p>The full licence texts ship with the app in the "
            "<i>licences</i> folder. Qt is used under the LGPL v3; you may "
            "replace the Qt libraries in the app's folder.</p>")


def show_about(parent: QWidget) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle("About Zelt Desktop")
    box.setObjectName("aboutBox")
    box.setText(about_text())
    box.exec()
