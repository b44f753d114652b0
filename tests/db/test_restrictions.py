"""Restrictions and the desk check through their services, on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import io
import random
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

import girlscourt
from girlscourt.db.models import AuditEvent, ContactRestriction, CustodyEpisode, RestrictionCheck
from girlscourt.db.session import Database
from girlscourt.demo import restrictions as demo_restrictions
from girlscourt.domain.permissions import Role
from girlscourt.domain.restriction_rules import Notices, RestrictionInput
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.restrictions import (
    desk_check,
    restriction_index,
    restriction_lists,
    restriction_printing,
    restrictions,
)
from girlscourt.services.security import accounts
from tests.partner_support import seal_youth, sign_in_as

NOW = dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC)  # 10:00 in the county
TODAY = dt.date(2026, 11, 29)
SUPERVISOR_PASSWORD = "supervisor on the late shift"
CLERK_PASSWORD = "clerk at the front counter"


@pytest.fixture(autouse=True)
def fixed_clock(core: Core) -> None:
    core.clock = lambda: NOW


@pytest.fixture
def supervisor(core: Core, admin: Actor) -> Actor:
    accounts.create_user(core, admin, "sup", "supervisor", SUPERVISOR_PASSWORD, "Sam Supervisor")
    return accounts.authenticate(core, "sup", SUPERVISOR_PASSWORD)


@pytest.fixture
def clerk(core: Core, admin: Actor) -> Actor:
    accounts.create_user(core, admin, "clerk", "court_clerk", CLERK_PASSWORD, "Cy Clerk")
    return accounts.authenticate(core, "clerk", CLERK_PASSWORD)


def new_youth(core: Core, actor: Actor, first: str = "Zoë", last: str = "O’Brien") -> int:
    return youths.register_youth(core, actor, YouthInput(first, last, dt.date(2011, 3, 4))).id


def detain(core: Core, youth_id: int, unit: str = "B-East") -> None:
    with core.write() as session:
        session.add(
            CustodyEpisode(
                youth_id=youth_id,
                custody_start_at=NOW - dt.timedelta(days=2),
                housing_unit=unit,
            )
        )


def release(core: Core, youth_id: int) -> None:
    with core.write() as session:
        for episode in session.execute(
            select(CustodyEpisode).where(CustodyEpisode.youth_id == youth_id)
        ).scalars():
            episode.released_at = NOW - dt.timedelta(hours=1)


def marcus(youth_id: int, **changes: object) -> RestrictionInput:
    base: dict[str, object] = {
        "youth_id": youth_id,
        "person_name": "Marcus Talford",
        "channels": ("visit", "phone"),
        "basis": "court_order",
        "court_order_number": "JV-2026-01234",
        "aliases": ("Big Money",),
        "phones": ("(510) 555-0142",),
        "handles": ("@talford.marcus",),
        "relationship_to_youth": "suspected exploiter",
    }
    base.update(changes)
    return RestrictionInput(**base)  # type: ignore[arg-type]


def log_rows(core: Core) -> int:
    with core.read() as session:
        return int(session.execute(select(func.count(RestrictionCheck.id))).scalar_one())


def actions(core: Core, action: str) -> list[tuple[str, int | None, str | None]]:
    with core.read() as session:
        rows = session.execute(
            select(AuditEvent.outcome, AuditEvent.record_id, AuditEvent.detail)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        ).all()
    return [(r.outcome, r.record_id, r.detail) for r in rows]


# --------------------------------------------------------------------------- records


def test_add_list_and_audit(core: Core, officer: Actor) -> None:
    youth = new_youth(core, officer)
    record = restrictions.add_restriction(core, officer, marcus(youth))
    assert record.youth_initials == "Z.O." and record.status == "active"
    assert not record.approved and record.data.review_on == dt.date(2026, 12, 29)
    listed = restrictions.list_restrictions(core, officer, youth)
    assert [r.id for r in listed] == [record.id]
    assert listed[0].data.phones == ("(510) 555-0142",)
    assert actions(core, "restriction.create") == [("ok", record.id, "pending_approval")]
    assert ("ok", youth, None) in actions(core, "restriction.view")
    for event in actions(core, "restriction.create") + actions(core, "restriction.view"):
        assert "Marcus" not in (event[2] or "") and "Talford" not in (event[2] or "")


def test_bad_input_and_unknown_youth_write_nothing(core: Core, officer: Actor) -> None:
    youth = new_youth(core, officer)
    with pytest.raises(ValidationError) as error:
        restrictions.add_restriction(core, officer, marcus(youth, court_order_number=None))
    assert error.value.field == "court_order_number"
    with pytest.raises(NotFound, match="youth_id"):
        restrictions.add_restriction(core, officer, marcus(9999))
    with core.read() as session:
        assert session.execute(select(func.count(ContactRestriction.id))).scalar_one() == 0


def test_permissions(core: Core, officer: Actor, clerk: Actor, supervisor: Actor) -> None:
    youth = new_youth(core, officer)
    with pytest.raises(PermissionDenied):
        restrictions.add_restriction(core, clerk, marcus(youth))
    with pytest.raises(PermissionDenied):
        restrictions.add_restriction(core, officer, marcus(youth), approve=True)
    record = restrictions.add_restriction(core, officer, marcus(youth))
    with pytest.raises(PermissionDenied):
        restrictions.approve_restriction(core, officer, record.id, record.version)
    with pytest.raises(PermissionDenied):
        restrictions.lift_restriction(core, officer, record.id, record.version, "entered_in_error")
    approved = restrictions.approve_restriction(core, supervisor, record.id, record.version)
    assert approved.approved and approved.approver_name == "Sam Supervisor"
    assert desk_check.check_contact(core, clerk, name="Marcus Talford", youth_id=youth).result == (
        "BLOCK"
    )
    # add --approve, approve and lift were each refused as "restriction.approve"
    assert [e[0] for e in actions(core, "restriction.approve")] == ["denied"] * 3 + ["ok"]


def test_stale_version_conflicts(core: Core, officer: Actor, supervisor: Actor) -> None:
    youth = new_youth(core, officer)
    record = restrictions.add_restriction(core, officer, marcus(youth))
    restrictions.update_restriction(
        core, officer, record.id, record.version, marcus(youth, aliases=("Big Money", "Smoke"))
    )
    with pytest.raises(ConflictError) as error:
        restrictions.approve_restriction(core, supervisor, record.id, record.version)
    assert error.value.current_version == record.version + 1
    assert [e[0] for e in actions(core, "restriction.approve")] == ["conflict"]


def test_material_edit_needs_approval_again_but_a_notice_does_not(
    core: Core, officer: Actor, supervisor: Actor
) -> None:
    youth = new_youth(core, officer)
    record = restrictions.add_restriction(core, supervisor, marcus(youth), approve=True)
    noticed = restrictions.update_restriction(
        core, officer, record.id, record.version, marcus(youth, notices=Notices(youth=TODAY))
    )
    assert noticed.approved and noticed.data.notices.youth == TODAY
    widened = restrictions.update_restriction(
        core,
        officer,
        noticed.id,
        noticed.version,
        marcus(youth, notices=Notices(youth=TODAY), channels=("visit",)),
    )
    assert not widened.approved
    with pytest.raises(ValidationError, match="youth_id"):
        restrictions.update_restriction(
            core, officer, widened.id, widened.version, marcus(new_youth(core, officer, "Ana"))
        )


def test_admission_block_needs_supervisor_signoff(
    core: Core, officer: Actor, supervisor: Actor
) -> None:
    youth = new_youth(core, officer)
    reason = "Youth disclosed this number belongs to the exploiter named in the MDT plan."
    asked = restrictions.add_restriction(
        core, officer, marcus(youth, blocks_admission_calls=True, admission_block_reason=reason)
    )
    assert asked.data.blocks_admission_calls and not asked.admission_calls_blocked
    call = desk_check.check_contact(
        core, officer, phone="510-555-0142", youth_id=youth, admission_call=True
    )
    assert call.result == "REVIEW" and "WIC 627" in call.instruction
    signed = restrictions.approve_restriction(core, supervisor, asked.id, asked.version)
    assert signed.admission_calls_blocked and signed.admission_block_signed_off_by == (
        supervisor.user_id
    )
    again = desk_check.check_contact(
        core, officer, phone="510-555-0142", youth_id=youth, admission_call=True
    )
    assert again.result == "BLOCK" and again.channel == "admission_call"
    with pytest.raises(ValidationError) as error:
        restrictions.add_restriction(core, officer, marcus(youth, blocks_admission_calls=True))
    assert error.value.field == "admission_block_reason"


def test_plain_restriction_never_blocks_an_admission_call(core: Core, officer: Actor) -> None:
    youth = new_youth(core, officer)
    restrictions.add_restriction(core, officer, marcus(youth))
    outcome = desk_check.check_contact(
        core, officer, name="Marcus Talford", youth_id=youth, admission_call=True
    )
    assert outcome.result == "REVIEW"


# --------------------------------------------------------------------------- the desk check


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        ({"name": "TALFORD, Marcus"}, "BLOCK"),
        ({"phone": "+1 510 555 0142"}, "BLOCK"),
        ({"handle": "TALFORD.MARCUS"}, "BLOCK"),
        ({"phone": "555-0142"}, "REVIEW"),
        ({"name": "Marcus"}, "REVIEW"),
        ({"name": "Wren Abernathy"}, "CLEAR"),
        ({"phone": "(805) 555-0199"}, "CLEAR"),
    ],
)
def test_every_check_writes_exactly_one_log_row_and_one_audit_event(
    core: Core, officer: Actor, probe: dict[str, str], expected: str
) -> None:
    youth = new_youth(core, officer)
    detain(core, youth)
    restrictions.add_restriction(core, officer, marcus(youth))
    before_rows, before_events = log_rows(core), len(actions(core, "restriction.check"))
    outcome = desk_check.check_contact(core, officer, **probe)  # type: ignore[arg-type]
    assert outcome.result == expected
    assert log_rows(core) == before_rows + 1
    events = actions(core, "restriction.check")
    assert len(events) == before_events + 1
    assert events[-1][1] == outcome.check_id and f"result={expected}" in (events[-1][2] or "")
    with core.read() as session:
        row = session.get(RestrictionCheck, outcome.check_id)
        assert row is not None and row.result == expected and row.checked_by == officer.user_id
        assert (row.probe_name, row.probe_phone, row.probe_handle) == (
            probe.get("name"),
            probe.get("phone"),
            probe.get("handle"),
        )
        assert row.checked_at == NOW and row.youth_id is None


def test_block_names_the_restriction_the_youth_the_field_and_what_to_do(
    core: Core, officer: Actor
) -> None:
    youth = new_youth(core, officer)
    detain(core, youth)
    restrictions.add_restriction(core, officer, marcus(youth, aliases=("Smoke",)))  # noise
    record = restrictions.add_restriction(
        core,
        officer,
        marcus(
            youth,
            person_name="Dante Coridge",
            aliases=("Big Money",),
            phones=("(510) 555-0177",),
            handles=(),
            do_not_disclose_location=True,
        ),
    )
    outcome = desk_check.check_contact(core, officer, phone="510.555.0177", channel="visit")
    assert outcome.result == "BLOCK"
    top = outcome.matches[0]
    assert (top.restriction_id, top.field, top.score, top.grade) == (
        record.id,
        "phone",
        100.0,
        "BLOCK",
    )
    assert top.youth_initials == "Z.O." and top.person_name == "Dante Coridge"
    assert top.matched_value == "(510) 555-0177"
    assert (
        f"#{record.id}" in outcome.instruction and "Do not allow this visit" in outcome.instruction
    )
    assert "Do not confirm or deny" in outcome.instruction
    assert outcome.as_json() == {
        "result": "BLOCK",
        "matches": [{"restriction_id": record.id, "field": "phone", "score": 100.0}],
    }
    with core.read() as session:
        logged = session.get(RestrictionCheck, outcome.check_id)
        assert logged is not None
        assert logged.matches == [
            {
                "restriction_id": record.id,
                "youth_id": youth,
                "field": "phone",
                "score": 100.0,
                "grade": "BLOCK",
            }
        ]


def test_name_variants_match(core: Core, officer: Actor) -> None:
    youth = new_youth(core, officer)
    restrictions.add_restriction(core, officer, marcus(youth))
    for name in (
        "Marcus Talford",
        "TALFORD, Marcus",
        "Márcus Tálford",
        "Marcs Talford",
        "big money",
    ):
        assert desk_check.check_contact(core, officer, name=name, youth_id=youth).result == (
            "BLOCK"
        ), name


def test_expired_scheduled_and_lifted_restrictions_do_not_match(
    core: Core, officer: Actor, supervisor: Actor
) -> None:
    youth = new_youth(core, officer)
    ended = restrictions.add_restriction(
        core,
        officer,
        marcus(
            youth,
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 11, 28),
            review_on=dt.date(2026, 10, 1),
        ),
    )
    restrictions.add_restriction(
        core,
        officer,
        marcus(
            youth,
            person_name="Dante Coridge",
            aliases=(),
            phones=(),
            handles=(),
            starts_on=dt.date(2026, 12, 5),
        ),
    )
    live = restrictions.add_restriction(
        core, officer, marcus(youth, person_name="Rico Halby", aliases=(), phones=(), handles=())
    )
    assert ended.status == "ended"
    check = desk_check.check_contact
    assert check(core, officer, name="Marcus Talford", youth_id=youth).result == "CLEAR"
    assert check(core, officer, name="Dante Coridge", youth_id=youth).result == "CLEAR"
    assert check(core, officer, name="Rico Halby", youth_id=youth).result == "BLOCK"
    restrictions.lift_restriction(core, supervisor, live.id, live.version, "entered_in_error")
    assert check(core, officer, name="Rico Halby", youth_id=youth).result == "CLEAR"
    assert actions(core, "restriction.lift") == [("ok", live.id, "reason=entered_in_error")]
    core.clock = lambda: NOW + dt.timedelta(days=7)  # the scheduled one has started
    assert check(core, officer, name="Dante Coridge", youth_id=youth).result == "BLOCK"


@pytest.mark.parametrize("scoped_limit", [0, 200])  # 0: every admission rebuilds the index
def test_one_youth_versus_every_youth_in_custody(
    core: Core, officer: Actor, monkeypatch: pytest.MonkeyPatch, scoped_limit: int
) -> None:
    monkeypatch.setattr(restriction_index, "SCOPED_DELTA_LIMIT", scoped_limit)
    held = new_youth(core, officer)
    home = new_youth(core, officer, "Ana", "Vale")
    detain(core, held)
    restrictions.add_restriction(core, officer, marcus(held))
    restrictions.add_restriction(
        core, officer, marcus(home, person_name="Dante Coridge", aliases=(), phones=(), handles=())
    )
    check = desk_check.check_contact
    everyone = check(core, officer, name="Dante Coridge")
    assert everyone.result == "CLEAR" and everyone.youths_in_scope == 1  # she is not in custody
    assert check(core, officer, name="Dante Coridge", youth_id=home).result == "BLOCK"
    assert check(core, officer, name="Dante Coridge", youth_id=held).result == "CLEAR"
    assert check(core, officer, name="Marcus Talford").result == "BLOCK"
    assert check(core, officer, name="Marcus Talford", youth_id=home).result == "CLEAR"
    detain(core, home, "C-West")
    assert check(core, officer, name="Dante Coridge").result == "BLOCK"
    release(core, held)
    assert check(core, officer, name="Marcus Talford").result == "CLEAR"
    with pytest.raises(NotFound):
        check(core, officer, name="Marcus Talford", youth_id=99_999)


def test_channel_the_restriction_does_not_cover_is_review(core: Core, officer: Actor) -> None:
    youth = new_youth(core, officer)
    restrictions.add_restriction(core, officer, marcus(youth, channels=("mail",)))
    visit = desk_check.check_contact(
        core, officer, name="Marcus Talford", youth_id=youth, channel="visit"
    )
    assert visit.result == "REVIEW" and "covers mail" in visit.instruction
    mail = desk_check.check_contact(
        core, officer, name="Marcus Talford", youth_id=youth, channel="mail"
    )
    assert mail.result == "BLOCK"


def test_bad_probe_is_refused_and_not_logged(core: Core, officer: Actor) -> None:
    youth = new_youth(core, officer)
    for kwargs, field in (
        ({}, "name"),
        ({"phone": "twelve"}, "phone"),
        ({"name": "x", "channel": "fax"}, "channel"),
    ):
        with pytest.raises(ValidationError) as error:
            desk_check.check_contact(core, officer, youth_id=youth, **kwargs)  # type: ignore[arg-type]
        assert error.value.field == field
    for huge in (10**20, 0, -3):
        with pytest.raises(ValidationError) as error:
            desk_check.check_contact(core, officer, name="x", youth_id=huge)
        assert error.value.field == "youth_id"
    with pytest.raises(ValidationError, match="restriction_id"):
        restrictions.get_restriction(core, officer, 10**20)
    assert log_rows(core) == 0


def test_index_cache_follows_every_change_even_from_another_workstation(
    core: Core, officer: Actor, supervisor: Actor, db_url: str
) -> None:
    youth = new_youth(core, officer)
    first = restrictions.add_restriction(core, officer, marcus(youth))
    check = desk_check.check_contact
    assert check(core, officer, name="Marcus Talford", youth_id=youth).result == "BLOCK"
    other_db = Database.open(db_url)  # a second workstation with its own cache
    other = Core(other_db, clock=lambda: NOW)
    try:
        assert check(other, officer, name="Smoke", youth_id=youth).result == "CLEAR"
        restrictions.update_restriction(
            core, officer, first.id, first.version, marcus(youth, aliases=("Smoke",))
        )
        assert check(other, officer, name="Smoke", youth_id=youth).result == "BLOCK"
        assert check(other, officer, name="Big Money", youth_id=youth).result == "CLEAR"
        second = restrictions.add_restriction(
            other,
            officer,
            marcus(youth, person_name="Rico Halby", aliases=(), phones=(), handles=()),
        )
        assert check(core, officer, name="Rico Halby", youth_id=youth).result == "BLOCK"
        restrictions.lift_restriction(other, supervisor, second.id, second.version, "replaced")
        assert check(core, officer, name="Rico Halby", youth_id=youth).result == "CLEAR"
        assert restriction_index.prepare_index(core) >= 1
    finally:
        other_db.dispose()


@pytest.mark.parametrize("scoped_limit", [0, 200])
def test_in_custody_index_follows_changes(
    core: Core,
    officer: Actor,
    supervisor: Actor,
    monkeypatch: pytest.MonkeyPatch,
    scoped_limit: int,
) -> None:
    monkeypatch.setattr(restriction_index, "SCOPED_DELTA_LIMIT", scoped_limit)
    youth = new_youth(core, officer)
    detain(core, youth)
    check = desk_check.check_contact
    first = restrictions.add_restriction(core, officer, marcus(youth))
    assert check(core, officer, name="Marcus Talford").result == "BLOCK"
    edited = restrictions.update_restriction(
        core, officer, first.id, first.version, marcus(youth, person_name="Marcus Talbot")
    )
    assert check(core, officer, name="Marcus Talbot").result == "BLOCK"
    assert check(core, officer, name="Big Money").result == "BLOCK"
    assert check(core, officer, name="Marcus Talford").result in {"CLEAR", "REVIEW"}
    restrictions.lift_restriction(core, supervisor, edited.id, edited.version, "replaced")
    assert check(core, officer, name="Marcus Talbot").result == "CLEAR"
    restrictions.add_restriction(
        core, officer, marcus(youth, person_name="Rico Halby", aliases=(), phones=(), handles=())
    )
    assert check(core, officer, name="Rico Halby").result == "BLOCK"
    assert restriction_index.prepare_index(core) >= 1


def test_delta_growth_rebuilds_the_base(
    core: Core, officer: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(restriction_index, "DELTA_LIMIT", 2)
    youth = new_youth(core, officer)
    names = ["Marcus Talford", "Rico Halby", "Dante Coridge", "Lamar Norvin"]
    for name in names:
        restrictions.add_restriction(
            core, officer, marcus(youth, person_name=name, aliases=(), phones=(), handles=())
        )
        for seen in names[: names.index(name) + 1]:
            assert (
                desk_check.check_contact(core, officer, name=seen, youth_id=youth).result == "BLOCK"
            )


def test_the_app_has_no_way_to_change_or_delete_the_check_log() -> None:
    public = [name for name in dir(restrictions) if not name.startswith("_")]
    for name in public:
        lowered = name.lower()
        assert not any(word in lowered for word in ("delete", "remove", "purge", "erase")), name
        if "check" in lowered:
            assert not any(w in lowered for w in ("update", "edit", "change", "set_")), name
    package = Path(girlscourt.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in {"update", "delete"} and any(
                isinstance(a, ast.Name) and a.id == "RestrictionCheck" for a in node.args
            ):
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == []
    source = inspect.getsource(restrictions)
    assert "session.delete" not in source and "RestrictionCheck.__table__" not in source


# --------------------------------------------------------------------------- reminders, lists


def test_reminders(core: Core, officer: Actor, supervisor: Actor) -> None:
    youth = new_youth(core, officer)
    detain(core, youth)
    review = restrictions.add_restriction(
        core, supervisor, marcus(youth, starts_on=dt.date(2026, 10, 1)), approve=True
    )  # review 2026-10-31: overdue
    ending = restrictions.add_restriction(
        core,
        officer,
        marcus(
            youth,
            person_name="Rico Halby",
            ends_on=dt.date(2026, 12, 5),
            notices=Notices(TODAY, TODAY, TODAY),
        ),
    )
    later = restrictions.add_restriction(
        core,
        supervisor,
        marcus(youth, person_name="Dante Coridge", notices=Notices(TODAY, TODAY, TODAY)),
        approve=True,
    )
    due = restriction_lists.reminders(core, officer, within_days=14)
    assert [(r.restriction_id, r.days_left) for r in due.reviews_due] == [
        (review.id, -29),
        (ending.id, 6),
    ]
    assert [r.restriction_id for r in due.expiring] == [ending.id]
    assert [r.restriction_id for r in due.pending_approval] == [ending.id]
    assert [r.restriction_id for r in due.notices_missing] == [review.id]
    assert all(r.in_custody and r.youth_initials == "Z.O." for r in due.reviews_due)
    reviewed = restrictions.review_restriction(core, supervisor, review.id, review.version)
    assert reviewed.data.review_on == dt.date(2026, 12, 29)
    assert later.id not in [
        r.restriction_id for r in restriction_lists.reminders(core, officer).reviews_due
    ]


def test_withheld_location(core: Core, officer: Actor) -> None:
    secret = new_youth(core, officer)
    plain = new_youth(core, officer, "Ana", "Vale")
    restrictions.add_restriction(core, officer, marcus(secret, do_not_disclose_location=True))
    restrictions.add_restriction(core, officer, marcus(plain))
    with core.read() as session:
        found = restrictions.withheld_location_youth_ids(session, [secret, plain], TODAY)
    assert found == {secret}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_unit_list_and_check_log_print(core: Core, officer: Actor, supervisor: Actor) -> None:
    youth = new_youth(core, officer)
    other = new_youth(core, officer, "Ana", "Vale")
    detain(core, youth, "B-East")
    detain(core, other, "C-West")
    restrictions.add_restriction(core, officer, marcus(youth))
    restrictions.add_restriction(
        core, officer, marcus(other, person_name="Dante Coridge", aliases=(), phones=(), handles=())
    )
    printed = restriction_printing.print_unit_list(core, officer, "b-east")
    text = pdf_text(printed.pdf)
    assert printed.rows == 1 and "Z.O." in text and "Marcus Talford" in text
    assert "Big Money" in text and "Dante Coridge" not in text and "B-East" in text
    assert printed.document_id in text and "CONFIDENTIAL" in text
    assert restriction_lists.housing_units(core, officer) == ("B-East", "C-West")
    desk_check.check_contact(core, officer, name="Marcus Talford")
    desk_check.check_contact(core, officer, name="Wren Abernathy", youth_id=other)
    with pytest.raises(PermissionDenied):
        restriction_printing.print_check_log(core, officer, TODAY, TODAY)
    log = restriction_printing.print_check_log(core, supervisor, TODAY, TODAY)
    text = pdf_text(log.pdf)
    assert log.rows == 2 and "Wren Abernathy" in text and "BLOCK" in text and "CLEAR" in text
    assert "append-only" in text
    prints = actions(core, "document.print")
    assert [p[2].split()[1] for p in prints if p[2]] == [printed.document_id, log.document_id]
    entries = restriction_lists.check_log(core, supervisor, TODAY, TODAY, youth_id=other)
    assert [e.probe_name for e in entries] == ["Wren Abernathy"]
    with pytest.raises(ValidationError, match="to"):
        restriction_lists.check_log(core, supervisor, TODAY, TODAY - dt.timedelta(days=1))


def test_demo_seed_without_and_with_custody(core: Core, admin: Actor) -> None:
    ids = [new_youth(core, admin, f"Demo{i}", "Ashford") for i in range(12)]
    count = demo_restrictions.seed_restrictions(core, admin, random.Random(3))
    assert count >= 1
    with core.read() as session:
        youth_ids = set(session.execute(select(ContactRestriction.youth_id)).scalars())
        checks = session.execute(select(func.count(RestrictionCheck.id))).scalar_one()
    assert youth_ids <= set(ids) and checks == count * 3
    for youth_id in ids[:5]:
        detain(core, youth_id)
    more = demo_restrictions.seed_restrictions(core, admin, random.Random(4))
    with core.read() as session:
        newest = session.execute(
            select(ContactRestriction.youth_id).order_by(ContactRestriction.id.desc()).limit(more)
        ).scalars()
        assert set(newest) <= set(ids[:5])
    assert ("ok", None, f"restrictions={more} checks={more * 3}") in actions(core, "demo.seed")
    # The seeded rows are visible to the desk at once.
    with core.read() as session:
        name = session.execute(
            select(ContactRestriction.person_name, ContactRestriction.youth_id)
            .where(ContactRestriction.lifted_at.is_(None))
            .order_by(ContactRestriction.id.desc())
        ).first()
    assert name is not None
    outcome = desk_check.check_contact(core, admin, name=name[0], youth_id=name[1])
    assert outcome.result in {"BLOCK", "REVIEW"}


# --------------------------------------------------------------------------- sealing (WIC 786)


def test_sealing_hides_restrictions_from_lists_but_the_desk_still_blocks(
    core: Core, admin: Actor, officer: Actor, supervisor: Actor
) -> None:
    youth = new_youth(core, officer)
    other = new_youth(core, officer, "Ana", "Vale")
    detain(core, youth, "B-East")
    detain(core, other, "B-East")
    hers = restrictions.add_restriction(core, officer, marcus(youth))
    theirs = restrictions.add_restriction(
        core, officer, marcus(other, person_name="Dante Coridge", aliases=(), phones=(), handles=())
    )
    before = desk_check.check_contact(core, officer, name="Marcus Talford")
    assert before.matches[0].youth_initials == "Z.O." and before.matches[0].youth_id == youth
    custodian = sign_in_as(core, admin, Role.CUSTODIAN)
    seal_youth(core, custodian, youth)

    # gone from every list and lookup, with the refusals audited
    with pytest.raises(NotFound):
        restrictions.list_restrictions(core, officer, youth)
    with pytest.raises(NotFound):
        restrictions.get_restriction(core, officer, hers.id)
    assert [r.id for r in restrictions.list_restrictions(core, custodian, youth)] == [hers.id]
    assert actions(core, "restriction.view")[-3:] == [
        ("denied", youth, "sealed"),
        ("denied", hers.id, "sealed"),
        ("ok", youth, None),
    ]
    due = restriction_lists.reminders(core, officer, within_days=60)
    assert {r.restriction_id for r in due.reviews_due + due.pending_approval} == {theirs.id}
    listing = restriction_lists.unit_list(core, officer, "B-East")
    assert listing.youths_in_unit == 1 and [r.restriction_id for r in listing.rows] == [theirs.id]
    printed = restriction_printing.print_unit_list(core, officer, "B-East")
    text = pdf_text(printed.pdf)
    assert printed.rows == 1 and "Dante Coridge" in text
    assert "Marcus Talford" not in text and "Z.O." not in text

    # the desk: still BLOCK (safety first), but the youth is withheld
    outcome = desk_check.check_contact(core, officer, name="Marcus Talford")
    assert outcome.result == "BLOCK"
    (match,) = outcome.matches
    assert (match.restriction_id, match.youth_id) == (hers.id, None)
    assert match.youth_initials == restrictions.WITHHELD
    assert "Z.O." not in outcome.instruction and restrictions.WITHHELD in outcome.instruction
    # a check naming her id answers as for an id nobody has, and logs nothing about her
    for scope in (youth, 999_999):
        with pytest.raises(NotFound, match=f"^youth_id: no youth with id {scope}$"):
            desk_check.check_contact(core, officer, name="Marcus Talford", youth_id=scope)
    assert actions(core, "restriction.check")[-1] == ("denied", youth, "sealed")

    # the check log keeps what the desk answered, without her
    entries = restriction_lists.check_log(core, supervisor, TODAY, TODAY)
    assert [e.id for e in entries] == [before.check_id, before.check_id + 1]
    assert entries[0].matches[0].youth_id is None and entries[0].match_initials == {}
    assert [(m.restriction_id, m.grade) for m in entries[1].matches] == [(hers.id, "BLOCK")]
    assert entries[1].matches[0].youth_id is None
    assert restriction_lists.check_log(core, supervisor, TODAY, TODAY, youth_id=youth) == ()
    log = restriction_printing.print_check_log(core, supervisor, TODAY, TODAY)
    assert log.rows == 2 and "Z.O." not in pdf_text(log.pdf)
