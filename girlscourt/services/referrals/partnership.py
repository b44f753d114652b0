"""Partnership records the CSEC protocol asks for: MDT meetings, safety plans, staff trainings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    Agency,
    MdtAttendee,
    MdtMeeting,
    SafetyPlanItem,
    StaffTraining,
    User,
)
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound, RuleRefused, ValidationError
from girlscourt.services.kernel import partner_scope
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing
from girlscourt.services.security.training import TrainingRecord, add_training

__all__ = [
    "AttendeeInput",
    "AttendeeRecord",
    "MdtMeetingInput",
    "MdtMeetingRecord",
    "MdtMeetingSummary",
    "SafetyPlanItemInput",
    "SafetyPlanItemRecord",
    "StaffTrainingRow",
    "TrainingCourseSummary",
    "add_safety_plan_item",
    "add_training",
    "complete_safety_plan_item",
    "get_mdt_meeting",
    "list_mdt_meetings",
    "list_trainings",
    "record_mdt_meeting",
    "training_summary",
]

MAX_ATTENDEES = 60
MAX_ITEMS = 60
DESCRIPTION_MAX = 2000


@dataclass(frozen=True)
class AttendeeInput:
    """Someone at the table: their agency, role and the date their confidentiality agreement
    was signed (required: no agreement on file, no seat at the meeting)."""

    name: str
    role: str
    agency_id: int | None = None
    confidentiality_agreement_on: dt.date | None = None


@dataclass(frozen=True)
class SafetyPlanItemInput:
    """One action of the youth's safety plan."""

    description: str
    owner: str
    due_on: dt.date


@dataclass(frozen=True)
class MdtMeetingInput:
    """An MDT meeting about one youth (SafetyNet reviews each youth in turn)."""

    youth_id: int
    held_at: dt.datetime
    attendees: tuple[AttendeeInput, ...]
    convening_agency_id: int | None = None
    items: tuple[SafetyPlanItemInput, ...] = ()
    next_review_on: dt.date | None = None


@dataclass(frozen=True)
class AttendeeRecord:
    """An attendee as saved."""

    id: int
    name: str
    role: str
    agency_id: int | None
    agency_name: str | None
    confidentiality_agreement_on: dt.date | None


@dataclass(frozen=True)
class SafetyPlanItemRecord:
    """A safety-plan item as saved; ``done_on`` once the owner reports it done."""

    id: int
    version: int
    meeting_id: int
    description: str
    owner: str
    due_on: dt.date
    done_on: dt.date | None

    def state(self, today: dt.date) -> str:
        """``done``, ``overdue`` or ``open``."""
        if self.done_on is not None:
            return "done"
        return "overdue" if today > self.due_on else "open"


@dataclass(frozen=True)
class MdtMeetingRecord:
    """A meeting with its attendees and safety plan."""

    id: int
    version: int
    youth_id: int
    held_at: dt.datetime
    convening_agency_id: int | None
    convening_agency_name: str | None
    next_review_on: dt.date | None
    attendees: tuple[AttendeeRecord, ...] = field(default=())
    items: tuple[SafetyPlanItemRecord, ...] = field(default=())


@dataclass(frozen=True)
class MdtMeetingSummary:
    """A row of the meetings list."""

    id: int
    youth_id: int
    held_at: dt.datetime
    convening_agency_name: str | None
    attendees: int
    items: int
    items_open: int


@dataclass(frozen=True)
class StaffTrainingRow:
    """A training record with the staff member's display name."""

    record: TrainingRecord
    display_name: str
    current_on: bool


@dataclass(frozen=True)
class TrainingCourseSummary:
    """One course over a period: completions, people, hours, and who is current today."""

    course: str
    completions: int
    staff: int
    hours: float
    current_staff: int


# --- checks --------------------------------------------------------------------------------------


def _text(field_name: str, value: object, max_length: int) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError(field_name, "must be text")
    cleaned = clean_text(field_name, value, required=True, max_length=max_length)
    assert cleaned is not None
    return cleaned


