"""The partner agency directory and its designated CSEC point-persons, kept by administrators."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from girlscourt.db.models import Agency, AgencyRepresentative
from girlscourt.domain.contact_matching import normalise_phone
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.domain.referral_rules import label_of, parse_choice
from girlscourt.errors import ConflictError, NotFound, ValidationError
from girlscourt.services.kernel.core import Actor, Core

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AgencyKind(StrEnum):
    """What a partner agency is."""

    DISTRICT_ATTORNEY = "district_attorney"
    PUBLIC_DEFENDER = "public_defender"
    LAW_ENFORCEMENT = "law_enforcement"
    CRISIS_ADVOCACY = "crisis_advocacy"
    CHILD_ADVOCACY_CENTER = "child_advocacy_center"
    MEDICAL = "medical"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    CHILD_WELFARE = "child_welfare"
    COURT = "court"
    SCHOOL = "school"
    HOUSING = "housing"
    VICTIM_SERVICES = "victim_services"
    OTHER = "other"


KIND_LABELS: dict[AgencyKind, str] = {
    AgencyKind.DISTRICT_ATTORNEY: "District Attorney",
    AgencyKind.PUBLIC_DEFENDER: "Public Defender",
    AgencyKind.LAW_ENFORCEMENT: "Law enforcement",
    AgencyKind.CRISIS_ADVOCACY: "Crisis advocacy / first crisis response",
    AgencyKind.CHILD_ADVOCACY_CENTER: "Child advocacy / forensic interview centre",
    AgencyKind.MEDICAL: "Medical",
    AgencyKind.MENTAL_HEALTH: "Mental health",
    AgencyKind.SUBSTANCE_USE: "Substance use treatment",
    AgencyKind.CHILD_WELFARE: "Child welfare",
    AgencyKind.COURT: "Court",
    AgencyKind.SCHOOL: "School / education",
    AgencyKind.HOUSING: "Housing",
    AgencyKind.VICTIM_SERVICES: "Victim services",
    AgencyKind.OTHER: "Other",
}


@dataclass(frozen=True)
class AgencyInput:
    """An agency as an administrator types it."""

    name: str
    kind: str
    phone: str | None = None
    secure_email: str | None = None
    fax: str | None = None
    hours: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


@dataclass(frozen=True)
class RepresentativeInput:
    """A named contact at an agency; ``csec_point_person`` marks the protocol's designee."""

    name: str
    title: str | None = None
    phone: str | None = None
    secure_email: str | None = None
    csec_point_person: bool = False
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


@dataclass(frozen=True)
class RepresentativeRecord:
    """A stored representative."""

    id: int
    version: int
    agency_id: int
    name: str
    title: str | None
    phone: str | None
    secure_email: str | None
    csec_point_person: bool
    effective_from: dt.date | None
    effective_to: dt.date | None
    active: bool


@dataclass(frozen=True)
class AgencyRecord:
    """A stored agency with its representatives (point-persons first)."""

    id: int
    version: int
    name: str
    kind: str
    kind_label: str
    phone: str | None
    secure_email: str | None
    fax: str | None
    hours: str | None
    effective_from: dt.date | None
    effective_to: dt.date | None
    active: bool
    representatives: tuple[RepresentativeRecord, ...]

    @property
    def point_person(self) -> RepresentativeRecord | None:
        """The active designated CSEC point-person, if the agency has one."""
        for rep in self.representatives:
            if rep.csec_point_person and rep.active:
                return rep
        return None


