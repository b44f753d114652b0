"""Where the app keeps its files and which settings exist, declared once as data.

Settings come from, in order: the command line, ``GIRLSCOURT_*`` environment variables, the
config file (``girlscourt.toml`` in the user config directory) and the defaults below. An
undeclared key in the config file is an error that names the file and the key, so a typo never
silently falls back to a default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from girlscourt import APP_NAME
from girlscourt.errors import ConfigurationError

ENV_DATA_DIR = "GIRLSCOURT_DATA_DIR"
ENV_CONFIG_FILE = "GIRLSCOURT_CONFIG"
ENV_DATABASE_URL = "GIRLSCOURT_DATABASE_URL"


@dataclass(frozen=True)
class SettingSpec:
    """One declared setting: its key, type, default and the label shown to administrators."""

    key: str
    type: type
    default: Any
    label: str


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("database_url", str, "", "Database URL (empty: the local SQLite file)"),
    SettingSpec("county_timezone", str, "America/Los_Angeles", "County time zone"),
    SettingSpec("youth_min_age", int, 8, "Youngest age accepted in the youth registry"),
    SettingSpec("youth_max_age", int, 25, "Oldest age accepted in the youth registry (WIC 607)"),
    SettingSpec("idle_lock_minutes", int, 15, "Lock the screen after this many idle minutes"),
    SettingSpec("workstation", str, "", "Name of this workstation in the audit trail"),
    SettingSpec(
        "issuing_agency",
        str,
        "County Probation Department – Juvenile Justice Center, Intake Unit",
        "Agency named at the top of every printed referral form",
    ),
)
_SPECS = {s.key: s for s in SETTINGS}


def data_dir() -> Path:
    """The per-user data directory (``GIRLSCOURT_DATA_DIR`` overrides it, e.g. in tests)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


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
    """Resolved settings: every declared key has a value of its declared type."""

    values: dict[str, Any] = field(default_factory=dict)

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
        return Settings(merged)


def _check(key: str, value: Any, source: str) -> None:
    spec = _SPECS.get(key)
    if spec is None:
        raise ConfigurationError(f"{source}: {key}: not a known setting")
    if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
        raise ConfigurationError(f"{source}: {key}: must be of type {spec.type.__name__}")


def defaults() -> Settings:
    """Every setting at its declared default."""
    return Settings({s.key: s.default for s in SETTINGS})


def load_settings(path: Path | None = None) -> Settings:
    """Defaults, overlaid with the config file and the environment."""
    values = {s.key: s.default for s in SETTINGS}
    path = path or config_file()
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"{path}: cannot be read: {exc}") from exc
        for key, value in raw.items():
            _check(key, value, str(path))
            values[key] = value
    env_url = os.environ.get(ENV_DATABASE_URL)
    if env_url:
        values["database_url"] = env_url
    return Settings(values)
