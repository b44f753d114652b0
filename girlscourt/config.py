"""Where the app keeps its files and which settings exist, declared once as data.

Settings come from, in order: the command line, ``GIRLSCOURT_*`` environment variables, the
config file (``girlscourt.toml`` in the user config directory) and the defaults below.

Every setting is bounded, and the file can never weaken security: the idle lock stays at 30
minutes or less, a remote PostgreSQL server is always reached with ``sslmode=verify-full`` and
no password is ever read from the file; the lockout (5 failures) is not a setting at all. A
file that breaks any rule (unreadable, not UTF-8, not TOML, an unknown key, a wrong type, a
value out of bounds) is not half-applied: it is moved aside as ``*.corrupt-<timestamp>`` (never
deleted), the app runs on the defaults and ``Settings.warnings`` says why, so a typo never
silently falls back to a default; the warning stays, on every start, until a settings file is
back in its place. A missing file with no set-aside copy beside it is simply the defaults.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from girlscourt import APP_NAME
from girlscourt.db.pg_network import NETWORK_SETTINGS
from girlscourt.errors import ConfigurationError
from girlscourt.paths import ENV_DATA_DIR as ENV_DATA_DIR
from girlscourt.paths import data_dir as data_dir

ENV_CONFIG_FILE = "GIRLSCOURT_CONFIG"
ENV_DATABASE_URL = "GIRLSCOURT_DATABASE_URL"
MAX_CONFIG_BYTES = 64 * 1024  # a settings file is a few lines; anything bigger is not ours
CORRUPT_SUFFIX = ".corrupt-"


@dataclass(frozen=True)
class SettingSpec:
    """One declared setting: its key, type, default, label and bounds.

    A number lies in ``minimum..maximum`` (both inclusive, both required for an int); a text
    is at most ``max_length`` characters with no control characters.
    """

    key: str
    type: type
    default: Any
    label: str
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "database_url", str, "", "Database URL (empty: the local SQLite file)", max_length=2000
    ),
    SettingSpec("county_timezone", str, "America/Los_Angeles", "County time zone", max_length=64),
    SettingSpec(
        "youth_min_age",
        int,
        8,
        "Youngest age accepted in the youth registry",
        minimum=0,
        maximum=17,
    ),
    SettingSpec(
        "youth_max_age",
        int,
        25,
        "Oldest age accepted in the youth registry (WIC 607)",
        minimum=18,
        maximum=25,
    ),
    SettingSpec(
        "idle_lock_minutes",
        int,
        15,
        "Lock the screen after this many idle minutes (CJIS AC-11: at most 30)",
        minimum=1,
        maximum=30,
    ),
    SettingSpec(
        "backup_keep_days",
        int,
        14,
        "Daily backups of the local database kept in the data folder",
        minimum=1,
        maximum=365,
    ),
    SettingSpec(
        "workstation", str, "", "Name of this workstation in the audit trail", max_length=64
    ),
    SettingSpec(
        "issuing_agency",
        str,
        "County Probation Department – Juvenile Justice Center, Intake Unit",
        "Agency named at the top of every printed referral form",
    ),
    *(  # PostgreSQL dead-network limits, declared beside the code that applies them
        SettingSpec(key, int, default, label, minimum=low, maximum=high)
        for key, default, low, high, label in NETWORK_SETTINGS
    ),
)
_SPECS = {s.key: s for s in SETTINGS}
_UNBOUNDED = [s.key for s in SETTINGS if s.type is int and None in (s.minimum, s.maximum)]
if _UNBOUNDED:  # a declaration mistake: fail on import, never when a county's file is read
    raise TypeError(f"settings declared without bounds: {', '.join(_UNBOUNDED)}")


def config_file() -> Path:
    """The TOML config file; by default beside the data, so one override moves both."""
    override = os.environ.get(ENV_CONFIG_FILE)
    if override:
        return Path(override)
    if os.environ.get(ENV_DATA_DIR):
        return data_dir() / "girlscourt.toml"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "girlscourt.toml"


def default_sqlite_path() -> Path:
    """The embedded database used when no URL is configured."""
    return data_dir() / "girlscourt.sqlite3"


@dataclass(frozen=True)
class Settings:
    """Resolved settings: every declared key has a value of its declared type, within bounds.

    ``warnings`` holds one sentence per problem with the settings file (shown to the user).
    """

    values: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def timezone(self) -> ZoneInfo:
        """The county's time zone, used to show and to count days."""
        name = str(self.values["county_timezone"])
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigurationError(f"county_timezone: unknown time zone {name!r}") from exc

    @property
    def youth_age_limits(self) -> tuple[int, int]:
        """(youngest, oldest) age accepted for a youth's date of birth."""
        return int(self.values["youth_min_age"]), int(self.values["youth_max_age"])

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some keys changed (tests, command-line flags)."""
        merged = dict(self.values)
        for key, value in changes.items():
            _check(key, value, "override")
            merged[key] = value
        _check_together(merged, "override")
        return replace(self, values=merged)


def _shown(text: object) -> str:
    """A key or value as it may appear in a one-line message: short, no control characters."""
    shown = text if isinstance(text, str) else repr(text)
    shown = "".join(c if unicodedata.category(c)[0] != "C" else "?" for c in shown)
    return shown if len(shown) <= 60 else shown[:60] + "…"


def _check(key: str, value: Any, source: str) -> None:
    spec = _SPECS.get(key)
    if spec is None:
        raise ConfigurationError(f"{source}: {_shown(key)}: not a known setting")
    if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
        raise ConfigurationError(f"{source}: {key}: must be of type {spec.type.__name__}")
    low, high = spec.minimum, spec.maximum
    if isinstance(value, int) and low is not None and high is not None and not low <= value <= high:
        shown = f", not {value}" if abs(value) < 10**9 else ""
        raise ConfigurationError(f"{source}: {key}: must be between {low} and {high}{shown}")
    if isinstance(value, str):
        if len(value) > spec.max_length:
            raise ConfigurationError(
                f"{source}: {key}: must be at most {spec.max_length} characters"
            )
        if any(unicodedata.category(c)[0] == "C" for c in value):
            raise ConfigurationError(f"{source}: {key}: must not contain control characters")
    special = _SPECIAL_CHECKS.get(key)
    problem = special(value) if special is not None else None
    if problem:
        raise ConfigurationError(f"{source}: {key}: {problem}")


def _timezone_problem(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        return f"unknown time zone {_shown(name)!r}"
    return None


def _database_url_problem(text: str) -> str | None:
    """A password in the file, or TLS weakened for a remote server, is refused."""
    if not text.strip():
        return None
    from sqlalchemy.engine import make_url  # only when a URL is configured
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text.strip())
    except (ArgumentError, ValueError, TypeError):
        return "is not a database URL (expected sqlite:///PATH or postgresql://USER@HOST/DBNAME)"
    if url.password:
        return "must not hold a password (save it in the OS keyring: girlscourt db set-password)"
    if url.get_backend_name() not in {"postgresql", "postgres"}:
        return None
    return _tls_problem(url.host, url.query)


def _tls_problem(host: str | None, query: Any) -> str | None:
    """Only ``verify-full`` (the engine's default) for a server off this machine."""
    from girlscourt.db.engine import tls_problem

    return tls_problem(host, query)


_SPECIAL_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "county_timezone": _timezone_problem,
    "database_url": _database_url_problem,
}