def _date(field_name: str, value: object, *, required: bool) -> dt.date | None:
    if value is None:
        if required:
            raise ValidationError(field_name, "is required")
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(field_name, "must be a date (YYYY-MM-DD)")
    return value


def _check_attendee(index: int, data: AttendeeInput, meeting_day: dt.date) -> AttendeeInput:
    where = f"attendees[{index}]"
    role = _text(f"{where}.role", data.role, 80)
    name = _text(f"{where}.name", data.name, 200)
    signed = _date(f"{where}.confidentiality_agreement_on", data.confidentiality_agreement_on,
                   required=False)  # fmt: skip
    if signed is None:
        raise ValidationError(
            f"{where}.confidentiality_agreement_on",
            f"the {role} has no confidentiality agreement on file; every MDT member signs one "
            "before taking part, so this meeting was not saved",
        )
    if signed > meeting_day:
        raise ValidationError(
            f"{where}.confidentiality_agreement_on",
            f"the {role}'s agreement ({signed.isoformat()}) was signed after the meeting "
            f"({meeting_day.isoformat()}); it was not on file when they attended",
        )
    if data.agency_id is not None and (
        isinstance(data.agency_id, bool) or not isinstance(data.agency_id, int)
    ):
        raise ValidationError(f"{where}.agency_id", "must be an agency id")
    return AttendeeInput(name, role, data.agency_id, signed)


def _check_item(where: str, data: SafetyPlanItemInput, meeting_day: dt.date) -> SafetyPlanItemInput:
    description = clean_text(
        f"{where}.description",
        data.description,
        required=True,
        max_length=DESCRIPTION_MAX,
        multiline=True,
    )
    owner = _text(f"{where}.owner", data.owner, 200)
    due = _date(f"{where}.due_on", data.due_on, required=True)
    assert description is not None and due is not None
    if due < meeting_day:
        raise ValidationError(f"{where}.due_on", "is before the meeting")
    return SafetyPlanItemInput(description, owner, due)


def _check_meeting(core: Core, data: MdtMeetingInput) -> MdtMeetingInput:
    if not isinstance(data.held_at, dt.datetime) or data.held_at.tzinfo is None:
        raise ValidationError("held_at", "needs a date, time and time zone offset")
    if data.held_at > core.now() + dt.timedelta(minutes=5):
        raise ValidationError("held_at", "is in the future; record a meeting once it is held")
    day = data.held_at.astimezone(core.settings.timezone).date()
    if not data.attendees:
        raise ValidationError("attendees", "list at least one attendee")
    if len(data.attendees) > MAX_ATTENDEES:
        raise ValidationError("attendees", f"at most {MAX_ATTENDEES} attendees")
    if len(data.items) > MAX_ITEMS:
        raise ValidationError("items", f"at most {MAX_ITEMS} safety-plan items")
    review = _date("next_review_on", data.next_review_on, required=False)
    if review is not None and review < day:
        raise ValidationError("next_review_on", "is before the meeting")
    attendees = tuple(_check_attendee(i, a, day) for i, a in enumerate(data.attendees))
    items = tuple(_check_item(f"items[{i}]", it, day) for i, it in enumerate(data.items))
    return MdtMeetingInput(
        data.youth_id,
        data.held_at,
        attendees,
        data.convening_agency_id,
        items,
        review,
    )


def _agency_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(wanted))).all())


def _require_agencies(session: Session, data: MdtMeetingInput) -> None:
    known = _agency_names(
        session, [data.convening_agency_id, *(a.agency_id for a in data.attendees)]
    )
    if data.convening_agency_id is not None and data.convening_agency_id not in known:
        raise ValidationError("convening_agency_id", f"no agency {data.convening_agency_id}")
    for index, attendee in enumerate(data.attendees):
        if attendee.agency_id is not None and attendee.agency_id not in known:
            raise ValidationError(
                f"attendees[{index}].agency_id", f"no agency {attendee.agency_id}"
            )


def _item_record(row: SafetyPlanItem) -> SafetyPlanItemRecord:
    return SafetyPlanItemRecord(
        row.id, row.version, row.meeting_id, row.description, row.owner, row.due_on, row.done_on
    )


