"""The app's own PostgreSQL role: it works the app, but cannot rewrite the audit trail or the schema.

A throwaway LOGIN role is created by the test role (``gc_test`` has CREATEROLE, see
``.ci/start-postgres``), granted by ``girlscourt db grant-app-role``, and then tried directly.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.engine import make_url

from girlscourt.cli.main import main
from girlscourt.db import migrate
from girlscourt.db.engine import make_engine, parse_database_url
from girlscourt.db.session import Database
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import ConfigurationError, PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, admin_recovery, audit_trail, db_roles
from tests.conftest import ADMIN_PASSWORD, PG_URL

psycopg = pytest.importorskip("psycopg")


def _schema(url: str) -> str:
    options = parse_qs(urlsplit(url).query)["options"][0]
    return options.split("search_path=")[1]


@pytest.fixture
def app_role(pg_schema_url: str) -> Iterator[tuple[str, str]]:
    """A fresh LOGIN role with no privileges; dropped (with its grants) afterwards."""
    role = f"gc_app_{uuid.uuid4().hex[:10]}"
    password = secrets.token_hex(16)
    admin_url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        can = connection.execute(
            "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert can and can[0], "the test role needs CREATEROLE (see .ci/start-postgres)"
        connection.execute(
            psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
            )
        )
    try:
        yield role, password
    finally:
        schema = psycopg.sql.Identifier(_schema(pg_schema_url))
        who = psycopg.sql.Identifier(role)
        with psycopg.connect(admin_url, autocommit=True) as connection:
            for statement in (
                "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
                "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}",
                "REVOKE ALL ON SCHEMA {schema} FROM {who}",
            ):
                connection.execute(psycopg.sql.SQL(statement).format(schema=schema, who=who))
            connection.execute(psycopg.sql.SQL("DROP ROLE {}").format(who))


def _as(url: str, role: str, password: str) -> str:
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


@pytest.mark.pg
def test_app_role_cannot_touch_the_audit_trail_or_the_schema(
    pg_schema_url: str, app_role: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db_url = pg_schema_url
    engine = make_engine(parse_database_url(db_url))
    migrate.upgrade(engine)
    engine.dispose()
    role, password = app_role
    owner_db = Database.open(db_url)
    owner = Core(owner_db)
    accounts.create_user(owner, None, "admin", "administrator", ADMIN_PASSWORD)
    assert main(["--database", db_url, "db", "grant-app-role", role]) == 0
    assert f"granted {role}" in capsys.readouterr().out
    owner_db.dispose()

    app_url = _as(db_url, role, password)
    app_db = Database.open(app_url)
    try:
        app = Core(app_db)
        admin = accounts.authenticate(app, "admin", ADMIN_PASSWORD)  # updates a row, appends
        youth = youths.register_youth(
            app, admin, YouthInput("Maya", "Ashford", dt.date(2012, 2, 2))
        )
        assert youths.get_youth(app, admin, youth.id).id == youth.id
        assert audit_trail.verify(app, admin).ok
        # The app's role cannot recover an administrator: that needs the schema owner.
        with pytest.raises(PermissionDenied, match="connect as the owner of the database schema"):
            admin_recovery.recover_admin(app, "admin")
    finally:
        app_db.dispose()

    plain = app_url.replace("postgresql+psycopg://", "postgresql://")
    refused = [
        "UPDATE audit_event SET outcome = 'denied'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "DROP TABLE audit_event",
        "DROP TABLE youth",
        "ALTER TABLE audit_event DISABLE TRIGGER USER",
        "DROP TRIGGER audit_event_no_update_delete ON audit_event",
        "ALTER TABLE youth ADD COLUMN note text",
        "CREATE TABLE shadow (id int)",
        "DELETE FROM audit_chain_head",
    ]
    with psycopg.connect(plain, autocommit=True) as connection:
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)
        assert connection.execute("SELECT count(*) FROM audit_event").fetchone()[0] >= 4


def test_grant_refuses_the_owner_and_unknown_roles(core: Core, backend: str) -> None:
    if backend != "postgresql":
        with pytest.raises(ConfigurationError, match="only a PostgreSQL"):
            db_roles.grant_app_role(core, "anyone")
        return
    with core.read() as session:
        owner = session.connection().exec_driver_sql("SELECT current_user").scalar_one()
    with pytest.raises(ValidationError, match="owns the tables"):
        db_roles.grant_app_role(core, owner)
    with pytest.raises(ValidationError, match="does not exist"):
        db_roles.grant_app_role(core, "gc_nobody_here")
    with pytest.raises(ValidationError) as bad:
        db_roles.grant_app_role(core, 'x"; DROP TABLE youth; --')
    assert bad.value.field == "role"


def test_privileges_per_table() -> None:
    assert db_roles.privileges_for("audit_event") == "SELECT, INSERT"
    assert db_roles.privileges_for("applied_operation") == "SELECT, INSERT"
    assert db_roles.privileges_for("audit_chain_head") == "SELECT, UPDATE"
    assert db_roles.privileges_for("alembic_version") == "SELECT"
    assert db_roles.privileges_for("youth") == "SELECT, INSERT, UPDATE, DELETE"
