"""F8: a corrupt or hostile settings file (RELIABILITY.md (b)).

For each case the app starts on the safe defaults and says so (the CLI in one warning line on
stderr, the desktop app at sign-in), the broken file is renamed ``*.corrupt-<timestamp>`` and
never deleted, and no security setting is weakened: the idle lock stays at 30 minutes or less,
the lockout at 5 failures in 15 minutes, a remote server's TLS at ``verify-full``. A missing file
is simply the defaults, with no warning.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from girlscourt.config import CORRUPT_SUFFIX, config_file, defaults, load_settings
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, session_security
from tests.faults.fault_table import FaultTable

FAULT = "F8 hostile config files"
REPO = Path(__file__).resolve().parents[2]
GOOD = (
    "idle_lock_minutes = 10\n"
    'issuing_agency = "Example County Probation - Juvenile Intake"\n'
    "youth_max_age = 21\n"
)

Writer = Callable[[Path], object]


def _bytes(data: bytes) -> Writer:
    return lambda path: path.write_bytes(data)


def _symlink_loop(path: Path) -> None:
    other = path.with_name("other.toml")
    other.unlink(missing_ok=True)
    other.symlink_to(path)
    path.symlink_to(other)


def _directory(path: Path) -> None:
    path.mkdir()
    (path / "inside.toml").write_text("idle_lock_minutes = 30\n")


HOSTILE: dict[str, Writer] = {
    "zero-byte file": _bytes(b""),
    "truncated file": _bytes(GOOD.encode()[: GOOD.index("Probation")]),
    "invalid UTF-8": _bytes(b'issuing_agency = "Probaci\xf3n del Condado"\n'),
    "wrong type": _bytes(b'idle_lock_minutes = "abc"\n'),
    "unknown key sslmode": _bytes(b'sslmode = "disable"\n'),
    "lockout as a key": _bytes(b"lockout_attempts = 1000\n"),
    "idle lock beyond 30 min": _bytes(b"idle_lock_minutes = 600\n"),
    "ages -50 to 200": _bytes(b"youth_min_age = -50\nyouth_max_age = 200\n"),
    "TLS off for a remote server": _bytes(
        b'database_url = "postgresql://girlscourt@db.example.org/gc?sslmode=disable"\n'
    ),
    "password in the file": _bytes(
        b'database_url = "postgresql://girlscourt:Zzqx-secret@db.example.org/gc"\n'
    ),
    "symlink loop": _symlink_loop,
    "directory": _directory,
    "dangling symlink": lambda path: path.symlink_to(path.with_name("gone.toml")),
    "FIFO": lambda path: os.mkfifo(path),
}


def snapshot(path: Path) -> tuple[str, object]:
    """What the broken entry is, to compare with what was set aside."""
    if path.is_symlink():
        return ("link", str(path.readlink()))
    if path.is_dir():
        return ("dir", sorted(p.name for p in path.iterdir()))
    if path.is_fifo():
        return ("fifo", None)
    return ("file", path.read_bytes())


def set_aside_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}{CORRUPT_SUFFIX}*"))


def assert_safe(settings_values: dict[str, object]) -> None:
    """No security setting weakened, every bound held."""
    settings = defaults().with_overrides(**settings_values)
    assert session_security.idle_limit(settings) <= dt.timedelta(minutes=30)
    assert accounts.LOCKOUT_ATTEMPTS == 5
    assert dt.timedelta(minutes=15) == accounts.LOCKOUT_WINDOW
    assert "sslmode" not in str(settings["database_url"])
    assert ":" not in str(settings["database_url"]).partition("@")[0].partition("//")[2]
    low, high = settings.youth_age_limits
    assert 0 <= low < high <= 25


def cli(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "girlscourt", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        cwd=REPO,
        **kwargs,
    )


@pytest.fixture
def sqlite_db(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    path = tmp_path / "f8.sqlite3"
    shutil.copy(migrated_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.mark.parametrize("case", list(HOSTILE))
def test_the_cli_runs_on_defaults_warns_once_and_sets_the_file_aside(
    case: str, sqlite_db: str, tmp_path: Path, fault_table: FaultTable
) -> None:
    path = tmp_path / "conf" / "girlscourt.toml"
    path.parent.mkdir()
    HOSTILE[case](path)
    before = snapshot(path)

    done = cli(["--database", sqlite_db, "db", "status"], {"GIRLSCOURT_CONFIG": str(path)})

    assert done.returncode == 0, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"girlscourt: warning: settings file {path}: ")
    assert line.endswith("; the safe defaults are in use") and "moved aside as" in line
    assert "Zzqx-secret" not in line  # the file's secret is never echoed
    (copy,) = set_aside_copies(path)
    assert copy.name in line and not os.path.lexists(path)
    assert snapshot(copy) == before  # renamed, never deleted or changed

    HOSTILE[case](path)  # the same file again, loaded here: nothing of it is applied
    loaded = load_settings(path)
    assert loaded.values == defaults().values and len(loaded.warnings) == 1
    assert_safe(loaded.values)
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend="sqlite")


def test_a_missing_file_is_the_defaults_with_no_warning(
    sqlite_db: str, tmp_path: Path, fault_table: FaultTable
) -> None:
    path = tmp_path / "conf" / "girlscourt.toml"
    path.parent.mkdir()
    done = cli(["--database", sqlite_db, "db", "status"], {"GIRLSCOURT_CONFIG": str(path)})
    assert done.returncode == 0 and done.stderr == ""
    assert list(path.parent.iterdir()) == []
    assert load_settings(path).values == defaults().values
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend="sqlite")


def test_every_truncation_of_a_good_file_is_safe(tmp_path: Path, fault_table: FaultTable) -> None:
    """Cut off at every byte: either a valid (bounded) subset or set aside with a warning."""
    data = GOOD.encode()
    path = tmp_path / "girlscourt.toml"
    rounds = survived = 0
    for cut in range(len(data) + 1):
        path.write_bytes(data[:cut])
        loaded = load_settings(path)
        rounds += 1
        assert_safe(loaded.values)
        if loaded.warnings:
            assert not path.exists() and set_aside_copies(path)[-1].read_bytes() == data[:cut]
            assert loaded.values == defaults().values
        else:
            assert path.read_bytes() == data[:cut]  # a good (shorter) file stays
        survived += 1
        for leftover in tmp_path.iterdir():
            leftover.unlink()
    assert rounds == len(data) + 1
    fault_table.record(FAULT, rounds=rounds, survived=survived, lost=0, partial=0, backend="sqlite")


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can write in (pytest's own tmp folder is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="gc-f8-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _others_can_run_the_app() -> bool:
    """Whether another user can reach this checkout and its Python (a clone under /root cannot)."""
    for target in (REPO / "girlscourt" / "config.py", Path(sys.executable).resolve()):
        for folder in target.parents:
            if not folder.stat().st_mode & stat.S_IXOTH:
                return False
        if not target.stat().st_mode & stat.S_IROTH:
            return False
    return True


def _read_as_another_user(path: Path, shared_dir: Path) -> tuple[str, dict[str, object]]:
    probe = (
        "import json; from girlscourt.cli.context import cli_settings; "
        "print(json.dumps(cli_settings().values))"
    )
    env = {**os.environ, "GIRLSCOURT_CONFIG": str(path), "GIRLSCOURT_DATA_DIR": str(shared_dir)}
    env["HOME"] = str(shared_dir)
    kwargs: dict[str, object] = {}
    if os.geteuid() == 0:
        kwargs = {"user": 65534, "group": 65534, "extra_groups": []}
    done = subprocess.run(  # type: ignore[call-overload]
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=REPO,
        **kwargs,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr, json.loads(done.stdout)


def _read_with_eacces(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[str, dict[str, object]]:
    """The same refusal the kernel gives a user without read permission, raised in-process."""
    from girlscourt.cli.context import cli_settings

    real_open = os.open

    def denied(name: object, flags: int, *args: object) -> int:
        if Path(str(name)) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setenv("GIRLSCOURT_CONFIG", str(path))
    monkeypatch.setattr(os, "open", denied)
    values = cli_settings().values
    monkeypatch.setattr(os, "open", real_open)
    return capsys.readouterr().err, values


def test_an_unreadable_file_is_reported_and_set_aside(
    shared_dir: Path,
    fault_table: FaultTable,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """chmod 000. Root reads through that, so as root the app runs as another user (nobody);
    where no other user can reach the checkout, the kernel's EACCES is raised in-process."""
    path = shared_dir / "girlscourt.toml"
    path.write_text("idle_lock_minutes = 5\n")
    path.chmod(0o000)
    if os.geteuid() != 0 or _others_can_run_the_app():
        stderr, values = _read_as_another_user(path, shared_dir)
    else:
        stderr, values = _read_with_eacces(path, monkeypatch, capsys)
    (line,) = stderr.splitlines()
    assert "cannot be opened (Permission denied)" in line and "moved aside as" in line
    assert values == defaults().values
    assert_safe(values)
    (copy,) = set_aside_copies(path)
    assert not path.exists()
    copy.chmod(0o600)
    assert copy.read_text() == "idle_lock_minutes = 5\n"  # kept for the administrator
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend="sqlite")


