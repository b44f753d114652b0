"""Shared fixtures: an in-memory keyring, a private data folder, and databases on both backends.

Database tests take the ``db_url`` fixture, which runs each test on SQLite and, when
``GIRLSCOURT_TEST_PG_URL`` is set, again on PostgreSQL in a schema of its own. With
``GIRLSCOURT_REQUIRE_PG=1`` (CI) a PostgreSQL test that cannot run fails instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import keyring
import pytest
from keyring.backend import KeyringBackend

from girlscourt.db import migrate
from girlscourt.db.engine import make_engine, parse_database_url
from girlscourt.db.session import Database
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts

PG_URL = os.environ.get("GIRLSCOURT_TEST_PG_URL", "")
REQUIRE_PG = os.environ.get("GIRLSCOURT_REQUIRE_PG") == "1"


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the tests end."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Never touch the user's keyring."""
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own data folder and no config file or database URL from outside."""
    data = tmp_path / "data"
    monkeypatch.setenv("GIRLSCOURT_DATA_DIR", str(data))
    monkeypatch.delenv("GIRLSCOURT_DATABASE_URL", raising=False)
    monkeypatch.delenv("GIRLSCOURT_CONFIG", raising=False)
    monkeypatch.delenv("GIRLSCOURT_PASSWORD", raising=False)
    monkeypatch.setenv("GIRLSCOURT_WORKSTATION", "test-desk")
    return data


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head, copied for each test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(parse_database_url(f"sqlite:///{path}"))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _pg_schema_url(schema: str) -> str:
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new, empty schema, dropped afterwards."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin_url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _pg_schema_url(schema)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, empty schema (dropped afterwards)."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("GIRLSCOURT_TEST_PG_URL is not set but CI requires PostgreSQL tests")
        pytest.skip("PostgreSQL tests need GIRLSCOURT_TEST_PG_URL")
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database a parametrised test runs on."""
    return str(request.param)


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL of an empty database (no schema) on the current backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL of a database migrated to head on the current backend."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("migrated_sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_schema_url")
    engine = make_engine(parse_database_url(url))
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def core(db_url: str) -> Iterator[Core]:
    """A Core over a migrated database on the current backend."""
    db = Database.open(db_url)
    yield Core(db)
    db.dispose()


ADMIN_PASSWORD = "correct horse battery staple"
OFFICER_PASSWORD = "intake desk night shift"


@pytest.fixture
def admin(core: Core) -> Actor:
    """The first administrator, signed in."""
    accounts.create_user(core, None, "admin", "administrator", ADMIN_PASSWORD, "Ada Admin")
    return accounts.authenticate(core, "admin", ADMIN_PASSWORD)


@pytest.fixture
def officer(core: Core, admin: Actor) -> Actor:
    """An intake officer, signed in."""
    accounts.create_user(core, admin, "officer", "intake_officer", OFFICER_PASSWORD, "Olu Officer")
    return accounts.authenticate(core, "officer", OFFICER_PASSWORD)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a skipped PostgreSQL test is a failure: the backend must really be tested."""
    if not REQUIRE_PG:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    pg_skips = [
        r for r in skipped if "postgresql" in r.nodeid or "pg" in getattr(r, "keywords", {})
    ]
    if pg_skips:
        reporter.write_line(f"FAILED: {len(pg_skips)} PostgreSQL test(s) were skipped", red=True)
        session.exitstatus = 1