def _meeting_record(session: Session, meeting: MdtMeeting) -> MdtMeetingRecord:
    attendees = list(
        session.execute(
            select(MdtAttendee).where(MdtAttendee.meeting_id == meeting.id).order_by(MdtAttendee.id)
        ).scalars()
    )
    items = list(
        session.execute(
            select(SafetyPlanItem)
            .where(SafetyPlanItem.meeting_id == meeting.id)
            .order_by(SafetyPlanItem.due_on, SafetyPlanItem.id)
        ).scalars()
    )
    names = _agency_names(session, [meeting.convening_agency_id, *(a.agency_id for a in attendees)])
    return MdtMeetingRecord(
        meeting.id,
        meeting.version,
        meeting.youth_id,
        meeting.held_at,
        meeting.convening_agency_id,
        names.get(meeting.convening_agency_id) if meeting.convening_agency_id else None,
        meeting.next_review_on,
        tuple(
            AttendeeRecord(
                a.id,
                a.name,
                a.role,
                a.agency_id,
                names.get(a.agency_id) if a.agency_id else None,
                a.confidentiality_agreement_on,
            )
            for a in attendees
        ),
        tuple(_item_record(i) for i in items),
    )


# --- MDT meetings --------------------------------------------------------------------------------


def _refuse_if_sealed(
    core: Core,
    actor: Actor,
    youth_of: Select[int],
    action: str,
    record_kind: str,
    record_id: int,
    message: str,
) -> None:
    """A meeting is part of its youth's record: when sealing hides her, refuse (audited) as
    NotFound, the custodian excepted."""
    if actor.may(Action.SEALED_ACCESS):
        return
    with core.read() as session:
        youth_id = session.execute(youth_of).scalar_one_or_none()
        hidden = youth_id is not None and sealing.youth_is_sealed(session, youth_id)
    if hidden:
        core.refuse(actor, action, record_kind=record_kind, record_id=record_id, detail="sealed")
        raise NotFound(message)


def _meeting_youth(meeting_id: int) -> Select[int]:
    return select(MdtMeeting.youth_id).where(MdtMeeting.id == meeting_id)


def record_mdt_meeting(core: Core, actor: Actor, data: MdtMeetingInput) -> MdtMeetingRecord:
    """Save a held meeting with its attendees and safety plan, in one transaction.

    Refused, naming the attendee's field, when anyone at the table has no confidentiality
    agreement on file (dated on or before the meeting).
    """
    core.require(actor, Action.PARTNERSHIP_MANAGE, record_kind="youth", record_id=data.youth_id)
    clean = _check_meeting(core, data)
    with core.write() as session:
        sealing.visible_youth(
            core,
            session,
            actor,
            clean.youth_id,
            action="mdt.record",
            unknown=lambda: NotFound(f"youth_id: no youth {clean.youth_id}"),
        )
        _require_agencies(session, clean)
        meeting = MdtMeeting(
            youth_id=clean.youth_id,
            held_at=clean.held_at,
            convening_agency_id=clean.convening_agency_id,
            next_review_on=clean.next_review_on,
        )
        session.add(meeting)
        session.flush()
        session.add_all(
            MdtAttendee(
                meeting_id=meeting.id,
                agency_id=a.agency_id,
                role=a.role,
                name=a.name,
                confidentiality_agreement_on=a.confidentiality_agreement_on,
            )
            for a in clean.attendees
        )
        session.add_all(
            SafetyPlanItem(
                meeting_id=meeting.id, description=i.description, owner=i.owner, due_on=i.due_on
            )
            for i in clean.items
        )
        session.flush()
        core.audit(
            session,
            actor,
            "mdt.record",
            record_kind="youth",
            record_id=clean.youth_id,
            detail=f"meeting {meeting.id} attendees={len(clean.attendees)} "
            f"items={len(clean.items)}",
        )
        return _meeting_record(session, meeting)


