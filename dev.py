#!/usr/bin/env python3
"""Set up and run Girls Court from a fresh clone with nothing but Python 3.11+.

    python3 dev.py app     open the desktop app on the local (embedded) database
    python3 dev.py test    run every check: lint, types, layer contracts, the whole test suite
    python3 dev.py slow    the slow scale and packaging tests (CI runs them too)
    python3 dev.py faults  the fault-injection suite (tests/faults) and its table of figures

Either command creates ``.venv`` and installs the project into it on first use, and again
whenever ``pyproject.toml`` changes. Any further arguments go to the app or to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".girlscourt-installed"


def _say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def ensure_environment() -> None:
    """Create the virtual environment and install the project when needed."""
    if sys.version_info < (3, 11):
        sys.exit("Girls Court needs Python 3.11 or newer.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        _say(f"creating {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    _say("installing Girls Court and its test tools (first run only)")
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"], check=True, cwd=ROOT
    )
    STAMP.write_text(wanted)


def run_app(args: list[str]) -> int:
    """Open the desktop app."""
    return subprocess.call([str(BIN / "girlscourt"), *args], cwd=ROOT)


def _workers(args: list[str]) -> list[str]:
    """Two pytest-xdist workers on a machine with two cores or more, unless ``-n`` was given."""
    if any(arg.startswith(("-n", "--numprocesses")) for arg in args) or (os.cpu_count() or 1) < 2:
        return []
    return ["-n", "2"]


def run_tests(args: list[str]) -> int:
    """Every check, in order of speed; stops at the first that fails."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    steps: list[tuple[str, list[str]]] = [
        ("ruff lint", [str(PYTHON), "-m", "ruff", "check", "."]),
        ("ruff format", [str(PYTHON), "-m", "ruff", "format", "--check", "."]),
        ("mypy (strict, girlscourt/)", [str(PYTHON), "-m", "mypy"]),
        ("layer contracts", [str(BIN / "lint-imports")]),
        (
            "core tests, with Qt unimportable",
            [str(PYTHON), "tests/run_without_qt.py", "-m", "not slow", *args],
        ),
        (
            "desktop tests (pytest-qt, offscreen)",
            [str(PYTHON), "-m", "pytest", "tests/ui", "-m", "not slow", *_workers(args), *args],
        ),
    ]
    for name, command in steps:
        _say(name)
        code = subprocess.call(command, cwd=ROOT, env=env)
        if code != 0:
            _say(f"{name} failed (exit {code})")
            return code
    return 0


def run_slow(args: list[str]) -> int:
    """Only the tests marked slow (scale, faults, the built wheel), on every backend."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    _say("slow tests")
    command = [str(PYTHON), "-m", "pytest", "-m", "slow and not fault", *args]
    return subprocess.call(command, cwd=ROOT, env=env)


def run_faults(args: list[str]) -> int:
    """The fault suite (RELIABILITY.md (b)); prints its figures and saves them to build/."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        GIRLSCOURT_FAULT_TABLE=str(ROOT / "build" / "fault-table.md"),
    )
    _say("fault-injection tests")
    command = [str(PYTHON), "-m", "pytest", "tests/faults", "-m", "fault", *args]
    return subprocess.call(command, cwd=ROOT, env=env)


def main() -> int:
    """Dispatch ``app``, ``test``, ``slow`` or ``faults``."""
    commands = {"app": run_app, "test": run_tests, "slow": run_slow, "faults": run_faults}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    ensure_environment()
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
