"""A sealed youth is an unknown youth for every writer (WIC 786), the custodian excepted.

Each service writer that names a youth id is asked twice by the same staff member: once with
an id nobody has, once with the id of a youth whose every petition is sealed. Both answers must
be the same exception with the same text (the id aside), nothing may be written about her, and
the refusal must be in the audit trail. The custodian (who holds ``sealed.access``) passes the
guard: given the writer's permission, her write goes through.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from girlscourt.db.base import Base
from girlscourt.db.models import ContactRestriction, CustodyEpisode, Youth
from girlscourt.domain import permissions
from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
from girlscourt.domain.permissions import Action, Role
from girlscourt.domain.restriction_rules import RestrictionInput
from girlscourt.errors import GirlsCourtError
from girlscourt.services.court import assignments, cases
from girlscourt.services.intake import episodes, intake, intake_drafts
from girlscourt.services.intake.intake import IntakeRequest
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals import (
    agencies,
    consents,
    partner_access,
    partnership,
    referral_records,
    referrals,
)
from girlscourt.services.referrals.partnership import AttendeeInput, MdtMeetingInput
from girlscourt.services.registry import youths
from girlscourt.services.restrictions import desk_check, restrictions
from tests.partner_support import denied_events, seal_youth, sign_in_as, youth_input

NOW = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)  # Monday 30 November 2026, 09:00 in LA
UNKNOWN = 987_654  # an id no youth has
_NOT_COUNTED = {"audit_event", "audit_chain_head"}  # refusals are audited: that is the point


@dataclass
class Desk:
    """The people and records the writers need."""

    core: Core
    supervisor: Actor
    clerk: Actor
    custodian: Actor
    agency_id: int
    sealed: int  # a youth whose every petition is sealed
    episode_id: int  # her custody episode, recorded before the seal
    restriction_id: int  # her restriction, recorded before the seal


@pytest.fixture
def desk(core: Core, admin: Actor, officer: Actor) -> Desk:
    core.clock = lambda: NOW
    supervisor = sign_in_as(core, admin, Role.SUPERVISOR)
    clerk = sign_in_as(core, admin, Role.COURT_CLERK)
    custodian = sign_in_as(core, admin, Role.CUSTODIAN)
    sign_in_as(core, admin, Role.ADVOCATE)  # a partner account to assign
    agency = agencies.create_agency(
        core,
        admin,
        agencies.AgencyInput(name="Harborlight Youth Advocacy", kind="crisis_advocacy"),
        (agencies.RepresentativeInput(name="Rae Okafor", csec_point_person=True),),
    )
    youth = youths.register_youth(core, officer, youth_input("Quill", "Noor")).id
    episode = intake.record_intake(core, officer, IntakeRequest(_episode(core, youth))).episode_id
    restriction = restrictions.add_restriction(core, officer, _restriction(youth)).id
    seal_youth(core, custodian, youth)
    return Desk(core, supervisor, clerk, custodian, agency.id, youth, episode, restriction)


def _episode(core: Core, youth_id: int) -> EpisodeInput:
    return EpisodeInput(
        youth_id=youth_id,
        custody_start_at=core.now() - dt.timedelta(hours=2),
        charges=(ChargeInput("PC 211"),),
    )


def _restriction(youth_id: int) -> RestrictionInput:
    return RestrictionInput(
        youth_id=youth_id,
        person_name="Marcus Talford",
        channels=("visit", "phone"),
        basis="court_order",
        court_order_number="JV-2026-01234",
    )


def _version(core: Core, youth_id: int) -> int:
    with core.read() as session:
        return int(session.execute(select(Youth.version).where(Youth.id == youth_id)).scalar_one())


# --- the writers that name a youth id -----------------------------------------------------------


@dataclass(frozen=True)
class Writer:
    name: str
    clerk: bool  # written by the court clerk (else a supervisor, who holds the intake actions)
    action: str  # the refusal's audited action
    call: Callable[[Desk, Actor, int], Any]


def _referral(d: Desk, a: Actor, y: int) -> Any:
    data = referral_records.ReferralInput(
        youth_id=y,
        referral_type="csec_advocacy",
        agency_id=d.agency_id,
        urgency="24_hours",
        reason_codes=("csec_identified",),
    )
    return referrals.create_referral(d.core, a, data)


def _consent(d: Desk, a: Actor, y: int) -> Any:
    data = referral_records.ConsentInput(
        youth_id=y,
        signer_role="youth",
        signer_name="Noor Quill",
        legal_basis="YOUTH_AUTHORIZATION",
        scope=("csec_advocacy",),
        recipient_agency_id=d.agency_id,
        purpose="Advocacy after intake",
        information="Name and date of birth",
        signed_on=d.core.today(),
        expires_on=d.core.today() + dt.timedelta(days=90),
        maturity_attested=True,
    )
    return consents.create_consent(d.core, a, data)


def _meeting(d: Desk, a: Actor, y: int) -> Any:
    held = d.core.now() - dt.timedelta(days=2)
    signed = held.astimezone(d.core.settings.timezone).date() - dt.timedelta(days=30)
    data = MdtMeetingInput(y, held, (AttendeeInput("Rae Okafor", "CSEC advocate", None, signed),))
    return partnership.record_mdt_meeting(d.core, a, data)


WRITERS = (
    Writer(
        "intake",
        False,
        "intake.create",
        lambda d, a, y: intake.record_intake(d.core, a, IntakeRequest(_episode(d.core, y))),
    ),
    Writer(
        "intake draft",
        False,
        "intake.draft",
        lambda d, a, y: intake_drafts.save_draft(d.core, a, {"step": "episode"}, youth_id=y),
    ),
    Writer(
        "case",
        True,
        "case.create",
        lambda d, a, y: cases.open_case(
            d.core,
            a,
            cases.CaseInput(y, f"JV-26-{y}", (cases.PetitionInput("A", dt.date(2026, 11, 2)),)),
        ),
    ),
    Writer(
        "girls court referral",
        True,
        "girls_court.refer",
        lambda d, a, y: assignments.refer_to_girls_court(
            d.core, a, assignments.ReferralInput(y, "Referred by the public defender")
        ),
    ),
    Writer(
        "restriction",
        False,
        "restriction.create",
        lambda d, a, y: restrictions.add_restriction(d.core, a, _restriction(y)),
    ),
    Writer(
        "restriction check for one youth",
        False,
        "restriction.check",
        lambda d, a, y: desk_check.check_contact(d.core, a, name="Marcus Talford", youth_id=y),
    ),
    Writer("referral", False, "referral.create", _referral),
    Writer("consent", False, "consent.create", _consent),
    Writer("MDT meeting", False, "mdt.record", _meeting),
    Writer(
        "partner assignment",
        False,
        "partner.assign",
        lambda d, a, y: partner_access.assign_partner(
            d.core, a, "advocate", y, "advocacy_services"
        ),
    ),
    Writer(
        "youth edit",
        False,
        "youth.edit",
        lambda d, a, y: youths.update_youth(
            d.core, a, y, _version(d.core, y) if y != UNKNOWN else 1, youth_input("Quill", "Noa")
        ),
    ),
)


def row_counts(core: Core) -> dict[str, int]:
    """How many rows each table holds (the audit trail aside)."""
    with core.read() as session:
        return {
            name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in Base.metadata.tables.items()
            if name not in _NOT_COUNTED
        }


def same_answer(hidden: GirlsCourtError, missing: GirlsCourtError, ids: tuple[int, int]) -> None:
    """The same exception class and text, but for the id each one names."""
    sealed, unknown = ids
    assert type(hidden) is type(missing)
    assert hidden.message == re.sub(rf"\b{unknown}\b", str(sealed), missing.message)
    assert hidden.exit_code == missing.exit_code


@pytest.mark.parametrize("writer", WRITERS, ids=[w.name for w in WRITERS])
def test_a_sealed_youth_id_answers_every_writer_like_an_unknown_one(
    desk: Desk, writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = desk.clerk if writer.clerk else desk.supervisor
    with pytest.raises(GirlsCourtError) as missing:
        writer.call(desk, actor, UNKNOWN)
    before = row_counts(desk.core)
    with pytest.raises(GirlsCourtError) as hidden:
        writer.call(desk, actor, desk.sealed)
    same_answer(hidden.value, missing.value, (desk.sealed, UNKNOWN))
    assert row_counts(desk.core) == before  # nothing attached to her
    assert denied_events(desk.core, actor)[-1] == (writer.action, "youth", desk.sealed, "sealed")

    monkeypatch.setitem(permissions.PERMISSIONS, Role.CUSTODIAN, frozenset(Action))
    assert desk.custodian.may(Action.SEALED_ACCESS)
    writer.call(desk, desk.custodian, desk.sealed)  # the custodian sees her and can act
    assert row_counts(desk.core) != before or writer.name == "youth edit"


# --- writers that reach her through one of her records ------------------------------------------


@dataclass(frozen=True)
class RecordWriter:
    name: str
    action: str
    kind: str
    record: Callable[[Desk], int]
    call: Callable[[Desk, Actor, int], Any]


def _current(core: Core, model: Any, record_id: int) -> int:
    with core.read() as session:
        row = session.get(model, record_id)
        return int(row.version) if row is not None else 1


RECORD_WRITERS = (
    RecordWriter(
        "custody episode events",
        "intake.update",
        "episode",
        lambda d: d.episode_id,
        lambda d, a, r: episodes.update_episode(
            d.core, a, r, _current(d.core, CustodyEpisode, r), {"housing_unit": "B-East"}
        ),
    ),
    RecordWriter(
        "restriction lift",
        "restriction.lift",
        "contact_restriction",
        lambda d: d.restriction_id,
        lambda d, a, r: restrictions.lift_restriction(
            d.core, a, r, _current(d.core, ContactRestriction, r), "court_order_changed"
        ),
    ),
    RecordWriter(
        "restriction review",
        "restriction.review",
        "contact_restriction",
        lambda d: d.restriction_id,
        lambda d, a, r: restrictions.review_restriction(
            d.core, a, r, _current(d.core, ContactRestriction, r)
        ),
    ),
)


@pytest.mark.parametrize("writer", RECORD_WRITERS, ids=[w.name for w in RECORD_WRITERS])
def test_her_records_written_by_their_own_id_answer_like_unknown_ones(
    desk: Desk, writer: RecordWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_id = writer.record(desk)
    with pytest.raises(GirlsCourtError) as missing:
        writer.call(desk, desk.supervisor, UNKNOWN)
    before = row_counts(desk.core)
    with pytest.raises(GirlsCourtError) as hidden:
        writer.call(desk, desk.supervisor, record_id)
    same_answer(hidden.value, missing.value, (record_id, UNKNOWN))
    assert row_counts(desk.core) == before
    assert denied_events(desk.core, desk.supervisor)[-1] == (
        writer.action,
        writer.kind,
        record_id,
        "sealed",
    )
    monkeypatch.setitem(permissions.PERMISSIONS, Role.CUSTODIAN, frozenset(Action))
    writer.call(desk, desk.custodian, record_id)
