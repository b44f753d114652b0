"""Checks on a built bundle that installer/smoke_test.sh runs with the build venv's Python.

python installer/check_bundle.py notices BUNDLE_DIR
    every distribution frozen into the bundle, and every component girlscourt.about lists,
    is named in installer/THIRD_PARTY_NOTICES.md; the bundle carries the licence texts
python installer/check_bundle.py unused-qt BUNDLE_DIR
    the bundle carries none of the Qt add-ons the app does not use (WebEngine, QML, ...)
python installer/check_bundle.py ui-mentions EXECUTABLE TEXT
    exit 0 when a ui.* module frozen into EXECUTABLE has TEXT among its constants (used to
    see whether ui/app.py honours GIRLSCOURT_SMOKE_EXIT_AFTER_MS), 1 when none has
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTICES = HERE / "THIRD_PARTY_NOTICES.md"
LICENSES = Path("_internal") / "girlscourt" / "_resources" / "licenses"
REQUIRED_TEXTS = ("THIRD_PARTY_NOTICES.md", "GPL-3.0.txt", "LGPL-3.0.txt", "Python-LICENSE.txt")
# Files of Qt add-ons the app must not ship (installer/girlscourt.spec leaves them out).
UNUSED_QT = re.compile(
    r"Qt6?(WebEngine|WebView|Quick|Qml|3D|Multimedia|SpatialAudio|Designer|Bluetooth|"
    r"Positioning|Location|Sensors|VirtualKeyboard|Graphs|DataVisualization|Lottie)"
    r"|/qml/|qtwebengine",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    return re.sub(r"[-_.\s]+", "-", text.lower())


def check_notices(bundle: Path) -> list[str]:
    """Distributions or About components missing from the notices, and missing licence files."""
    sys.path.insert(0, str(ROOT))
    from girlscourt.about import THIRD_PARTY

    problems: list[str] = []
    notices = _normal(NOTICES.read_text(encoding="utf-8"))
    folder = bundle / LICENSES
    for name in REQUIRED_TEXTS:
        if not (folder / name).is_file():
            problems.append(f"{LICENSES / name}: missing from the bundle")
    listing = folder / "bundled-distributions.txt"
    if not listing.is_file():
        return [*problems, f"{LICENSES / listing.name}: missing from the bundle"]
    for line in listing.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name = line.split("\t")[0]
            if _normal(name) not in notices:
                problems.append(f"distribution {name} is in the bundle but not in {NOTICES.name}")
    for component in THIRD_PARTY:
        for part in component.name.split(" / "):
            if _normal(part.split(" (")[0]) not in notices:
                problems.append(f"girlscourt.about lists {part!r}; {NOTICES.name} does not")
    return problems


def check_unused_qt(bundle: Path) -> list[str]:
    """Files of unused Qt add-ons found in the bundle."""
    return [
        f"unused Qt file in the bundle: {path.relative_to(bundle)}"
        for path in sorted(bundle.rglob("*"))
        if path.is_file() and UNUSED_QT.search("/" + path.relative_to(bundle).as_posix())
    ]


def _constants(code: CodeType) -> Iterator[str]:
    for constant in code.co_consts:
        if isinstance(constant, str):
            yield constant
        elif isinstance(constant, CodeType):
            yield from _constants(constant)


def ui_mentions(executable: Path, text: str) -> bool:
    """True when a ``ui`` module frozen into ``executable`` has ``text`` among its constants."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(executable)).open_embedded_archive("PYZ.pyz")
    for name in archive.toc:
        if name == "ui" or name.startswith("ui."):
            code = archive.extract(name)
            if isinstance(code, CodeType) and any(text in c for c in _constants(code)):
                return True
    return False


def main(argv: list[str]) -> int:
    """Run one check; problems go to stdout, one a line."""
    if len(argv) == 2 and argv[0] in {"notices", "unused-qt"}:
        bundle = Path(argv[1])
        problems = check_notices(bundle) if argv[0] == "notices" else check_unused_qt(bundle)
        sys.stdout.writelines(f"{p}\n" for p in problems)
        return 1 if problems else 0
    if len(argv) == 3 and argv[0] == "ui-mentions":
        return 0 if ui_mentions(Path(argv[1]), argv[2]) else 1
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
