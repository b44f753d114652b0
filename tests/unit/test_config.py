"""Settings are bounded, a broken settings file is set aside (never deleted) and never weakens
security, and no input makes the loader raise anything but ConfigurationError."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from girlscourt.config import (
    CORRUPT_SUFFIX,
    SETTINGS,
    defaults,
    load_settings,
    read_settings_file,
    set_aside,
)
from girlscourt.errors import ConfigurationError

NOW = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "girlscourt.toml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def refusal(tmp_path: Path, text: str | bytes) -> str:
    with pytest.raises(ConfigurationError) as caught:
        read_settings_file(write(tmp_path, text))
    return caught.value.message


def test_every_number_is_declared_with_bounds_and_every_text_with_a_length() -> None:
    for spec in SETTINGS:
        if spec.type is int:
            assert spec.minimum is not None and spec.maximum is not None, spec.key
            assert spec.minimum <= spec.default <= spec.maximum, spec.key
        else:
            assert spec.type is str and 0 < spec.max_length <= 2000, spec.key
    bounds = {s.key: (s.minimum, s.maximum) for s in SETTINGS if s.type is int}
    assert bounds["youth_min_age"] == (0, 17)
    assert bounds["youth_max_age"] == (18, 25)
    assert bounds["idle_lock_minutes"] == (1, 30)  # CJIS AC-11: never more than 30 minutes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("youth_min_age = -50\n", "youth_min_age: must be between 0 and 17, not -50"),
        ("youth_max_age = 200\n", "youth_max_age: must be between 18 and 25, not 200"),
        ("youth_min_age = 18\n", "youth_min_age: must be between 0 and 17, not 18"),
        ("youth_max_age = 17\n", "youth_max_age: must be between 18 and 25, not 17"),
        ("idle_lock_minutes = 0\n", "idle_lock_minutes: must be between 1 and 30, not 0"),
        ("idle_lock_minutes = 31\n", "idle_lock_minutes: must be between 1 and 30, not 31"),
        ("idle_lock_minutes = 10000000000000\n", "idle_lock_minutes: must be between 1 and 30"),
        ('idle_lock_minutes = "abc"\n', "idle_lock_minutes: must be of type int"),
        ("idle_lock_minutes = 15.0\n", "idle_lock_minutes: must be of type int"),
        ("idle_lock_minutes = true\n", "idle_lock_minutes: must be of type int"),
        ("idle_lock_minutes = nan\n", "idle_lock_minutes: must be of type int"),
        ("[idle_lock_minutes]\n", "idle_lock_minutes: must be of type int"),
        ('sslmode = "disable"\n', "sslmode: not a known setting"),
        ("lockout_attempts = 50\n", "lockout_attempts: not a known setting"),
        ('workstation = "' + "w" * 65 + '"\n', "workstation: must be at most 64 characters"),
        ('issuing_agency = "Probation\\u0000Dept"\n', "must not contain control characters"),
        ('county_timezone = "Mars/Olympus"\n', "county_timezone: unknown time zone"),
        ('county_timezone = "../../etc/passwd"\n', "county_timezone: unknown time zone"),
        (
            'database_url = "postgresql://gc@db.example.org/gc?sslmode=disable"\n',
            "sslmode=disable would weaken TLS to the remote server db.example.org",
        ),
        (
            'database_url = "postgresql://gc@db.example.org/gc?sslmode=require"\n',
            "only verify-full is allowed",
        ),
        (
            'database_url = "postgresql://gc@localhost/gc?host=db.example.org&sslmode=allow"\n',
            "remote server db.example.org",
        ),
        (
            'database_url = "postgresql://gc:hunter22@db.example.org/gc"\n',
            "database_url: must not hold a password",
        ),
        ('database_url = "not a url"\n', "database_url: is not a database URL"),
    ],
)
def test_values_out_of_bounds_or_weakening_security_are_refused(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert expected in refusal(tmp_path, text)


def test_the_youngest_age_always_lies_below_the_oldest(tmp_path: Path) -> None:
    """The bounds alone keep min < max (17 < 18), so no file can invert them."""
    bounds = {s.key: (s.minimum, s.maximum) for s in SETTINGS}
    assert bounds["youth_min_age"][1] < bounds["youth_max_age"][0]  # type: ignore[operator]
    tight = write(tmp_path, "youth_min_age = 17\nyouth_max_age = 18\n")
    assert read_settings_file(tight) == {"youth_min_age": 17, "youth_max_age": 18}
    assert "youth_max_age" in refusal(tmp_path, "youth_min_age = 17\nyouth_max_age = 17\n")


def test_overrides_are_bounded_too() -> None:
    with pytest.raises(ConfigurationError, match="youth_max_age"):
        defaults().with_overrides(youth_max_age=200)
    with pytest.raises(ConfigurationError, match="idle_lock_minutes"):
        defaults().with_overrides(idle_lock_minutes=31)
    assert defaults().with_overrides(idle_lock_minutes=30)["idle_lock_minutes"] == 30


def test_a_safe_file_is_applied_and_loopback_may_choose_its_tls(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "idle_lock_minutes = 5\n"
        'database_url = "postgresql://gc@localhost/gc?sslmode=disable"\n'
        'county_timezone = "America/Denver"\n',
    )
    loaded = load_settings(path, now=clock)
    assert loaded.warnings == ()
    assert loaded["idle_lock_minutes"] == 5 and loaded["county_timezone"] == "America/Denver"
    assert path.exists()  # a good file stays where it is
    remote = write(
        tmp_path, 'database_url = "postgresql://gc@db.example.org/gc?sslmode=verify-full"'
    )
    assert load_settings(remote, now=clock).warnings == ()


def test_a_missing_file_is_the_defaults_without_a_warning(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "absent.toml", now=clock)
    assert loaded.values == defaults().values and loaded.warnings == ()
    assert list(tmp_path.iterdir()) == []


def test_a_broken_file_is_set_aside_whole_and_the_defaults_used(tmp_path: Path) -> None:
    text = b"idle_lock_minutes = 5\nyouth_max_age = 200\n"
    path = write(tmp_path, text)
    loaded = load_settings(path, now=clock)
    assert loaded.values == defaults().values  # nothing half-applied, not even the 5 minutes
    (warning,) = loaded.warnings
    moved = tmp_path / f"girlscourt.toml{CORRUPT_SUFFIX}20261207T013000Z"
    assert moved.read_bytes() == text and not path.exists()
    assert "youth_max_age" in warning and moved.name in warning and "\n" not in warning


def test_setting_aside_never_overwrites_an_earlier_copy(tmp_path: Path) -> None:
    names = []
    for content in (b"one", b"two", b"three"):
        path = write(tmp_path, content)
        names.append(set_aside(path, clock).name)
    stamp = "girlscourt.toml.corrupt-20261207T013000Z"
    assert names == [stamp, f"{stamp}-2", f"{stamp}-3"]
    assert (tmp_path / f"{stamp}-3").read_bytes() == b"three"
    assert (tmp_path / stamp).read_bytes() == b"one"


def test_a_file_that_cannot_be_moved_aside_is_still_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "youth_min_age = -50\n")

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "rename", refuse)
    loaded = load_settings(path, now=clock)
    assert loaded.values == defaults().values
    assert "could not be moved aside (Permission denied)" in loaded.warnings[0]
    assert path.exists()


def test_an_unreadable_file_is_reported_and_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EACCES simulated in-process (the suite runs as root, which chmod 000 does not stop; the
    fault test F8 drops to another user for the real thing)."""
    import os

    path = write(tmp_path, "idle_lock_minutes = 5\n")
    real_open = os.open

    def denied(name: object, flags: int, *args: object) -> int:
        if Path(str(name)) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    loaded = load_settings(path, now=clock)
    assert "cannot be opened (Permission denied)" in loaded.warnings[0]
    assert loaded.values == defaults().values


