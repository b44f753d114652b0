"""The built wheel, installed apart from the checkout, finds its migrations and resources."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_runs_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    target = tmp_path / "installed"
    wheel = next(wheels.glob("girlscourt-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), *site.getsitepackages()]),
        "GIRLSCOURT_DATA_DIR": str(tmp_path / "data"),
        "GIRLSCOURT_PASSWORD": "wheel test pass phrase",
    }
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "girlscourt", *args],
            input=stdin,
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
        )

    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import girlscourt, girlscourt.resources as r; "
            "print(girlscourt.__file__); print(r.resources_dir())",
        ],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert all(line.startswith(str(target)) for line in where), where
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    assert run("--database", db, "db", "upgrade").returncode == 0
    assert (
        run(
            "--database",
            db,
            "user",
            "add",
            "admin",
            "--role",
            "administrator",
            "--password-stdin",
            stdin="wheel test pass phrase\n",
        ).returncode
        == 0
    )
    youth = {"legal_first_name": "Zoë", "legal_last_name": "O’Brien", "dob": "2011-03-04"}
    added = run(
        "--database", db, "--user", "admin", "youth", "add", "--json", "-", stdin=json.dumps(youth)
    )
    assert added.returncode == 0, added.stderr
    shown = run(
        "--database", db, "--user", "admin", "youth", "show", added.stdout.strip(), "--json"
    )
    assert json.loads(shown.stdout)["legal_last_name"] == "O’Brien"
