"""Hearings as the services hand them out: the catalog of hearing types, each hearing with its
continuance history, and who may see it (a sealed petition's hearings only the custodian).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    CourtCase,
    CustodyEpisode,
    Department,
    Hearing,
    Petition,
)
from girlscourt.domain.hearing_rules import (
    HELD,
    SEALED_STATES,
    HearingCatalog,
    HearingInput,
    HearingWarning,
    LimitFacts,
    consented_limit,
    load_hearing_catalog,
)
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound
from girlscourt.services.court.cases import hidden_case_ids
from girlscourt.services.kernel.core import Actor

DET, JUR = "DET", "JUR"  # the detention and jurisdiction hearing codes


def catalog() -> HearingCatalog:
    """The county's hearing code list (``resources/court/hearing_types.json``)."""
    return load_hearing_catalog()


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HearingRecord:
    """A hearing as saved; times are county-local and aware."""

    id: int
    version: int
    case_id: int
    case_number: str
    petition_id: int | None
    petition_number: str | None
    youth_id: int
    hearing_type: str
    hearing_label: str
    scheduled_at: dt.datetime
    department_id: int
    department_code: str
    judicial_officer: str | None
    prosecutor: str | None
    defence_counsel: str | None
    defence_type: str | None
    probation_officer: str | None
    interpreter_language: str | None
    custody_status: str
    transport_needed: bool
    girls_court: bool
    open_to_public: bool
    outcome: str | None
    continued_to_id: int | None
    continued_from_id: int | None
    continuance_reason: str | None
    youth_consented: bool | None
    notes: str | None

    def as_input(self) -> HearingInput:
        """This hearing as an edit form's starting point."""
        return HearingInput(
            case_id=self.case_id,
            hearing_type=self.hearing_type,
            scheduled_at=self.scheduled_at,
            department_id=self.department_id,
            custody_status=self.custody_status,
            petition_id=self.petition_id,
            judicial_officer=self.judicial_officer,
            prosecutor=self.prosecutor,
            defence_counsel=self.defence_counsel,
            defence_type=self.defence_type,
            probation_officer=self.probation_officer,
            interpreter_needed=self.interpreter_language is not None,
            interpreter_language=self.interpreter_language,
            transport_needed=self.transport_needed,
            girls_court=self.girls_court,
            open_to_public=self.open_to_public,
            notes=self.notes,
        )


@dataclass(frozen=True)
class ScheduleResult:
    """``saved`` is False when warnings wait for the clerk's acknowledgement (nothing written)."""

    saved: bool
    hearing: HearingRecord | None
    warnings: tuple[HearingWarning, ...]


@dataclass(frozen=True)
class OutcomeResult:
    """The hearing after its outcome and, for a continuance, the next hearing it created."""

    saved: bool
    hearing: HearingRecord
    next_hearing: HearingRecord | None
    warnings: tuple[HearingWarning, ...]


# --- Loading ------------------------------------------------------------------------------------


def _day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end.astimezone(dt.UTC)


@dataclass(frozen=True)
class _Past:
    """The facts of one earlier hearing that a time limit counts from."""

    id: int
    hearing_type: str
    on: dt.date
    outcome: str | None
    continued_to_id: int | None
    youth_consented: bool | None


@dataclass(frozen=True)
class _Link:
    """A continuance from one hearing into the next: the youth's consent and the new day."""

    from_id: int | None
    from_on: dt.date
    from_type: str
    consented: bool | None
    to_day: dt.date


