"""A pytest plugin that makes PySide6, shiboken6 and ui unimportable: the core must not need Qt.

``tests/run_without_qt.py`` loads it with ``-p tests.qt_blocker``, so it is in force in the
main process and in every pytest-xdist worker alike (each worker loads the same plugins before
it imports a test module). A core module that reaches for Qt then fails at import time.
"""

from __future__ import annotations

import importlib.abc
import sys

BLOCKED = ("PySide6", "shiboken6", "ui")


class BlockQt(importlib.abc.MetaPathFinder):
    """Refuses every module under the blocked packages."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname.split(".")[0] in BLOCKED:
            raise ImportError(f"{fullname} is blocked: the core must work without Qt")
        return None


def install() -> None:
    """Put the blocker first on the import path, once, and forget anything imported already."""
    if not any(isinstance(finder, BlockQt) for finder in sys.meta_path):
        sys.meta_path.insert(0, BlockQt())
    for name in [n for n in sys.modules if n.split(".")[0] in BLOCKED]:
        del sys.modules[name]


install()
