"""Run the core test suites with PySide6 made unimportable: the core must not need Qt.

Installs an import blocker for PySide6, shiboken6 and ui before pytest starts, then runs the
unit, database and CLI tests (or only the test paths given). A core module that reaches for
Qt fails here at import time.
"""

from __future__ import annotations

import importlib.abc
import sys

import pytest

BLOCKED = ("PySide6", "shiboken6", "ui")


class _BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname.split(".")[0] in BLOCKED:
            raise ImportError(f"{fullname} is blocked: the core must work without Qt")
        return None


if __name__ == "__main__":
    sys.meta_path.insert(0, _BlockQt())
    # pytest-qt's plugin imports Qt, so it is off here; its ini keys are then unknown, hence
    # addopts without --strict-config and the warning filter for them.
    args = [
        "-p",
        "no:pytest-qt",
        "-o",
        "addopts=--strict-markers -ra -p no:cacheprovider -q",
        "-W",
        "ignore::pytest.PytestConfigWarning",
    ]
    given = sys.argv[1:]
    # Paths given on the command line run alone; with none, the three core suites run.
    named = any(not arg.startswith("-") and arg.startswith("tests/") for arg in given)
    suites = [] if named else ["tests/unit", "tests/db", "tests/e2e"]
    sys.exit(pytest.main([*args, *suites, *given]))