def active_on(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Whether an effective-dated row is in force on ``day``."""
    return (start is None or start <= day) and (end is None or day <= end)


def _phone(field: str, value: str | None) -> str | None:
    text = clean_text(field, value, required=False, max_length=40)
    if text is not None and normalise_phone(text) is None:
        raise ValidationError(field, f"{text!r} is not a phone number")
    return text


def _email(field: str, value: str | None) -> str | None:
    text = clean_text(field, value, required=False, max_length=200)
    if text is not None and not _EMAIL.match(text):
        raise ValidationError(field, f"{text!r} is not an e-mail address")
    return text


def _dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError("effective_to", "is before effective_from")


def validate_agency(data: AgencyInput) -> AgencyInput:
    """Check and normalise an agency; the first problem raises ValidationError naming the field."""
    name = clean_text("name", data.name, required=True, max_length=200)
    kind = parse_choice("kind", data.kind, [k.value for k in AgencyKind])
    _dates(data.effective_from, data.effective_to)
    assert name is not None
    return AgencyInput(
        name=name,
        kind=kind,
        phone=_phone("phone", data.phone),
        secure_email=_email("secure_email", data.secure_email),
        fax=_phone("fax", data.fax),
        hours=clean_text("hours", data.hours, required=False, max_length=200),
        effective_from=data.effective_from,
        effective_to=data.effective_to,
    )


def validate_representative(data: RepresentativeInput, prefix: str = "") -> RepresentativeInput:
    """Check and normalise a representative (``prefix`` names the JSON path in batch input)."""
    name = clean_text(f"{prefix}name", data.name, required=True, max_length=200)
    if not isinstance(data.csec_point_person, bool):
        raise ValidationError(f"{prefix}csec_point_person", "must be true or false")
    if data.effective_from and data.effective_to and data.effective_to < data.effective_from:
        raise ValidationError(f"{prefix}effective_to", "is before effective_from")
    assert name is not None
    return RepresentativeInput(
        name=name,
        title=clean_text(f"{prefix}title", data.title, required=False, max_length=120),
        phone=_phone(f"{prefix}phone", data.phone),
        secure_email=_email(f"{prefix}secure_email", data.secure_email),
        csec_point_person=data.csec_point_person,
        effective_from=data.effective_from,
        effective_to=data.effective_to,
    )


def _rep_record(rep: AgencyRepresentative, today: dt.date) -> RepresentativeRecord:
    return RepresentativeRecord(
        id=rep.id,
        version=rep.version,
        agency_id=rep.agency_id,
        name=rep.name,
        title=rep.title,
        phone=rep.phone,
        secure_email=rep.secure_email,
        csec_point_person=rep.csec_point_person,
        effective_from=rep.effective_from,
        effective_to=rep.effective_to,
        active=active_on(rep.effective_from, rep.effective_to, today),
    )


def agency_record(agency: Agency, reps: list[AgencyRepresentative], today: dt.date) -> AgencyRecord:
    """An agency row and its representative rows as a record (used by other services too)."""
    records = sorted(
        (_rep_record(r, today) for r in reps),
        key=lambda r: (not (r.csec_point_person and r.active), not r.active, r.id),
    )
    return AgencyRecord(
        id=agency.id,
        version=agency.version,
        name=agency.name,
        kind=agency.kind,
        kind_label=label_of(KIND_LABELS, agency.kind),
        phone=agency.phone,
        secure_email=agency.secure_email,
        fax=agency.fax,
        hours=agency.hours,
        effective_from=agency.effective_from,
        effective_to=agency.effective_to,
        active=active_on(agency.effective_from, agency.effective_to, today),
        representatives=tuple(records),
    )


def _reps(session: Session, agency_id: int) -> list[AgencyRepresentative]:
    return list(
        session.execute(
            select(AgencyRepresentative).where(AgencyRepresentative.agency_id == agency_id)
        ).scalars()
    )


def _check_name_free(session: Session, name: str, except_id: int | None = None) -> None:
    query = select(Agency.id).where(func.lower(Agency.name) == name.lower())
    if except_id is not None:
        query = query.where(Agency.id != except_id)
    if session.execute(query).first() is not None:
        raise ValidationError("name", f"an agency named {name!r} is already in the directory")


def _fields(data: AgencyInput) -> dict[str, object]:
    return {
        "name": data.name,
        "kind": data.kind,
        "phone": data.phone,
        "secure_email": data.secure_email,
        "fax": data.fax,
        "hours": data.hours,
        "effective_from": data.effective_from,
        "effective_to": data.effective_to,
    }


def _rep_fields(data: RepresentativeInput) -> dict[str, object]:
    return {
        "name": data.name,
        "title": data.title,
        "phone": data.phone,
        "secure_email": data.secure_email,
        "csec_point_person": data.csec_point_person,
        "effective_from": data.effective_from,
        "effective_to": data.effective_to,
    }


def create_agency(
    core: Core,
    actor: Actor,
    data: AgencyInput,
    representatives: tuple[RepresentativeInput, ...] = (),
) -> AgencyRecord:
    """Add an agency (and its representatives) to the directory in one transaction."""
    core.require(actor, Action.AGENCY_MANAGE)
    clean = validate_agency(data)
    reps = [
        validate_representative(r, f"representatives[{i}].") for i, r in enumerate(representatives)
    ]
    with core.write() as session:
        _check_name_free(session, clean.name)
        agency = Agency(**_fields(clean))
        session.add(agency)
        session.flush()
        rows = [AgencyRepresentative(agency_id=agency.id, **_rep_fields(r)) for r in reps]
        session.add_all(rows)
        core.audit(session, actor, "agency.create", record_kind="agency", record_id=agency.id)
        session.flush()
        return agency_record(agency, rows, core.today())


def _load_for_edit(
    core: Core, session: Session, actor: Actor, agency_id: int, expected_version: int | None
) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"agency {agency_id}: no such agency")
    if expected_version is not None and agency.version != expected_version:
        core.audit(
            session,
            actor,
            "agency.edit",
            record_kind="agency",
            record_id=agency_id,
            outcome="conflict",
        )
        session.commit()
        raise ConflictError(
            f"agency {agency_id}: someone else saved it (version {agency.version}) after you "
            f"opened it (version {expected_version}); nothing was overwritten",
            current_version=agency.version,
        )
    return agency


def update_agency(
    core: Core, actor: Actor, agency_id: int, expected_version: int | None, data: AgencyInput
) -> AgencyRecord:
    """Save edits to an agency (end its listing by setting ``effective_to``)."""
    core.require(actor, Action.AGENCY_MANAGE, record_kind="agency", record_id=agency_id)
    clean = validate_agency(data)
    with core.write() as session:
        agency = _load_for_edit(core, session, actor, agency_id, expected_version)
        _check_name_free(session, clean.name, agency_id)
        for key, value in _fields(clean).items():
            setattr(agency, key, value)
        agency.updated_at = core.now()
        core.audit(session, actor, "agency.edit", record_kind="agency", record_id=agency_id)
        session.flush()
        return agency_record(agency, _reps(session, agency_id), core.today())


def add_representative(
    core: Core, actor: Actor, agency_id: int, data: RepresentativeInput
) -> AgencyRecord:
    """Name a new contact (or point-person) at an agency."""
    core.require(actor, Action.AGENCY_MANAGE, record_kind="agency", record_id=agency_id)
    clean = validate_representative(data)
    with core.write() as session:
        agency = _load_for_edit(core, session, actor, agency_id, None)
        session.add(AgencyRepresentative(agency_id=agency_id, **_rep_fields(clean)))
        agency.updated_at = core.now()
        core.audit(
            session, actor, "agency.representative", record_kind="agency", record_id=agency_id
        )
        session.flush()
        return agency_record(agency, _reps(session, agency_id), core.today())


def update_representative(
    core: Core,
    actor: Actor,
    representative_id: int,
    expected_version: int | None,
    data: RepresentativeInput,
) -> AgencyRecord:
    """Save edits to a representative (end their designation by setting ``effective_to``)."""
    core.require(actor, Action.AGENCY_MANAGE)
    clean = validate_representative(data)
    with core.write() as session:
        rep = session.get(AgencyRepresentative, representative_id)
        if rep is None:
            raise NotFound(f"representative {representative_id}: no such representative")
        if expected_version is not None and rep.version != expected_version:
            core.audit(
                session,
                actor,
                "agency.representative",
                record_kind="agency",
                record_id=rep.agency_id,
                outcome="conflict",
            )
            session.commit()
            raise ConflictError(
                f"representative {representative_id}: someone else saved it first; "
                "nothing was overwritten",
                current_version=rep.version,
            )
        for key, value in _rep_fields(clean).items():
            setattr(rep, key, value)
        rep.updated_at = core.now()
        core.audit(
            session, actor, "agency.representative", record_kind="agency", record_id=rep.agency_id
        )
        session.flush()
        agency = session.get(Agency, rep.agency_id)
        assert agency is not None
        return agency_record(agency, _reps(session, rep.agency_id), core.today())


def get_agency(core: Core, actor: Actor, agency_id: int) -> AgencyRecord:
    """One agency with its representatives (the directory holds no youth data: not audited)."""
    del actor  # any signed-in user may read the directory
    with core.read() as session:
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise NotFound(f"agency {agency_id}: no such agency")
        return agency_record(agency, _reps(session, agency_id), core.today())


def list_agencies(
    core: Core, actor: Actor, *, kind: str | None = None, active_only: bool = False
) -> tuple[AgencyRecord, ...]:
    """The directory in name order, optionally one kind or only agencies in force today."""
    del actor
    today = core.today()
    with core.read() as session:
        query = select(Agency).order_by(Agency.name, Agency.id)
        if kind is not None:
            query = query.where(Agency.kind == parse_choice("kind", kind, list(AgencyKind)))
        agencies = list(session.execute(query).scalars())
        reps: dict[int, list[AgencyRepresentative]] = {a.id: [] for a in agencies}
        if agencies:
            for rep in session.execute(
                select(AgencyRepresentative).where(AgencyRepresentative.agency_id.in_(reps))
            ).scalars():
                reps[rep.agency_id].append(rep)
        records = (agency_record(a, reps[a.id], today) for a in agencies)
        return tuple(r for r in records if r.active or not active_only)
