"""The youth registry through its services, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from girlscourt.db.models import AuditEvent, Youth, YouthAlias
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import ConflictError, PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts


def zoe(**changes: object) -> YouthInput:
    base: dict[str, object] = {
        "legal_first_name": "Zoë",
        "legal_last_name": "O’Brien",
        "dob": dt.date(2011, 3, 4),
        "aliases": ("Lil Star",),
    }
    base.update(changes)
    return YouthInput(**base)  # type: ignore[arg-type]


def count(core: Core, model: type) -> int:
    with core.read() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def audit_actions(core: Core) -> list[tuple[str, str, int | None]]:
    with core.read() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.outcome, AuditEvent.record_id).order_by(
                AuditEvent.id
            )
        ).all()
    return [(r.action, r.outcome, r.record_id) for r in rows]


def test_register_view_and_audit(core: Core, officer: Actor) -> None:
    record = youths.register_youth(core, officer, zoe())
    assert record.data.legal_last_name == "O’Brien" and record.initials == "Z.O."
    shown = youths.get_youth(core, officer, record.id)
    assert shown.data.aliases == ("Lil Star",)
    actions = audit_actions(core)
    assert ("youth.create", "ok", record.id) in actions
    assert ("youth.view", "ok", record.id) in actions


def test_names_round_trip_exactly(core: Core, officer: Actor) -> None:
    for first, last in [("Nguyễn Thị", "Ánh"), ("Zoë", "O'Brien"), ("Zoë", "O’Brien")]:
        record = youths.register_youth(
            core, officer, zoe(legal_first_name=first, legal_last_name=last)
        )
        again = youths.get_youth(core, officer, record.id)
        assert (again.data.legal_first_name, again.data.legal_last_name) == (first, last)


def test_bad_input_writes_nothing(core: Core, officer: Actor) -> None:
    before = count(core, Youth)
    with pytest.raises(ValidationError, match="dob"):
        youths.register_youth(core, officer, zoe(dob=dt.date(2030, 1, 1)))
    with pytest.raises(ValidationError, match="U\\+202E"):
        youths.register_youth(core, officer, zoe(legal_first_name="Zo\u202eë"))
    assert count(core, Youth) == before
    assert count(core, YouthAlias) == 0


def test_second_save_of_same_version_conflicts(core: Core, officer: Actor, admin: Actor) -> None:
    record = youths.register_youth(core, officer, zoe())
    first_view = youths.get_youth(core, officer, record.id)
    second_view = youths.get_youth(core, admin, record.id)
    youths.update_youth(core, officer, record.id, first_view.version, zoe(preferred_name="Zee"))
    with pytest.raises(ConflictError) as error:
        youths.update_youth(core, admin, record.id, second_view.version, zoe(pronouns="she/her"))
    assert error.value.current_version == first_view.version + 1
    saved = youths.get_youth(core, officer, record.id)
    assert saved.data.preferred_name == "Zee" and saved.data.pronouns is None


def test_alias_only_edit_bumps_version_and_reindexes(core: Core, officer: Actor) -> None:
    record = youths.register_youth(core, officer, zoe())
    updated = youths.update_youth(core, officer, record.id, record.version, zoe(aliases=("Ghost",)))
    assert updated.version == record.version + 1
    assert [r.id for r in youths.find_youths(core, officer, "ghost").rows] == [record.id]
    assert youths.find_youths(core, officer, "lil star").rows == ()


@pytest.mark.parametrize(
    "typed",
    [
        "zoe",
        "Zoë O’Brien",
        "obrien zoe",
        "O'BRIEN",
        "obri",
        "Obrein Zoe",
        "lil star",
        "2011-03-04",
        "03/04/2011",
        "zoe 2011-03-04",
    ],
)
def test_search_finds_by_any_name_or_dob(core: Core, officer: Actor, typed: str) -> None:
    target = youths.register_youth(core, officer, zoe())
    youths.register_youth(
        core,
        officer,
        zoe(
            legal_first_name="Maria", legal_last_name="Ashford", dob=dt.date(2012, 5, 6), aliases=()
        ),
    )
    rows = youths.find_youths(core, officer, typed).rows
    assert rows and rows[0].id == target.id


def test_search_excludes_non_matches(core: Core, officer: Actor) -> None:
    youths.register_youth(core, officer, zoe())
    assert youths.find_youths(core, officer, "maria").rows == ()
    assert youths.find_youths(core, officer, "zoe 2012-01-01").rows == ()
    assert youths.find_youths(core, officer, "   ").rows == ()


def test_possible_duplicates(core: Core, officer: Actor) -> None:
    existing = youths.register_youth(core, officer, zoe())
    swapped = zoe(legal_first_name="OBrien", legal_last_name="Zoe", aliases=())
    assert [d.id for d in youths.possible_duplicates(core, officer, swapped)] == [existing.id]
    misspelt = zoe(legal_first_name="Zoey", legal_last_name="OBrian", dob=dt.date(2011, 3, 5))
    assert existing.id in [d.id for d in youths.possible_duplicates(core, officer, misspelt)]
    other = zoe(
        legal_first_name="Maria", legal_last_name="Ashford", dob=dt.date(2012, 5, 6), aliases=()
    )
    assert youths.possible_duplicates(core, officer, other) == ()


def test_browse_pages_in_name_order(core: Core, officer: Actor) -> None:
    for last in ["Cedarwood", "Ashford", "Birchfield"]:
        youths.register_youth(core, officer, zoe(legal_last_name=last, aliases=()))
    assert youths.count_youths(core, officer) == 3
    first_page = youths.list_youths(core, officer, 0, 2)
    assert [r.legal_last_name for r in first_page] == ["Ashford", "Birchfield"]
    assert [r.legal_last_name for r in youths.list_youths(core, officer, 2, 2)] == ["Cedarwood"]


def test_refusal_is_audited(core: Core, admin: Actor) -> None:
    accounts.create_user(core, admin, "analyst1", "analyst", "numbers only please")
    analyst = accounts.authenticate(core, "analyst1", "numbers only please")
    with pytest.raises(PermissionDenied):
        youths.find_youths(core, analyst, "zoe")
    assert ("youth.search", "denied", None) in audit_actions(core)


def test_version_polling_is_not_audited_and_partners_stay_in_scope(
    core: Core, admin: Actor, officer: Actor
) -> None:
    from girlscourt.services.registry import record_versions

    youth = youths.register_youth(
        core, officer, YouthInput("Ana", "Ashbrook", dt.date(2011, 4, 18))
    )
    with core.read() as session:
        before = session.execute(select(func.count(AuditEvent.id))).scalar_one()
    assert record_versions.youth_version(core, officer, youth.id) == 1
    current = youths.get_youth(core, admin, youth.id)
    youths.update_youth(core, admin, youth.id, current.version, current.data)
    assert record_versions.youth_version(core, officer, youth.id) == 2
    assert record_versions.youth_version(core, officer, youth.id + 99) == 0
    with core.read() as session:
        after = session.execute(select(func.count(AuditEvent.id))).scalar_one()
    assert after == before + 2  # the view and the edit; the polls add nothing
    accounts.create_user(core, admin, "da", "prosecutor", "a long shared test phrase")
    da = accounts.authenticate(core, "da", "a long shared test phrase")
    with pytest.raises(PermissionDenied):  # not assigned to her
        record_versions.youth_version(core, da, youth.id)
