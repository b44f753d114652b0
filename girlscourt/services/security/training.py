"""Staff training records: the same records qualify a screener and feed the partnership report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from girlscourt.db.models import StaffTraining, User
from girlscourt.domain.instruments import Instrument
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound, ValidationError
from girlscourt.services.kernel.core import Actor, Core


@dataclass(frozen=True)
class TrainingRecord:
    """A completed course."""

    id: int
    user_id: int
    course: str
    instrument_id: str | None
    completed_on: dt.date
    expires_on: dt.date | None
    hours: float


def _record(row: StaffTraining) -> TrainingRecord:
    return TrainingRecord(
        row.id,
        row.user_id,
        row.course,
        row.instrument_id,
        row.completed_on,
        row.expires_on,
        row.hours,
    )


def add_training(
    core: Core,
    actor: Actor,
    username: str,
    course: str,
    completed_on: dt.date,
    *,
    instrument_id: str | None = None,
    expires_on: dt.date | None = None,
    hours: float = 0.0,
    certificate_id: str | None = None,
) -> TrainingRecord:
    """Record a completed course for a staff member (supervisors and administrators)."""
    core.require(actor, Action.TRAINING_MANAGE)
    course_name = clean_text("course", course, required=True, max_length=200)
    if expires_on is not None and expires_on <= completed_on:
        raise ValidationError("expires_on", "must be after the completion date")
    if completed_on > core.today():
        raise ValidationError("completed_on", "is in the future")
    if hours < 0 or hours > 200:
        raise ValidationError("hours", "must be between 0 and 200")
    with core.write() as session:
        user = session.execute(
            select(User).where(User.username_key == username.strip().casefold())
        ).scalar_one_or_none()
        if user is None:
            raise NotFound(f"username: no account named {username!r}")
        assert course_name is not None
        row = StaffTraining(
            user_id=user.id,
            course=course_name,
            instrument_id=instrument_id,
            completed_on=completed_on,
            expires_on=expires_on,
            hours=hours,
            certificate_id=certificate_id,
        )
        session.add(row)
        session.flush()
        core.audit(session, actor, "training.add", record_kind="user", record_id=user.id)
        return _record(row)


def current_training(
    session: Session, user_id: int, instrument: Instrument, today: dt.date
) -> StaffTraining | None:
    """A training that qualifies ``user_id`` to use ``instrument`` today, if any."""
    codes = [t.code for t in instrument.required_training]
    match = or_(StaffTraining.instrument_id == instrument.id, StaffTraining.course.in_(codes))
    return session.execute(
        select(StaffTraining)
        .where(StaffTraining.user_id == user_id, match, StaffTraining.completed_on <= today)
        .where(or_(StaffTraining.expires_on.is_(None), StaffTraining.expires_on >= today))
        .order_by(StaffTraining.expires_on.desc())
        .limit(1)
    ).scalar_one_or_none()
