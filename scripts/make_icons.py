"""Render resources/icons/zelt-desktop.svg to the PNG, ICO and ICNS files.

Run from the checkout after changing the SVG, and commit the results:
``.venv/bin/python scripts/make_icons.py``.  Uses Qt only, so it works on
every platform the app builds on.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "zelt-desktop.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types that hold a PNG, by pixel size (Apple's icns format).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64),
              (b"ic07", 128), (b"ic08", 256), (b"ic09", 512))


def render(renderer: QSvgRenderer, size: int) -> bytes:
    """The icon drawn at ``size`` pixels square, as PNG bytes."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG-compressed images (Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        edge = 0 if size >= 256 else size  # 0 means 256 in ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32,
                               len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def icns(pngs: dict[bytes, bytes]) -> bytes:
    """A macOS .icns made of PNG entries."""
    body = b"".join(kind + struct.pack(">I", len(png) + 8) + png
                    for kind, png in pngs.items())
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    for size in PNG_SIZES:
        path = ICONS / f"zelt-desktop-{size}.png"
        path.write_bytes(render(renderer, size))
    (ICONS / "zelt-desktop.png").write_bytes(render(renderer, 256))
    (ICONS / "zelt-desktop.ico").write_bytes(
        ico({size: render(renderer, size) for size in ICO_SIZES}))
    (ICONS / "zelt-desktop.icns").write_bytes(
        icns({kind: render(renderer, size) for kind, size in ICNS_TYPES}))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
