"""Run the core test suites with PySide6 made unimportable: the core must not need Qt.

The blocker is the plugin ``tests.qt_blocker``, loaded in this process and in each pytest-xdist
worker; the unit, database and CLI tests run (or only the test paths given) on two workers when
the machine has two cores or more, one otherwise (``-n 0`` on the command line runs them here).
A core module that reaches for Qt fails at import time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    # Workers find the plugin (and the tests package) through the same path.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    sys.path.insert(0, str(ROOT))
    # pytest-qt's plugin imports Qt, so it is off here; its ini keys are then unknown, hence
    # addopts without --strict-config and the warning filter for them.
    args = [
        "-p",
        "tests.qt_blocker",
        "-p",
        "no:pytest-qt",
        "-o",
        "addopts=--strict-markers -ra -p no:cacheprovider -q",
        "-W",
        "ignore::pytest.PytestConfigWarning",
    ]
    given = sys.argv[1:]
    if not any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in given):
        workers = min(2, os.cpu_count() or 1)
        args += ["-n", str(workers)] if workers > 1 else []
    # Paths given on the command line run alone; with none, the three core suites run.
    named = any(not arg.startswith("-") and arg.startswith("tests/") for arg in given)
    suites = [] if named else ["tests/unit", "tests/db", "tests/e2e"]
    sys.exit(pytest.main([*args, *suites, *given]))