class _History:
    """Petitions, earlier hearings and custody episodes behind the time limits of some cases."""

    def __init__(
        self, session: Session, case_ids: Iterable[int], youth_ids: Iterable[int], tz: dt.tzinfo
    ) -> None:
        cases, youths = set(case_ids), set(youth_ids)
        self.tz = tz
        self.petitions: dict[int, tuple[int, dt.date, str]] = {}
        self.by_case: dict[int, list[_Past]] = {}
        self.episodes: dict[int, list[CustodyEpisode]] = {}
        self.linked_from: dict[int, _Past] = {}
        if cases:
            for p in session.execute(select(Petition).where(Petition.case_id.in_(cases))).scalars():
                self.petitions[p.id] = (p.case_id, p.filed_on, p.sealing_state)
            rows = session.execute(
                select(
                    Hearing.id,
                    Hearing.case_id,
                    Hearing.hearing_type,
                    Hearing.scheduled_at,
                    Hearing.outcome,
                    Hearing.continued_to_id,
                    Hearing.youth_consented,
                ).where(Hearing.case_id.in_(cases))
            ).all()
            for r in rows:
                past = _Past(
                    r.id,
                    r.hearing_type,
                    r.scheduled_at.astimezone(tz).date(),
                    r.outcome,
                    r.continued_to_id,
                    r.youth_consented,
                )
                self.by_case.setdefault(r.case_id, []).append(past)
                if r.continued_to_id is not None:
                    self.linked_from[r.continued_to_id] = past
        if youths:
            for e in session.execute(
                select(CustodyEpisode)
                .where(CustodyEpisode.youth_id.in_(youths))
                .order_by(CustodyEpisode.custody_start_at)
            ).scalars():
                self.episodes.setdefault(e.youth_id, []).append(e)

    def _local(self, value: dt.datetime | None) -> dt.date | None:
        return None if value is None else value.astimezone(self.tz).date()

    def episode(self, youth_id: int, on: dt.date) -> CustodyEpisode | None:
        """The youth's latest custody episode that began on or before ``on``."""
        found = None
        for e in self.episodes.get(youth_id, []):
            if e.custody_start_at.astimezone(self.tz).date() <= on:
                found = e
        return found

    def _first_held(self, case_id: int, hearing_type: str, on: dt.date) -> dt.date | None:
        days = [
            p.on
            for p in self.by_case.get(case_id, [])
            if p.hearing_type == hearing_type and p.outcome == HELD and p.on <= on
        ]
        return min(days) if days else None

    def _link_into(self, hearing_id: int, on: dt.date) -> _Link | None:
        past = self.linked_from.get(hearing_id)
        if past is None:
            return None
        return _Link(past.id, past.on, past.hearing_type, past.youth_consented, on)

    def consented_until(
        self,
        hearing_id: int | None,
        first_link: _Link | None,
        hearing_on: dt.date,
        cat: HearingCatalog,
    ) -> dt.date | None:
        """The latest limit a consented jurisdiction continuance in this hearing's chain allows."""
        best: dt.date | None = None
        link = first_link
        if link is None and hearing_id is not None:
            link = self._link_into(hearing_id, hearing_on)
        for _ in range(100):  # a chain of continuances; the bound guards against a bad cycle
            if link is None:
                break
            if link.from_type == JUR and link.consented:
                limit = consented_limit(link.to_day, cat)
                best = limit if best is None or limit > best else best
            link = None if link.from_id is None else self._link_into(link.from_id, link.from_on)
        return best

    def facts(
        self,
        *,
        case_id: int,
        youth_id: int,
        petition_id: int | None,
        hearing_id: int | None,
        on: dt.date,
        custody_status: str,
        cat: HearingCatalog,
        first_link: _Link | None = None,
    ) -> LimitFacts:
        """What a hearing's limit counts from: held hearings on the case, else the intake record."""
        episode = self.episode(youth_id, on)
        filed: dt.date | None = None
        if petition_id is not None and petition_id in self.petitions:
            filed = self.petitions[petition_id][1]
        else:
            dates = [
                d
                for c, d, s in self.petitions.values()
                if c == case_id and s not in SEALED_STATES and d <= on
            ]
            filed = min(dates) if dates else None
        if filed is None and episode is not None:
            filed = self._local(episode.petition_filed_at)
        detention = self._first_held(case_id, DET, on)
        if detention is None and episode is not None:
            detention = self._local(episode.detention_hearing_at)
        jurisdiction = self._first_held(case_id, JUR, on)
        if jurisdiction is None and episode is not None:
            jurisdiction = self._local(episode.jurisdiction_at)
        return LimitFacts(
            custody_status=custody_status,
            petition_filed_on=filed,
            detention_hearing_on=detention,
            jurisdiction_on=jurisdiction,
            consented_until=self.consented_until(hearing_id, first_link, on, cat),
        )

    def continued_from_on(self, hearing_id: int) -> dt.date | None:
        """The day of the hearing that was continued to this one, if any."""
        past = self.linked_from.get(hearing_id)
        return past.on if past else None


def _record(session: Session, row: Hearing, tz: dt.tzinfo, cat: HearingCatalog) -> HearingRecord:
    case = session.get(CourtCase, row.case_id)
    department = session.get(Department, row.department_id)
    petition = session.get(Petition, row.petition_id) if row.petition_id else None
    previous = session.execute(
        select(Hearing.id).where(Hearing.continued_to_id == row.id)
    ).scalar_one_or_none()
    assert case is not None and department is not None
    return HearingRecord(
        id=row.id,
        version=row.version,
        case_id=row.case_id,
        case_number=case.case_number,
        petition_id=row.petition_id,
        petition_number=petition.petition_number if petition else None,
        youth_id=case.youth_id,
        hearing_type=row.hearing_type,
        hearing_label=cat.label(row.hearing_type),
        scheduled_at=row.scheduled_at.astimezone(tz),
        department_id=row.department_id,
        department_code=department.code,
        judicial_officer=row.judicial_officer,
        prosecutor=row.prosecutor,
        defence_counsel=row.defence_counsel,
        defence_type=row.defence_type,
        probation_officer=row.probation_officer,
        interpreter_language=row.interpreter_language,
        custody_status=row.custody_status,
        transport_needed=row.transport_needed,
        girls_court=row.girls_court,
        open_to_public=row.open_to_public,
        outcome=row.outcome,
        continued_to_id=row.continued_to_id,
        continued_from_id=previous,
        continuance_reason=row.continuance_reason,
        youth_consented=row.youth_consented,
        notes=row.notes,
    )


def _hidden(session: Session, actor: Actor, case_id: int, petition_id: int | None) -> bool:
    """Whether a hearing on this case/petition is sealed away from this actor."""
    if actor.may(Action.SEALED_ACCESS):
        return False
    if petition_id is not None:
        petition = session.get(Petition, petition_id)
        if petition is not None and petition.sealing_state in SEALED_STATES:
            return True
    return case_id in hidden_case_ids(session, [case_id])


def _visible_hearing(session: Session, actor: Actor, hearing_id: int) -> Hearing:
    row = session.get(Hearing, hearing_id)
    if row is None or _hidden(session, actor, row.case_id, row.petition_id):
        raise NotFound(f"hearing {hearing_id}: no such hearing")
    return row