def _check_together(values: dict[str, Any], source: str) -> None:
    """Rules between keys: the youngest age accepted lies below the oldest."""
    if values["youth_min_age"] >= values["youth_max_age"]:
        raise ConfigurationError(
            f"{source}: youth_min_age must be below youth_max_age "
            f"({values['youth_min_age']} is not below {values['youth_max_age']})"
        )


def defaults() -> Settings:
    """Every setting at its declared default."""
    return Settings({s.key: s.default for s in SETTINGS})


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes (at most one more than allowed); None when there is no file."""
    where = str(path)
    try:
        # O_NONBLOCK: a FIFO put in the file's place must not hang the start-up.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        if path.is_symlink():
            raise ConfigurationError(f"{where}: is a link to a file that does not exist") from None
        return None
    except OSError as exc:
        raise ConfigurationError(f"{where}: cannot be opened ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ConfigurationError(f"{where}: is a folder, not a settings file")
        if not stat.S_ISREG(info.st_mode):
            raise ConfigurationError(f"{where}: is not a regular file")
        data = os.read(fd, MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigurationError(f"{where}: cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    return data


def read_settings_file(path: Path) -> dict[str, Any] | None:
    """The checked settings in ``path``; None when there is no file; ConfigurationError (naming
    the file, and the key where there is one) for anything else."""
    where = str(path)
    data = _read_bytes(path)
    if data is None:
        return None
    if not data:
        raise ConfigurationError(f"{where}: is empty (0 bytes), perhaps cut off while saved")
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigurationError(f"{where}: is larger than {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigurationError(f"{where}: is not UTF-8 text (byte {exc.start})") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{where}: is not valid TOML ({_shown(str(exc))})") from exc
    except (RecursionError, ValueError, MemoryError) as exc:
        raise ConfigurationError(f"{where}: is not valid TOML (nested too deeply)") from exc
    for key, value in raw.items():
        _check(key, value, where)
    _check_together({**defaults().values, **raw}, where)
    return raw


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def set_aside(path: Path, now: Callable[[], dt.datetime] = _utcnow) -> Path:
    """Rename a broken settings file (or link, or folder) to ``NAME.corrupt-<timestamp>``.

    Never deletes and never overwrites: a second one in the same second gets ``-2``.
    """
    stamp = now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}{CORRUPT_SUFFIX}{stamp}")
    number = 1
    while os.path.lexists(target):
        number += 1
        target = path.with_name(f"{path.name}{CORRUPT_SUFFIX}{stamp}-{number}")
    path.rename(target)  # renames a link itself, never what it points to
    return target


def _set_aside_copies(path: Path) -> list[Path]:
    """Copies of a broken settings file set aside earlier, oldest first."""
    try:
        return sorted(path.parent.glob(f"{path.name}{CORRUPT_SUFFIX}*"))
    except OSError:
        return []


def load_settings(
    path: Path | None = None, *, now: Callable[[], dt.datetime] = _utcnow
) -> Settings:
    """Defaults, overlaid with the config file and the environment.

    A broken file never stops the app and never weakens it: it is set aside, the defaults are
    used, and the settings returned carry a warning for the user.
    """
    values = {s.key: s.default for s in SETTINGS}
    warnings: list[str] = []
    path = path or config_file()
    try:
        raw = read_settings_file(path)
    except ConfigurationError as problem:
        raw = None
        try:
            moved = f"it was moved aside as {set_aside(path, now).name}"
        except OSError as exc:
            moved = f"it could not be moved aside ({exc.strerror or exc})"
        warnings.append(f"settings file {problem.message}; {moved}; the safe defaults are in use")
    else:
        if raw is None and (kept := _set_aside_copies(path)):
            warnings.append(
                f"settings file {path} was set aside as {kept[-1].name} and no new one has "
                "been written: the safe defaults are in use (the local database, not a shared "
                "server); correct the copy and put it back"
            )
    values.update(raw or {})
    env_url = os.environ.get(ENV_DATABASE_URL)
    if env_url:
        values["database_url"] = env_url
    return Settings(values, tuple(warnings))