TOML_VALUES = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.text(max_size=40).map(json.dumps),
    st.sampled_from(["true", "false", "nan", "inf", "1.5", "[]", "{}", "1979-05-27", '"""x"""']),
)
KEYS = st.one_of(st.sampled_from([s.key for s in SETTINGS]), st.text(min_size=1, max_size=12))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.tuples(KEYS, TOML_VALUES), max_size=6))
def test_fuzzed_toml_documents_give_settings_or_configuration_error(
    tmp_path: Path, lines: list[tuple[str, str]]
) -> None:
    text = "".join(f"{json.dumps(key)} = {value}\n" for key, value in lines)
    _check_only_configuration_error(tmp_path, text.encode("utf-8", "surrogatepass"))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_fuzzed_bytes_give_settings_or_configuration_error(tmp_path: Path, data: bytes) -> None:
    _check_only_configuration_error(tmp_path, data)


def _check_only_configuration_error(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    try:
        read_settings_file(path)
    except ConfigurationError as error:
        assert "\n" not in error.message and len(error.message) < 400
    loaded = load_settings(path, now=clock)  # never raises: defaults plus a warning at worst
    assert 1 <= loaded["idle_lock_minutes"] <= 30
    assert 0 <= loaded["youth_min_age"] < loaded["youth_max_age"] <= 25
    for leftover in tmp_path.iterdir():
        leftover.unlink()


URL_PARTS = st.text(max_size=12)


@settings(max_examples=400, deadline=None)
@given(
    scheme=st.sampled_from(["postgresql://", "postgres://", "sqlite:///", "mysql://", ""]),
    user=URL_PARTS,
    host=st.sampled_from(["", "@", "@db.example.org", "@localhost:5432/", "@[::1]/", ":x@h/"]),
    rest=URL_PARTS,
    query=st.sampled_from(["", "?sslmode=", "?host=", "&sslmode=disable", "?host=a&host=b"]),
    tail=URL_PARTS,
)
def test_fuzzed_database_urls_give_configuration_error_or_pass(
    scheme: str, user: str, host: str, rest: str, query: str, tail: str
) -> None:
    try:
        defaults().with_overrides(database_url=scheme + user + host + rest + query + tail)
    except ConfigurationError as error:
        assert "\n" not in error.message


def test_the_warning_stays_until_a_settings_file_is_back(tmp_path: Path) -> None:
    """A shared server's URL lost with a broken file must never turn into a silent local start."""
    path = write(
        tmp_path,
        'database_url = "postgresql://gc@db.example.org/gc?sslmode=verify-full"\n'
        "idle_lock_minutes = 45\n",
    )
    first = load_settings(path, now=clock)
    assert first["database_url"] == "" and "moved aside" in first.warnings[0]
    assert not path.exists()
    again = load_settings(path, now=clock)
    assert again["database_url"] == "" and len(again.warnings) == 1
    assert "set aside" in again.warnings[0] and "not a shared server" in again.warnings[0]
    fixed = write(tmp_path, 'database_url = "postgresql://gc@db.example.org/gc"\n')
    assert fixed == path
    assert load_settings(path, now=clock).warnings == ()
