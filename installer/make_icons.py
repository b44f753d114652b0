"""Render the app icon's PNG sizes and the Windows .ico from resources/icons/girlscourt.svg.

    python installer/make_icons.py            write resources/icons/girlscourt-<N>.png and .ico
    python installer/make_icons.py --check    fail if the committed PNGs no longer match the SVG

Qt (QSvgRenderer) draws each size from the vector source, so small sizes are rendered, not
shrunk from the 512 px image. Pillow writes the multi-size .ico from those renderings; it is a
build-time tool (installer/requirements-build.txt), never a runtime dependency.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "girlscourt.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest size an .ico holds
# --check tolerance: one channel may differ this much (0-255) between Qt versions' antialiasing.
MAX_CHANNEL_DIFFERENCE = 48
MAX_DIFFERING_PIXELS = 0.02  # share of pixels allowed past that tolerance


def png_path(size: int, folder: Path = ICONS) -> Path:
    """Where the PNG of one size lives."""
    return folder / f"girlscourt-{size}.png"


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _app():  # type: ignore[no-untyped-def]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(sys.argv[:1])


def render(size: int):  # type: ignore[no-untyped-def]
    """The SVG drawn at ``size`` x ``size`` pixels on a transparent background."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SOURCE} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def _to_pillow(image):  # type: ignore[no-untyped-def]
    from PIL import Image
    from PySide6.QtGui import QImage

    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())[: rgba.sizeInBytes()]
    return Image.frombuffer("RGBA", (rgba.width(), rgba.height()), data, "raw", "RGBA", 0, 1)


def _differing_pixels(a, b) -> int:  # type: ignore[no-untyped-def]
    """How many pixels differ by more than the tolerance in any channel."""
    from PIL import ImageChops

    channels = ImageChops.difference(a, b).split()
    worst = channels[0]
    for channel in channels[1:]:
        worst = ImageChops.lighter(worst, channel)
    return sum(worst.histogram()[MAX_CHANNEL_DIFFERENCE + 1 :])


def write(folder: Path) -> list[Path]:
    """Write every PNG size and the .ico into ``folder``; returns the files written."""
    _app()
    folder.mkdir(parents=True, exist_ok=True)
    images = {size: render(size) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    written: list[Path] = []
    for size in PNG_SIZES:
        path = png_path(size, folder)
        pil = _to_pillow(images[size])
        pil.save(path, format="PNG", optimize=True)
        written.append(path)
    ico = folder / "girlscourt.ico"
    frames = [_to_pillow(images[size]) for size in ICO_SIZES]
    largest = frames[-1]
    # Each size is its own rendering (append_images), not Pillow's downscale of the largest.
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=frames[:-1])
    written.append(ico)
    return written


def check(folder: Path) -> list[str]:
    """Problems with the committed icons: missing files or PNGs that no longer match the SVG."""
    from PySide6.QtGui import QImage

    _app()
    problems: list[str] = []
    for size in PNG_SIZES:
        path = png_path(size, folder)
        committed = QImage(str(path))
        if committed.isNull():
            problems.append(f"{path}: missing or unreadable")
            continue
        if committed.width() != size or committed.height() != size:
            problems.append(f"{path}: is {committed.width()}x{committed.height()}, not {size}")
            continue
        differing = _differing_pixels(_to_pillow(render(size)), _to_pillow(committed))
        if differing > MAX_DIFFERING_PIXELS * size * size:
            problems.append(f"{path}: {differing} pixels differ from the SVG; run make_icons.py")
    if not (folder / "girlscourt.ico").is_file():
        problems.append(f"{folder / 'girlscourt.ico'}: missing")
    return problems


def main() -> int:
    """Write or check the icon set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--out", type=Path, default=ICONS, help="folder (default: %(default)s)")
    args = parser.parse_args()
    if args.check:
        problems = check(args.out)
        for problem in problems:
            _say(f"make_icons: {problem}")
        if not problems:
            _say(f"make_icons: {len(PNG_SIZES)} PNG sizes match {SOURCE.name}")
        return 1 if problems else 0
    written = write(args.out)
    total = sum(p.stat().st_size for p in written)
    _say(f"make_icons: wrote {len(written)} files, {total / 1024:.0f} KiB, into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