def get_mdt_meeting(core: Core, actor: Actor, meeting_id: int) -> MdtMeetingRecord:
    """One meeting with its attendees and safety plan (the view is audited; NotFound, audited,
    when sealing hides its youth)."""
    core.require(actor, Action.PARTNERSHIP_MANAGE, record_kind="mdt_meeting", record_id=meeting_id)
    _refuse_if_sealed(
        core,
        actor,
        _meeting_youth(meeting_id),
        "mdt.view",
        "mdt_meeting",
        meeting_id,
        f"meeting {meeting_id}: no such MDT meeting",
    )
    with core.write() as session:
        meeting = session.get(MdtMeeting, meeting_id)
        if meeting is None:
            raise NotFound(f"meeting {meeting_id}: no such MDT meeting")
        core.audit(
            session,
            actor,
            "mdt.view",
            record_kind="youth",
            record_id=meeting.youth_id,
            detail=f"meeting {meeting_id}",
        )
        return _meeting_record(session, meeting)


def list_mdt_meetings(
    core: Core,
    actor: Actor,
    *,
    youth_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[MdtMeetingSummary, ...]:
    """Meetings, newest first: one youth's, or every meeting between two local dates (youth
    hidden by sealing left out, custodian excepted)."""
    core.require(actor, Action.PARTNERSHIP_MANAGE)
    tz = core.settings.timezone
    m = MdtMeeting
    attendees = select(func.count()).where(MdtAttendee.meeting_id == m.id).scalar_subquery()
    items = select(func.count()).where(SafetyPlanItem.meeting_id == m.id).scalar_subquery()
    open_items = (
        select(func.count())
        .where(SafetyPlanItem.meeting_id == m.id, SafetyPlanItem.done_on.is_(None))
        .scalar_subquery()
    )
    query = (
        select(m.id, m.youth_id, m.held_at, Agency.name, attendees, items, open_items)
        .outerjoin(Agency, Agency.id == m.convening_agency_id)
        .order_by(m.held_at.desc(), m.id.desc())
        .limit(1000)
    )
    if youth_id is not None:
        query = query.where(m.youth_id == youth_id)
    if not actor.may(Action.SEALED_ACCESS):  # a sealed youth's meetings go with her
        query = query.where(sealing.visible_youth_filter(m.youth_id))
    scope = partner_scope.scope_filter(core, actor, m.youth_id)
    if scope is not None:
        query = query.where(scope)
    if start is not None:
        query = query.where(
            m.held_at >= dt.datetime.combine(start, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
        )
    if end is not None:
        after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        query = query.where(m.held_at < after.astimezone(dt.UTC))
    with core.write() as session:
        rows = session.execute(query).all()
        core.audit(
            session,
            actor,
            "mdt.list",
            record_kind="youth" if youth_id is not None else None,
            record_id=youth_id,
            detail=f"meetings={len(rows)}",
        )
    return tuple(MdtMeetingSummary(*row) for row in rows)


def add_safety_plan_item(
    core: Core, actor: Actor, meeting_id: int, data: SafetyPlanItemInput
) -> SafetyPlanItemRecord:
    """Add an action to a meeting's safety plan."""
    core.require(actor, Action.PARTNERSHIP_MANAGE, record_kind="mdt_meeting", record_id=meeting_id)
    _refuse_if_sealed(
        core,
        actor,
        _meeting_youth(meeting_id),
        "mdt.item_add",
        "mdt_meeting",
        meeting_id,
        f"meeting {meeting_id}: no such MDT meeting",
    )
    with core.write() as session:
        meeting = session.get(MdtMeeting, meeting_id)
        if meeting is None:
            raise NotFound(f"meeting {meeting_id}: no such MDT meeting")
        day = meeting.held_at.astimezone(core.settings.timezone).date()
        clean = _check_item("item", data, day)
        row = SafetyPlanItem(
            meeting_id=meeting_id,
            description=clean.description,
            owner=clean.owner,
            due_on=clean.due_on,
        )
        session.add(row)
        session.flush()
        core.audit(
            session,
            actor,
            "mdt.item_add",
            record_kind="youth",
            record_id=meeting.youth_id,
            detail=f"meeting {meeting_id} item {row.id}",
        )
        return _item_record(row)


def complete_safety_plan_item(
    core: Core, actor: Actor, item_id: int, expected_version: int, done_on: dt.date
) -> SafetyPlanItemRecord:
    """Mark a safety-plan item done on ``done_on``."""
    core.require(
        actor, Action.PARTNERSHIP_MANAGE, record_kind="safety_plan_item", record_id=item_id
    )
    day = _date("done_on", done_on, required=True)
    assert day is not None
    if day > core.today():
        raise ValidationError("done_on", "is in the future")
    _refuse_if_sealed(
        core,
        actor,
        select(MdtMeeting.youth_id)
        .join(SafetyPlanItem, SafetyPlanItem.meeting_id == MdtMeeting.id)
        .where(SafetyPlanItem.id == item_id),
        "mdt.item_done",
        "safety_plan_item",
        item_id,
        f"item {item_id}: no such safety-plan item",
    )
    with core.write() as session:
        row = session.get(SafetyPlanItem, item_id)
        if row is None:
            raise NotFound(f"item {item_id}: no such safety-plan item")
        if row.version != expected_version:
            raise ConflictError(
                f"item {item_id}: someone else updated it first", current_version=row.version
            )
        if row.done_on is not None:
            raise RuleRefused(f"item {item_id}: already done on {row.done_on.isoformat()}")
        meeting = session.get(MdtMeeting, row.meeting_id)
        assert meeting is not None
        if day < meeting.held_at.astimezone(core.settings.timezone).date():
            raise ValidationError("done_on", "is before the meeting that agreed the item")
        row.done_on = day
        session.flush()
        core.audit(
            session,
            actor,
            "mdt.item_done",
            record_kind="youth",
            record_id=meeting.youth_id,
            detail=f"item {item_id}",
        )
        return _item_record(row)


# --- trainings -----------------------------------------------------------------------------------


def list_trainings(
    core: Core,
    actor: Actor,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    username: str | None = None,
) -> tuple[StaffTrainingRow, ...]:
    """Completed courses, newest first (the records ``training.add_training`` writes and that
    qualify screeners), with whether each is current today."""
    core.require(actor, Action.TRAINING_MANAGE)
    today = core.today()
    t = StaffTraining
    query = (
        select(t, User.display_name)
        .join(User, User.id == t.user_id)
        .order_by(t.completed_on.desc(), t.id.desc())
        .limit(5000)
    )
    if start is not None:
        query = query.where(t.completed_on >= start)
    if end is not None:
        query = query.where(t.completed_on <= end)
    if username is not None:
        query = query.where(User.username_key == username.strip().casefold())
    with core.read() as session:
        rows = session.execute(query).all()
        return tuple(
            StaffTrainingRow(
                TrainingRecord(
                    r.id,
                    r.user_id,
                    r.course,
                    r.instrument_id,
                    r.completed_on,
                    r.expires_on,
                    r.hours,
                ),
                name,
                r.completed_on <= today and (r.expires_on is None or r.expires_on >= today),
            )
            for r, name in rows
        )


def training_summary(
    core: Core, actor: Actor, start: dt.date, end: dt.date
) -> tuple[TrainingCourseSummary, ...]:
    """Per course, completions in the period and how many staff hold it current today (SQL)."""
    core.require(actor, Action.REPORT_AGGREGATE)
    if end < start:
        raise ValidationError("end", "is before start")
    today = core.today()
    t, cur = StaffTraining, StaffTraining.__table__.alias("current_training")
    current = (
        select(func.count(func.distinct(cur.c.user_id)))
        .where(
            cur.c.course == t.course,
            cur.c.completed_on <= today,
            (cur.c.expires_on.is_(None)) | (cur.c.expires_on >= today),
        )
        .scalar_subquery()
    )
    query = (
        select(
            t.course,
            func.count(),
            func.count(func.distinct(t.user_id)),
            func.coalesce(func.sum(t.hours), 0.0),
            current,
        )
        .where(t.completed_on >= start, t.completed_on <= end)
        .group_by(t.course)
        .order_by(t.course)
    )
    with core.read() as session:
        return tuple(
            TrainingCourseSummary(str(c), int(n), int(s), float(h), int(cu or 0))
            for c, n, s, h, cu in session.execute(query).all()
        )
