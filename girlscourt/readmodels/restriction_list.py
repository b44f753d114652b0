"""A housing unit's printed restriction list and the desk-check log, as printing receives them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class LoggedMatch:
    """A match as the check log keeps it (ids and scores, no names)."""

    restriction_id: int
    youth_id: int | None
    field: str
    score: float
    grade: str


@dataclass(frozen=True)
class CheckLogEntry:
    """One logged desk check, as investigators read it."""

    id: int
    checked_at: dt.datetime
    checked_by: int
    staff: str
    youth_id: int | None
    youth_initials: str | None
    channel: str | None
    probe_name: str | None
    probe_phone: str | None
    probe_handle: str | None
    result: str
    matches: tuple[LoggedMatch, ...]
    match_initials: Mapping[int, str]  # youth id -> initials, for the matched youths


@dataclass(frozen=True)
class UnitListRow:
    """One restriction on a housing unit's printed list."""

    youth_id: int
    youth_initials: str
    restriction_id: int
    person_name: str
    aliases: tuple[str, ...]
    phones: tuple[str, ...]
    handles: tuple[str, ...]
    relationship: str | None
    channels: tuple[str, ...]
    basis: str
    court_order_number: str | None
    starts_on: dt.date
    ends_on: dt.date | None
    review_on: dt.date
    status: str
    approved: bool
    withhold_location: bool
    admission_calls_blocked: bool


@dataclass(frozen=True)
class UnitList:
    """The restrictions of every youth in custody on one housing unit."""

    unit: str
    as_of: dt.date
    youths_in_unit: int
    rows: tuple[UnitListRow, ...]
