"""Hearing rules a clerk relies on: code list, required fields, court days, limits, conflicts."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from girlscourt.domain.court_orders import CourtOrderInput
from girlscourt.domain.deadlines import (
    DISPOSITION_JUDICIAL_DAYS_DETAINED,
    HEARING_241_1_COURT_DAYS,
    JURISDICTION_JUDICIAL_DAYS_DETAINED,
    NOT_DETAINED_CALENDAR_DAYS,
    RULE_241_1,
    RULE_632A,
    RULE_657,
    RULE_702,
)
from girlscourt.domain.judicial_calendar import JudicialCalendar
from girlscourt.domain.names import clean_text, fold
from girlscourt.domain.value_rules import check_moment, quoted
from girlscourt.errors import ConfigurationError, ValidationError
from girlscourt.resources import resource

GIRLS_COURT_CODE = "GC"

HELD = "held"
CONTINUED = "continued"
OFF_CALENDAR = "off_calendar"
OUTCOMES = (HELD, CONTINUED, OFF_CALENDAR)
OUTCOME_LABELS = {HELD: "Held", CONTINUED: "Continued", OFF_CALENDAR: "Off calendar"}
ACTIVE_OUTCOMES = (None, HELD)  # a hearing that still takes (or took) its slot on the calendar

IN_CUSTODY = "IN"

# Sealing states that hide a petition (and its hearings) from everyone without SEALED_ACCESS.
SEALED_STATES = frozenset({"sealed_786", "sealed_781", "vacated_236.14"})

# Warning codes: the GUI may group or style them; the message is what a clerk reads.
W_YOUTH = "youth_double_booked"
W_PERSON = "person_double_booked"
W_CAPACITY = "department_capacity"
W_LIMIT = "statutory_limit"
W_SESSION_DAY = "girls_court_session_day"
W_PAST = "past_date"
W_HOURS = "outside_court_hours"
W_INTERPRETER = "interpreter_missing"

NAME_MAX = 120
LANGUAGE_MAX = 60
NOTES_MAX = 2000
REASON_MAX = 500

RULE_CITATIONS = {
    RULE_632A: "WIC 632(a)",
    RULE_657: "WIC 657",
    RULE_702: "WIC 702",
    RULE_241_1: "WIC 241.1",
}
PEOPLE_ROLES = (
    ("judicial_officer", "judicial officer"),
    ("prosecutor", "DA"),
    ("defence_counsel", "defence counsel"),
    ("probation_officer", "probation officer"),
)


def long_date(day: dt.date) -> str:
    """``Friday 27 November 2026``: the form every refusal and warning uses."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_time(at: dt.datetime) -> str:
    """``08:30`` (24-hour, as court calendars print it)."""
    return f"{at:%H:%M}"


# --- The code list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HearingType:
    """One hearing type: its code, its label, and the statutory limit that applies (if any)."""

    code: str
    label: str
    noun: str
    limit: str | None


@dataclass(frozen=True)
class HearingCatalog:
    """The county's hearing code list and the small tables that go with it."""

    version: str
    types: tuple[HearingType, ...]
    custody_statuses: Mapping[str, str]
    detained_statuses: frozenset[str]
    defence_types: Mapping[str, str]
    court_hours: tuple[dt.time, dt.time]
    conflict_window: dt.timedelta
    consented_continuance_days: int

    def get(self, code: str) -> HearingType | None:
        """The type with this code, or None."""
        return next((t for t in self.types if t.code == code), None)

    def label(self, code: str) -> str:
        """The label of a code; an unknown (retired) code prints as itself."""
        found = self.get(code)
        return found.label if found else code

    def detained(self, custody_status: str) -> bool:
        """Whether this custody status counts as detained for the time limits."""
        return custody_status in self.detained_statuses


def _fail(path: Path, key: str, message: str) -> ConfigurationError:
    return ConfigurationError(f"{path.name}: {key}: {message}")


