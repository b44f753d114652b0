"""PyInstaller runtime hook that replaces the stock ``pyi_rth_pyside6`` (dropped in the spec).

The stock hook imports ``PySide6.QtCore`` at start-up to register a ``qt.conf``, which costs
every CLI command (``girlscourt --version`` included) the Qt libraries' load time. PySide6 wheels
register their own relocatable ``qt.conf`` when ``QtCore`` is first imported, so only the cheap
part is kept here: tell Qt where the bundled plugins are (and, on Windows, where its DLLs are).
"""


def _set_qt_paths() -> None:
    import os
    import sys
    from pathlib import Path

    base = Path(sys._MEIPASS)  # type: ignore[attr-defined]
    if sys.platform.startswith("win"):
        qt_dir = base / "PySide6"
        os.environ["PATH"] = f"{base}{os.pathsep}{os.environ.get('PATH', '')}"
    else:
        qt_dir = base / "PySide6" / "Qt"
    os.environ["QT_PLUGIN_PATH"] = str(qt_dir / "plugins")


_set_qt_paths()
