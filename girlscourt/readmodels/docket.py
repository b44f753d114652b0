"""A day's docket, the public calendar and the transport list, as printing receives them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from girlscourt.domain.hearing_rules import (
    OUTCOME_LABELS,
    LimitFlag,
)
from girlscourt.readmodels.department_record import DepartmentRecord


@dataclass(frozen=True)
class DocketRow:
    """One line of the clerk's docket (names per the variant asked for)."""

    hearing_id: int
    version: int
    scheduled_at: dt.datetime
    department_id: int
    department_code: str
    courtroom: str | None
    case_number: str
    petition_number: str | None
    youth_id: int
    minor: str
    hearing_type: str
    hearing_label: str
    custody_status: str
    transport_needed: bool
    judicial_officer: str | None
    prosecutor: str | None
    defence_counsel: str | None
    defence_type: str | None
    probation_officer: str | None
    interpreter_language: str | None
    deadline: LimitFlag | None
    girls_court: bool
    open_to_public: bool
    outcome: str | None
    continued_to_id: int | None
    continued_from_on: dt.date | None
    notes: str | None
    housing_unit: str | None
    sealed: bool = False

    @property
    def docket_notes(self) -> str:
        """What the notes column prints: continuance facts, the outcome, then clerk notes."""
        parts = []
        if self.continued_from_on is not None:
            parts.append(f"Cont. from {self.continued_from_on.day} {self.continued_from_on:%b}")
        if self.outcome:
            parts.append(OUTCOME_LABELS[self.outcome])
        if self.notes:
            parts.append(self.notes)
        return "; ".join(parts)


@dataclass(frozen=True)
class Docket:
    """A day's docket for one department (or all), sorted by time."""

    day: dt.date
    department: DepartmentRecord | None
    departments: tuple[DepartmentRecord, ...]
    rows: tuple[DocketRow, ...]
    full_names: bool
    calendar_version: str


@dataclass(frozen=True)
class PublicRow:
    """An open hearing on the public list (WIC 676): no names, no case numbers."""

    scheduled_at: dt.datetime
    department_code: str
    department_name: str
    courtroom: str | None
    hearing_label: str


@dataclass(frozen=True)
class PublicCalendar:
    """The open hearings of a day, for posting."""

    day: dt.date
    department: DepartmentRecord | None
    rows: tuple[PublicRow, ...]


@dataclass(frozen=True)
class TransportList:
    """Youth in custody to bring from juvenile hall to court on a day."""

    day: dt.date
    rows: tuple[DocketRow, ...]
    full_names: bool