def _text(path: Path, data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{where}{key}", "must be non-empty text")
    return value.strip()


def _clock(path: Path, value: Any, key: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise _fail(path, key, f"{value!r} is not a time written HH:MM") from None


def _string_map(path: Path, data: Mapping[str, Any], key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise _fail(path, key, "must be a non-empty object of code: label")
    for code, label in value.items():
        if not isinstance(label, str) or not label.strip():
            raise _fail(path, f"{key}.{code}", "must be non-empty text")
    return {str(code): str(label) for code, label in value.items()}


def _types(path: Path, raw: Any) -> tuple[HearingType, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(path, "hearing_types", "must be a non-empty list")
    result: list[HearingType] = []
    for index, item in enumerate(raw):
        where = f"hearing_types[{index}]."
        if not isinstance(item, dict):
            raise _fail(path, where.rstrip("."), "must be an object")
        code = _text(path, item, "code", where)
        if any(t.code == code for t in result):
            raise _fail(path, f"{where}code", f"{code!r} is listed twice")
        limit = item.get("limit")
        if limit is not None and limit not in RULE_CITATIONS:
            known = ", ".join(RULE_CITATIONS)
            raise _fail(path, f"{where}limit", f"unknown limit {limit!r} (known: {known}, null)")
        result.append(
            HearingType(
                code, _text(path, item, "label", where), _text(path, item, "noun", where), limit
            )
        )
    return tuple(result)


def load_hearing_catalog(path: Path | None = None) -> HearingCatalog:
    """Read and check a hearing-types file; errors name the file and the key."""
    if path is None:
        return _default_catalog()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigurationError(f"{path.name}: cannot read: {error}") from error
    if not isinstance(data, dict):
        raise _fail(path, "$", "must be an object")
    statuses = _string_map(path, data, "custody_statuses")
    detained = data.get("detained_custody_statuses")
    if not isinstance(detained, list) or any(s not in statuses for s in detained):
        raise _fail(path, "detained_custody_statuses", "must list codes from custody_statuses")
    if IN_CUSTODY not in statuses:
        raise _fail(path, "custody_statuses", f"must include {IN_CUSTODY} (in custody)")
    hours = data.get("court_hours")
    if not isinstance(hours, dict):
        raise _fail(path, "court_hours", "must be an object with from and to")
    opens = _clock(path, hours.get("from"), "court_hours.from")
    closes = _clock(path, hours.get("to"), "court_hours.to")
    if opens >= closes:
        raise _fail(path, "court_hours", "from must be before to")
    window = data.get("conflict_window_minutes")
    if not isinstance(window, int) or isinstance(window, bool) or not 0 < window <= 480:
        raise _fail(path, "conflict_window_minutes", "must be a whole number from 1 to 480")
    extension = data.get("consented_continuance_days")
    if not isinstance(extension, int) or isinstance(extension, bool) or not 0 <= extension <= 60:
        raise _fail(path, "consented_continuance_days", "must be a whole number from 0 to 60")
    return HearingCatalog(
        version=_text(path, data, "version", ""),
        types=_types(path, data.get("hearing_types")),
        custody_statuses=statuses,
        detained_statuses=frozenset(detained),
        defence_types=_string_map(path, data, "defence_types"),
        court_hours=(opens, closes),
        conflict_window=dt.timedelta(minutes=window),
        consented_continuance_days=extension,
    )


@functools.cache
def _default_catalog() -> HearingCatalog:
    return load_hearing_catalog(resource("court", "hearing_types.json"))


# --- Court days ---------------------------------------------------------------------------------


def court_day_refusal(day: dt.date, calendar: JudicialCalendar) -> str | None:
    """Why no hearing may be set on ``day`` (weekend or judicial holiday), or None if it may."""
    reason = calendar.non_judicial_reason(day)
    if reason is None:
        return None
    if reason in ("Saturday", "Sunday"):
        return f"{long_date(day)} is not a court day: the court does not sit on a {reason}"
    return f"{long_date(day)} is a {reason}"


# --- Required fields ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HearingInput:
    """What a clerk enters for a hearing (``transport_needed``/``girls_court`` None = default)."""

    case_id: int
    hearing_type: str
    scheduled_at: dt.datetime
    department_id: int
    custody_status: str
    petition_id: int | None = None
    judicial_officer: str | None = None
    prosecutor: str | None = None
    defence_counsel: str | None = None
    defence_type: str | None = None
    probation_officer: str | None = None
    interpreter_needed: bool = False
    interpreter_language: str | None = None
    transport_needed: bool | None = None
    girls_court: bool | None = None
    open_to_public: bool = False
    notes: str | None = None


def _positive_id(field: str, value: object, *, required: bool) -> int | None:
    if value is None:
        if required:
            raise ValidationError(field, "is required")
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValidationError(field, "must be a record id (a positive whole number)")
    return value


def _code(field: str, value: object, allowed: Iterable[str], *, required: bool) -> str | None:
    choices = list(allowed)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, f"is required (one of {', '.join(choices)})")
        return None
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    wanted = value.strip()
    for choice in choices:
        if choice.casefold() == wanted.casefold():
            return choice
    raise ValidationError(field, f"{quoted(wanted)} is not one of {', '.join(choices)}")


def require_aware_time(field: str, value: object) -> dt.datetime:
    """An aware datetime, or ValidationError naming the field."""
    if not isinstance(value, dt.datetime):
        raise ValidationError(field, "is required (a date and time)")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "must include a UTC offset, e.g. 2026-12-01T08:30:00-08:00")
    return check_moment(field, value)


def validate_hearing(data: HearingInput, catalog: HearingCatalog) -> HearingInput:
    """Check the required fields (type, department, time, custody status, interpreter language
    when flagged) and normalise the rest; the first problem raises ValidationError."""
    _positive_id("case_id", data.case_id, required=True)
    _positive_id("petition_id", data.petition_id, required=False)
    hearing_type = _code(
        "hearing_type", data.hearing_type, [t.code for t in catalog.types], required=True
    )
    _positive_id("department_id", data.department_id, required=True)
    require_aware_time("scheduled_at", data.scheduled_at)
    custody = _code("custody_status", data.custody_status, catalog.custody_statuses, required=True)
    defence_type = _code("defence_type", data.defence_type, catalog.defence_types, required=False)

    def person(field: str) -> str | None:
        return clean_text(field, getattr(data, field), required=False, max_length=NAME_MAX)

    language = clean_text(
        "interpreter_language", data.interpreter_language, required=False, max_length=LANGUAGE_MAX
    )
    if data.interpreter_needed and language is None:
        raise ValidationError("interpreter_language", "is required when an interpreter is needed")
    transport = data.transport_needed
    if transport is None:
        transport = custody == IN_CUSTODY
    elif transport and custody != IN_CUSTODY:
        raise ValidationError(
            "transport_needed", "only a youth in custody (IN) is transported from juvenile hall"
        )
    notes = clean_text("notes", data.notes, required=False, max_length=NOTES_MAX, multiline=True)
    return replace(
        data,
        hearing_type=str(hearing_type),
        custody_status=str(custody),
        defence_type=defence_type,
        interpreter_needed=language is not None,
        interpreter_language=language,
        transport_needed=transport,
        open_to_public=bool(data.open_to_public),
        notes=notes,
        judicial_officer=person("judicial_officer"),
        prosecutor=person("prosecutor"),
        defence_counsel=person("defence_counsel"),
        probation_officer=person("probation_officer"),
    )


# --- Statutory limits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LimitFacts:
    """The dates a hearing's time limit counts from (local dates; None when unknown)."""

    custody_status: str
    petition_filed_on: dt.date | None = None
    detention_hearing_on: dt.date | None = None
    jurisdiction_on: dt.date | None = None
    consented_until: dt.date | None = None  # from a jurisdiction continuance the youth agreed to


@dataclass(frozen=True)
class LimitFlag:
    """Where a hearing falls against its limit: "day 13 of 15" and whether it is over."""

    rule: str
    day: int
    of: int
    unit: Literal["judicial", "calendar"]
    start: dt.date
    due: dt.date
    extended_due: dt.date | None
    over: bool
    text: str

    @property
    def citation(self) -> str:
        """``WIC 657`` and the like."""
        return RULE_CITATIONS[self.rule]

    @property
    def effective_due(self) -> dt.date:
        """The last allowed day, after any consented continuance."""
        return self.extended_due or self.due


def consented_limit(continued_to: dt.date, catalog: HearingCatalog) -> dt.date:
    """[UNVERIFIED, CRC 5.776 / In re Kerry K.] a consented continuance allows N days past it."""
    return continued_to + dt.timedelta(days=catalog.consented_continuance_days)


def _limit_terms(
    rule: str, detained: bool, facts: LimitFacts
) -> tuple[dt.date | None, int, Literal["judicial", "calendar"]] | None:
    """(start date, allowed count, unit) for a rule, or None when the rule does not apply."""
    if rule == RULE_632A:
        return (facts.petition_filed_on, 1, "judicial") if detained else None
    if not detained:
        return facts.petition_filed_on, NOT_DETAINED_CALENDAR_DAYS, "calendar"
    if rule == RULE_657:
        return facts.detention_hearing_on, JURISDICTION_JUDICIAL_DAYS_DETAINED, "judicial"
    if rule == RULE_702:
        return facts.jurisdiction_on, DISPOSITION_JUDICIAL_DAYS_DETAINED, "judicial"
    return facts.detention_hearing_on, HEARING_241_1_COURT_DAYS, "judicial"


def statutory_flag(
    hearing_type: str,
    on: dt.date,
    facts: LimitFacts,
    calendar: JudicialCalendar,
    catalog: HearingCatalog,
) -> LimitFlag | None:
    """The deadline flag for a hearing of this type on ``on``; None if no limit applies or its
    start date is unknown.

    Detained (per ``detained_custody_statuses``): DET within the next judicial day after the
    petition (WIC 632(a)); JUR 15 judicial days after the detention hearing (WIC 657); DISP 10
    judicial days after jurisdiction (WIC 702); 241.1 15 court days after the detention order.
    Not detained: 30 calendar days after the petition for JUR, DISP and 241.1 [UNVERIFIED].
    """
    found = catalog.get(hearing_type)
    if found is None or found.limit is None:
        return None
    detained = catalog.detained(facts.custody_status)
    terms = _limit_terms(found.limit, detained, facts)
    if terms is None:
        return None
    start, allowed, unit = terms
    if start is None or on < start:
        return None
    if unit == "judicial":
        day = calendar.judicial_days_between(start, on)
        due = calendar.add_judicial_days(start, allowed)
    else:
        day = (on - start).days
        due = start + dt.timedelta(days=allowed)
    extended = None
    if found.limit == RULE_657 and detained and facts.consented_until is not None:
        extended = facts.consented_until if facts.consented_until > due else None
    over = on > (extended or due)
    text = f"day {day} of {allowed}"
    if extended is not None:
        text += f", consented to {extended.day} {extended:%b}"
    return LimitFlag(found.limit, day, allowed, unit, start, due, extended, over, text)


def limit_warning(flag: LimitFlag, hearing_type: HearingType, custody_status: str) -> str:
    """``jurisdiction hearing on day 16 of 15 for a detained youth (limit ...; WIC 657)``."""
    if flag.unit == "calendar":
        who = "after the petition was filed"
    elif custody_status == IN_CUSTODY:
        who = "for a detained youth"
    else:
        who = "for a youth on home supervision (counted as detained)"
    return (
        f"{hearing_type.noun} on day {flag.day} of {flag.of} {who} "
        f"(limit {long_date(flag.effective_due)}; {flag.citation})"
    )


# --- Warnings: conflicts, capacity, hours -------------------------------------------------------


@dataclass(frozen=True)
class HearingWarning:
    """Something the clerk must see and acknowledge before the hearing is saved."""

    code: str
    message: str


@dataclass(frozen=True)
class Slot:
    """A hearing as the conflict check sees it (``at`` aware, county-local)."""

    hearing_id: int | None
    youth_id: int
    department_id: int
    department_code: str
    at: dt.datetime
    hearing_type: str
    people: tuple[tuple[str, str], ...] = ()  # (field, name) for judge, DA, counsel, PO

    @staticmethod
    def people_of(source: object) -> tuple[tuple[str, str], ...]:
        """The named people of a hearing-like object (attributes named as in PEOPLE_ROLES)."""
        found = []
        for field, _ in PEOPLE_ROLES:
            name = getattr(source, field, None)
            if name:
                found.append((field, str(name)))
        return tuple(found)


def booking_warnings(
    candidate: Slot, same_day: Sequence[Slot], capacity: int, catalog: HearingCatalog
) -> list[HearingWarning]:
    """The same youth twice that day, a person in two departments at once, a full department.

    ``same_day`` holds the other active hearings of that local day in every department. The same
    youth in the same department at the same time is a combined call (DET with ARR) and passes
    unless the type repeats too, which looks like a duplicate entry.
    """
    warnings: list[HearingWarning] = []
    others = [s for s in same_day if s.hearing_id is None or s.hearing_id != candidate.hearing_id]
    for other in others:
        if other.youth_id != candidate.youth_id:
            continue
        combined = other.department_id == candidate.department_id and other.at == candidate.at
        if combined and other.hearing_type != candidate.hearing_type:
            continue
        what = "the same hearing (a duplicate?)" if combined else f"a {other.hearing_type} hearing"
        warnings.append(
            HearingWarning(
                W_YOUTH,
                f"the youth already has {what} at {short_time(other.at)} in Dept "
                f"{other.department_code} that day (hearing {other.hearing_id})",
            )
        )
    labels = dict(PEOPLE_ROLES)
    for field, name in candidate.people:
        key = fold(name)
        for other in others:
            if other.department_id == candidate.department_id:
                continue
            if abs(other.at - candidate.at) >= catalog.conflict_window:
                continue
            if any(fold(n) == key for _, n in other.people):
                warnings.append(
                    HearingWarning(
                        W_PERSON,
                        f"{labels[field]} {name} is also set in Dept {other.department_code} at "
                        f"{short_time(other.at)} (hearing {other.hearing_id})",
                    )
                )
                break
    in_department = sum(1 for s in others if s.department_id == candidate.department_id)
    if in_department + 1 > capacity:
        warnings.append(
            HearingWarning(
                W_CAPACITY,
                f"Dept {candidate.department_code} would have {in_department + 1} hearings on "
                f"{long_date(candidate.at.date())}; its daily capacity is {capacity}",
            )
        )
    return warnings


def time_warnings(
    at: dt.datetime, now: dt.datetime, catalog: HearingCatalog
) -> list[HearingWarning]:
    """A time in the past or outside court hours (often a time-zone slip); ``at`` county-local."""
    warnings = []
    if at < now:
        warnings.append(
            HearingWarning(W_PAST, f"{long_date(at.date())} {short_time(at)} is in the past")
        )
    opens, closes = catalog.court_hours
    if not opens <= at.time() <= closes:
        warnings.append(
            HearingWarning(
                W_HOURS,
                f"{short_time(at)} is outside court hours ({opens:%H:%M}–{closes:%H:%M}); "
                "check the time and its time zone",
            )
        )
    return warnings


def session_day_warning(
    day: dt.date, weekdays: Sequence[int], docket_name: str
) -> HearingWarning | None:
    """A specialty-docket hearing on a day the docket does not sit."""
    if not weekdays or day.weekday() in weekdays:
        return None
    names = ", ".join(f"{dt.date(2024, 1, 1 + d):%A}s" for d in sorted(weekdays))
    return HearingWarning(
        W_SESSION_DAY, f"{docket_name} sits on {names}; {long_date(day)} is a {day:%A}"
    )


# --- Outcomes and continuances ------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeInput:
    """A hearing's outcome; a continuance names the new date, the reason and the youth's consent."""

    outcome: str
    continued_to: dt.datetime | None = None
    reason: str | None = None
    youth_consented: bool | None = None
    notes: str | None = None
    orders: CourtOrderInput | None = None
    # a held sealing (SEAL) hearing: the court's order seals its petition (sealing_rules)
    seal_basis: str | None = None
    seal_order_number: str | None = None


def validate_outcome(
    data: OutcomeInput, hearing_on: dt.date, detained: bool, today: dt.date, tz: dt.tzinfo
) -> OutcomeInput:
    """Check an outcome against the hearing it closes (dates are county-local).

    Held: not before the hearing's day. Continued: a later day, a reason, and (for a detained
    youth, whose limit depends on it) whether the youth consented. Off calendar: no new date.
    """
    raw = (data.outcome or "").strip().casefold().replace(" ", "_").replace("-", "_")
    if raw not in OUTCOMES:
        raise ValidationError(
            "outcome", f"{quoted(data.outcome)} is not one of {', '.join(OUTCOMES)}"
        )
    notes = clean_text("notes", data.notes, required=False, max_length=NOTES_MAX, multiline=True)
    if raw != CONTINUED:
        if data.continued_to is not None:
            raise ValidationError("continued_to", "is only for a continued hearing")
        if raw == HELD and hearing_on > today:
            raise ValidationError(
                "outcome", f"a hearing set for {long_date(hearing_on)} cannot be held before then"
            )
        return OutcomeInput(raw, None, None, None, notes)
    new_at = require_aware_time("continued_to", data.continued_to)
    new_day = new_at.astimezone(tz).date()
    if new_day <= hearing_on:
        raise ValidationError(
            "continued_to", f"must be a day after the hearing ({long_date(hearing_on)})"
        )
    reason = clean_text("reason", data.reason, required=True, max_length=REASON_MAX, multiline=True)
    if detained and data.youth_consented is None:
        raise ValidationError(
            "youth_consented",
            "record whether the youth consented: it sets the time limit for a detained youth",
        )
    return OutcomeInput(CONTINUED, new_at, reason, data.youth_consented, notes)


# --- Names on dockets (DOMAIN.md 3.4, CRC 8.401) ------------------------------------------------


def docket_name(first: str, last: str, initials_override: str | None) -> str:
    """First name and last initial ("Maya R."), or the clerk's initials for an unusual name."""
    if initials_override:
        return initials_override
    first = " ".join(first.split())
    return f"{first} {last.strip()[:1].upper()}." if last.strip() else first