def test_hostile_ages_do_not_let_a_196_year_old_register(
    core: Core, officer: Actor, fault_table: FaultTable
) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("youth_min_age = -50\nyouth_max_age = 200\n")
    core.settings = load_settings()
    assert core.settings.youth_age_limits == (8, 25) and core.settings.warnings
    today = core.today()
    with pytest.raises(ValidationError) as caught:
        youths.register_youth(
            core,
            officer,
            YouthInput(
                legal_first_name="Test",
                legal_last_name="Elder",
                dob=today.replace(year=today.year - 196, day=1),
            ),
        )
    assert caught.value.field == "dob"
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend=core.db.dialect)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_desktop_app_shows_the_warning_at_sign_in(
    qtbot: QtBot, db_url: str, admin: Actor, fault_table: FaultTable
) -> None:
    from tests.ui.conftest import drain_workers
    from ui.app import AppController

    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe idle_lock_minutes = 600\n")
    controller = AppController(db_url)
    controller.start()
    login = controller.login
    assert login is not None
    try:
        qtbot.waitUntil(lambda: controller.core is not None, timeout=10_000)
        assert "not UTF-8 text" in login.status.text()
        assert "the safe defaults are in use" in login.status.text()
        assert controller.core is not None
        assert controller.core.settings["idle_lock_minutes"] == 15
        assert set_aside_copies(path)
    finally:
        login.close()
        drain_workers()
        if controller.core is not None:
            controller.core.db.dispose()
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend="sqlite")


def test_a_first_run_on_defaults_says_why_before_an_administrator_is_made(
    qtbot: QtBot, private_data_dir: Path, fault_table: FaultTable
) -> None:
    """The shared server's URL was in the broken file: the new local database must not look
    like the county's, so the first-administrator dialog says the settings were set aside."""
    from tests.ui.conftest import drain_workers
    from ui.app import AppController

    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'database_url = "postgresql://girlscourt@db.example.org/gc"\nidle = 1\n')
    controller = AppController(None)
    controller.start()
    try:
        qtbot.waitUntil(lambda: controller.first_admin is not None, timeout=10_000)
        dialog = controller.first_admin
        assert dialog is not None
        assert "idle: not a known setting" in dialog.message.text()
        assert "the safe defaults are in use" in dialog.message.text()
    finally:
        for window in (controller.login, controller.first_admin):
            if window is not None:
                window.close()
        drain_workers()
        if controller.core is not None:
            controller.core.db.dispose()
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend="sqlite")
