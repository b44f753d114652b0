"""Issue 15 point 1: ``db copy`` moves a whole database into an empty one, either way between
SQLite and PostgreSQL: every row, the audit chain (which then verifies), sequences past the
copied ids, the copy itself audited; a non-empty, older or identical target is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from girlscourt.cli.main import main
from girlscourt.db import migrate
from girlscourt.db.base import Base
from girlscourt.db.engine import make_engine, parse_database_url
from girlscourt.db.models import AuditEvent, Hearing, Youth
from girlscourt.db.session import Database
from girlscourt.demo import seed as demo
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.maintenance import database_copy
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, audit_trail
from tests.conftest import ADMIN_PASSWORD, PG_URL, fresh_pg_schema


@contextmanager
def empty_target(kind: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of ``kind``: a new SQLite file, or a fresh PostgreSQL schema."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'copy.sqlite3'}"
        return
    if not PG_URL:
        pytest.fail("the PostgreSQL target needs GIRLSCOURT_TEST_PG_URL")
    with fresh_pg_schema() as url:
        yield url


def counts(core: Core) -> dict[str, int]:
    with core.read() as session:
        return {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


TARGETS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)]


@pytest.mark.parametrize("to", TARGETS)
def test_a_copy_carries_every_row_and_a_chain_that_verifies(
    core: Core, admin: Actor, tmp_path: Path, to: str
) -> None:
    demo.seed_demo(core, admin, youths=40, seed=15)
    with core.read() as session:  # a continuance points at a later hearing: copied all the same
        assert session.execute(
            select(func.count()).where(Hearing.continued_to_id.is_not(None))
        ).scalar_one()
    before = counts(core)
    seen: dict[str, int] = {}
    with empty_target(to, tmp_path) as url:
        report = database_copy.copy_database(
            core, admin, url, progress=lambda table, rows: seen.__setitem__(table, rows)
        )
        assert dict(report.tables) == before
        assert report.rows == sum(before.values()) and report.rows_per_second > 0
        assert {t for t, n in before.items() if n} <= set(seen)
        copied_db = Database.open(url)
        try:
            copied = Core(copied_db)
            after = counts(copied)
            # the copy's own event, then the verification's, were appended on the target
            assert after["audit_event"] == before["audit_event"] + 2
            assert {k: v for k, v in after.items() if k != "audit_event"} == {
                k: v for k, v in before.items() if k != "audit_event"
            }
            again = accounts.authenticate(copied, "admin", ADMIN_PASSWORD)
            assert audit_trail.verify(copied, again).ok
            new = youths.register_youth(
                copied, again, YouthInput("Nueva", "Despues", demo_dob())
            )  # the sequences run on past the copied ids
            assert new.id > max_youth_id(core)
            with copied.read() as session:
                actions = session.execute(
                    select(AuditEvent.detail).where(AuditEvent.action == "database.copy")
                ).scalars()
                expected = f"{report.rows} rows copied from {core.db.target.display}"
                assert list(actions) == [expected[:200]]
        finally:
            copied_db.dispose()
        with pytest.raises(ValidationError, match="is not empty"):
            database_copy.copy_database(core, admin, url)
    with core.read() as session:
        (detail,) = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "database.copy")
        ).scalars()
    assert detail.startswith("copied to ")


def demo_dob() -> dt.date:
    return dt.date(2011, 4, 5)


def max_youth_id(core: Core) -> int:
    with core.read() as session:
        return int(session.execute(select(func.max(Youth.id))).scalar_one())


def test_an_older_schema_the_same_database_and_a_non_administrator_are_refused(
    core: Core, admin: Actor, officer: Actor, tmp_path: Path, db_url: str
) -> None:
    older = tmp_path / "older.sqlite3"
    engine = make_engine(parse_database_url(f"sqlite:///{older}"))
    migrate.upgrade(engine, "3a2390689dde")
    engine.dispose()
    with pytest.raises(ValidationError, match="has schema 3a2390689dde"):
        database_copy.copy_database(core, admin, f"sqlite:///{older}")
    with pytest.raises(ValidationError, match="is the database being copied"):
        database_copy.copy_database(core, admin, db_url)
    with pytest.raises(PermissionDenied):
        database_copy.copy_database(core, officer, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert not (tmp_path / "x.sqlite3").exists()


def test_the_cli_copies_and_reports_rows_per_second(
    db_url: str,
    core: Core,
    admin: Actor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    youths.register_youth(core, admin, YouthInput("Maya", "Ashford", demo_dob()))
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)
    target = f"sqlite:///{tmp_path / 'training.sqlite3'}"
    assert main(["--database", db_url, "--user", "admin", "db", "copy", "--to", target]) == 0
    out = capsys.readouterr().out
    assert "youth\t1" in out and "rows/s); row counts equal; audit chain of" in out
    assert main(["--database", db_url, "--user", "admin", "db", "copy", "--to", target]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "is not empty (table" in err
