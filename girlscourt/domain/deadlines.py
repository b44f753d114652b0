"""Statutory detention and hearing deadlines (WIC 631-702) as pure, clock-free functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from girlscourt.domain.judicial_calendar import JudicialCalendar

# Every function takes timezone-aware datetimes (naive ones raise ValueError), works out dates in
# the county time zone and returns aware datetimes in that zone. Durations ("48 hours", "24
# hours") are elapsed time, computed in UTC, so they stay right across daylight-saving changes.
# "End of day" is 23:59:59.999999 local time on that date, so the deadline shows the right date.

LOS_ANGELES = ZoneInfo("America/Los_Angeles")

RULE_631 = "WIC631"
RULE_631B = "WIC631b"
RULE_632A = "WIC632a"
RULE_632B = "WIC632b"
RULE_657 = "WIC657"
RULE_702 = "WIC702"
RULE_241_1 = "WIC241_1"

CITATIONS: dict[str, str] = {
    RULE_631: "WIC 631(a): release within 48 hours of custody, excluding non-judicial days",
    RULE_631B: "WIC 631(b): holding past 24 hours needs written supervisor approval",
    RULE_632A: "WIC 632(a): detention hearing by the end of the next judicial day after filing",
    RULE_632B: "WIC 632(b): detention hearing within 48 hours, excluding non-judicial days",
    RULE_657: "WIC 657; In re Robin M. (1978) 21 Cal.3d 337: jurisdiction hearing",
    RULE_702: "WIC 702; CRC 5.782: disposition hearing",
    RULE_241_1: "WIC 241.1; CRC 5.512: dual-status hearing",
}
CITATION_631_B_TRACK = (
    "WIC 631(b), 632(b): release, or petition and detention order, within 48 hours of custody, "
    "excluding non-judicial days"
)

STATE_OPEN = "open"
STATE_MET = "met"
STATE_BREACHED = "breached"
STATES = frozenset({STATE_OPEN, STATE_MET, STATE_BREACHED})

RELEASE_HOURS_631 = 48
SUPERVISOR_REVIEW_HOURS_631B = 24
JURISDICTION_JUDICIAL_DAYS_DETAINED = 15
NOT_DETAINED_CALENDAR_DAYS = 30
DISPOSITION_JUDICIAL_DAYS_DETAINED = 10
DISPOSITION_GOOD_CAUSE_DAYS = 15
HEARING_241_1_COURT_DAYS = 15

JudicialHoursCounter = Callable[[datetime, int, JudicialCalendar, ZoneInfo], datetime]
"""Adds a number of "hours excluding non-judicial days" to an aware start time."""


def require_aware(value: datetime, name: str) -> datetime:
    """Return ``value`` if it carries a UTC offset; raise ValueError on a naive datetime."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}")
    return value


def _utc(value: datetime, name: str) -> datetime:
    """``value`` in UTC, so comparisons and differences never use wall-clock arithmetic."""
    return require_aware(value, name).astimezone(UTC)


def _local_date(value: date | datetime, name: str, tz: ZoneInfo) -> date:
    """The county-local date of a date or an aware datetime."""
    if isinstance(value, datetime):
        return require_aware(value, name).astimezone(tz).date()
    return value


def _end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """23:59:59.999999 local time on ``day``."""
    return datetime.combine(day, time.max, tzinfo=tz)


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """00:00 local time on ``day``, as UTC."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def skip_non_judicial_days_whole(
    start: datetime, hours: int, calendar: JudicialCalendar, tz: ZoneInfo
) -> datetime:
    """Add ``hours`` of elapsed time counted only on judicial days (local midnight to midnight).

    [UNVERIFIED, confirm with county counsel] DOMAIN.md section 2.2: the clock runs hour by hour
    from custody and the whole of every non-judicial day it crosses is skipped. Custody that
    starts on a non-judicial day starts counting at 00:00 of the next judicial day. If the hours
    run out exactly at midnight, the deadline is that midnight.
    """
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    remaining = timedelta(hours=hours)
    cursor = _utc(start, "start")
    day = cursor.astimezone(tz).date()
    while True:
        next_midnight = _local_midnight(day + timedelta(days=1), tz)
        if calendar.is_judicial_day(day):
            available = next_midnight - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(tz)
            remaining -= available
        cursor = next_midnight
        day += timedelta(days=1)


def release_deadline_631(
    custody_start_at: datetime,
    calendar: JudicialCalendar,
    tz: ZoneInfo = LOS_ANGELES,
    count_hours: JudicialHoursCounter = skip_non_judicial_days_whole,
) -> datetime:
    """WIC 631: 48 hours from custody, excluding non-judicial days.

    The counting method is unverified (DOMAIN.md 7.7 question 3); pass another ``count_hours``
    to swap it without touching callers.
    """
    require_aware(custody_start_at, "custody_start_at")
    return count_hours(custody_start_at, RELEASE_HOURS_631, calendar, tz)


def detention_hearing_deadline_632b(
    custody_start_at: datetime,
    calendar: JudicialCalendar,
    tz: ZoneInfo = LOS_ANGELES,
    count_hours: JudicialHoursCounter = skip_non_judicial_days_whole,
) -> datetime:
    """WIC 632(b): detention hearing within 48 hours of custody, excluding non-judicial days."""
    return release_deadline_631(custody_start_at, calendar, tz, count_hours)


def supervisor_review_due_631b(custody_start_at: datetime, tz: ZoneInfo = LOS_ANGELES) -> datetime:
    """WIC 631(b): 24 elapsed hours from custody (the local clock reading moves across DST)."""
    start = _utc(custody_start_at, "custody_start_at")
    return (start + timedelta(hours=SUPERVISOR_REVIEW_HOURS_631B)).astimezone(tz)


def detention_hearing_deadline_632a(
    petition_filed_at: datetime, calendar: JudicialCalendar, tz: ZoneInfo = LOS_ANGELES
) -> datetime:
    """WIC 632(a): end (23:59:59.999999 local) of the next judicial day after the filing date."""
    filed_on = _local_date(petition_filed_at, "petition_filed_at", tz)
    return _end_of_day(calendar.next_judicial_day(filed_on), tz)


def _calendar_days_after_petition(
    petition_filed_at: datetime | None, days: int, tz: ZoneInfo
) -> datetime:
    """End of the day ``days`` calendar days after the local petition date.

    [UNVERIFIED] No CCP 12a extension when that day is a holiday: the earlier date is the
    conservative warning.
    """
    if petition_filed_at is None:
        raise ValueError("petition_filed_at is required when the minor is not detained")
    filed_on = _local_date(petition_filed_at, "petition_filed_at", tz)
    return _end_of_day(filed_on + timedelta(days=days), tz)


def jurisdiction_deadline_657(
    detention_hearing_date: date | datetime | None,
    calendar: JudicialCalendar,
    detained: bool,
    petition_filed_at: datetime | None,
    tz: ZoneInfo = LOS_ANGELES,
) -> datetime:
    """WIC 657: jurisdiction hearing deadline (end of the local day).

    Detained: 15 judicial days after the detention hearing (In re Robin M.). Not detained: 30
    calendar days after the petition is filed [UNVERIFIED, WIC 657 / CRC 5.774].
    """
    if not detained:
        return _calendar_days_after_petition(petition_filed_at, NOT_DETAINED_CALENDAR_DAYS, tz)
    if detention_hearing_date is None:
        raise ValueError("detention_hearing_date is required when the minor is detained")
    heard_on = _local_date(detention_hearing_date, "detention_hearing_date", tz)
    due_on = calendar.add_judicial_days(heard_on, JURISDICTION_JUDICIAL_DAYS_DETAINED)
    return _end_of_day(due_on, tz)


def disposition_deadline_702(
    jurisdiction_finding_date: date | datetime | None,
    calendar: JudicialCalendar,
    detained: bool,
    petition_filed_at: datetime | None,
    tz: ZoneInfo = LOS_ANGELES,
    good_cause_extension: bool = False,
) -> datetime:
    """WIC 702 / CRC 5.782: disposition hearing deadline (end of the local day).

    Detained: 10 judicial days after the jurisdiction finding. Not detained: 30 calendar days
    after the petition, plus 15 more with a good-cause finding.
    """
    if not detained:
        days = NOT_DETAINED_CALENDAR_DAYS
        if good_cause_extension:
            days += DISPOSITION_GOOD_CAUSE_DAYS
        return _calendar_days_after_petition(petition_filed_at, days, tz)
    if jurisdiction_finding_date is None:
        raise ValueError("jurisdiction_finding_date is required when the minor is detained")
    found_on = _local_date(jurisdiction_finding_date, "jurisdiction_finding_date", tz)
    due_on = calendar.add_judicial_days(found_on, DISPOSITION_JUDICIAL_DAYS_DETAINED)
    return _end_of_day(due_on, tz)


def hearing_241_1_deadline(
    detention_order_date: date | datetime, calendar: JudicialCalendar, tz: ZoneInfo = LOS_ANGELES
) -> datetime:
    """WIC 241.1 / CRC 5.512: dual-status hearing within 15 court days of the detention order."""
    ordered_on = _local_date(detention_order_date, "detention_order_date", tz)
    return _end_of_day(calendar.add_judicial_days(ordered_on, HEARING_241_1_COURT_DAYS), tz)


def deadline_state(due: datetime, met_at: datetime | None, now: datetime) -> str:
    """State at ``now``: met at or before ``due`` is "met"; met late or unmet past it, "breached".

    Otherwise "open"; an unmet deadline is still open at the exact due instant.
    """
    due_utc = _utc(due, "due")
    if met_at is not None:
        return STATE_MET if _utc(met_at, "met_at") <= due_utc else STATE_BREACHED
    return STATE_BREACHED if _utc(now, "now") > due_utc else STATE_OPEN


@dataclass(frozen=True)
class Deadline:
    """One statutory deadline: rule ID, citation text, due time and state."""

    rule: str
    citation: str
    due: datetime
    state: str
    met_at: datetime | None = None
    calendar_version: str = ""
    extended_by: str | None = None  # the basis of the continuance or waiver that moved it

    def __post_init__(self) -> None:
        """Reject unknown rules or states and naive datetimes."""
        if self.rule not in CITATIONS:
            raise ValueError(f"unknown deadline rule {self.rule!r}")
        if self.state not in STATES:
            raise ValueError(f"unknown deadline state {self.state!r}")
        require_aware(self.due, "due")
        if self.met_at is not None:
            require_aware(self.met_at, "met_at")


def make_deadline(
    rule: str,
    due: datetime,
    met_at: datetime | None,
    now: datetime,
    calendar: JudicialCalendar,
    citation: str | None = None,
) -> Deadline:
    """Build a ``Deadline`` with its state worked out from ``met_at`` and ``now``."""
    return Deadline(
        rule=rule,
        citation=CITATIONS[rule] if citation is None else citation,
        due=due,
        state=deadline_state(due, met_at, now),
        met_at=met_at,
        calendar_version=calendar.version,
    )


def hours_left(deadline: Deadline, now: datetime) -> float:
    """Elapsed hours from ``now`` to the due time; negative once it has passed."""
    seconds = (_utc(deadline.due, "due") - _utc(now, "now")).total_seconds()
    return seconds / 3600


@dataclass(frozen=True)
class LimitExtension:
    """A limit the court moved: a continuance for good cause (WIC 682), on the youth's consent,
    or a time waiver, with the last allowed local day and the reason it shows."""

    rule: str
    until: date
    reason: str
    basis: str = "court_order"  # good_cause, consent or time_waiver (domain.court_orders)


@dataclass(frozen=True)
class EpisodeTimes:
    """The custody-episode facts the deadline engine needs (all datetimes aware).

    ``detained`` means the court ordered the minor detained at the detention hearing; it picks
    the detained or not-detained branch of WIC 657 and 702. The four 631(b) flags put the
    episode on the non-violent misdemeanour track when all are true.
    """

    custody_start_at: datetime | None
    petition_filed_at: datetime | None = None
    detention_hearing_at: datetime | None = None
    jurisdiction_at: datetime | None = None
    disposition_at: datetime | None = None
    released_at: datetime | None = None
    detained: bool = False
    misdemeanour_only: bool = False
    non_violent: bool = False
    not_on_probation: bool = False
    warrantless: bool = False
    supervisor_approved_at: datetime | None = None
    claimed_18_plus: bool = False
    dual_status_candidate: bool = False
    dual_status_hearing_at: datetime | None = None
    extensions: tuple[LimitExtension, ...] = ()

    def __post_init__(self) -> None:
        """Reject naive datetimes."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                require_aware(value, f.name)

    @property
    def awaiting_detention_hearing(self) -> bool:
        """True while in custody with no detention hearing yet (detained or not is undecided)."""
        return (
            self.custody_start_at is not None
            and self.released_at is None
            and self.detention_hearing_at is None
        )

    @property
    def track_631b(self) -> bool:
        """True when every WIC 631(b) condition holds (non-violent misdemeanour track)."""
        return (
            self.misdemeanour_only
            and self.non_violent
            and self.not_on_probation
            and self.warrantless
        )


def _earliest(*values: datetime | None) -> datetime | None:
    """The earliest of the given datetimes, ignoring None."""
    present = [v for v in values if v is not None]
    return min(present, key=lambda v: v.astimezone(UTC)) if present else None


def _custody_deadlines(
    ep: EpisodeTimes, calendar: JudicialCalendar, now: datetime, tz: ZoneInfo
) -> list[Deadline]:
    """WIC 631 (and 631(b)/632(b)) release deadlines, and the 631(b) supervisor review."""
    if ep.custody_start_at is None or ep.claimed_18_plus:
        return []
    due = release_deadline_631(ep.custody_start_at, calendar, tz)
    if not ep.track_631b:
        met = _earliest(ep.released_at, ep.petition_filed_at)
        return [make_deadline(RULE_631, due, met, now, calendar)]
    met = _earliest(ep.released_at, ep.detention_hearing_at)
    review_met = _earliest(ep.released_at, ep.supervisor_approved_at, ep.detention_hearing_at)
    return [
        make_deadline(RULE_631, due, met, now, calendar, CITATION_631_B_TRACK),
        make_deadline(
            RULE_631B,
            supervisor_review_due_631b(ep.custody_start_at, tz),
            review_met,
            now,
            calendar,
        ),
    ]


def _hearing_632a(
    ep: EpisodeTimes, calendar: JudicialCalendar, now: datetime, tz: ZoneInfo
) -> list[Deadline]:
    """WIC 632(a) when the minor is in custody once the petition is filed."""
    if ep.custody_start_at is None or ep.petition_filed_at is None:
        return []
    trigger = max(
        _utc(ep.petition_filed_at, "petition_filed_at"),
        _utc(ep.custody_start_at, "custody_start_at"),
    )
    if ep.released_at is not None and _utc(ep.released_at, "released_at") <= trigger:
        return []
    due = detention_hearing_deadline_632a(trigger, calendar, tz)
    met = _earliest(ep.detention_hearing_at, ep.released_at)
    return [make_deadline(RULE_632A, due, met, now, calendar)]


def _extended(
    rule: str,
    due: datetime,
    met_at: datetime | None,
    ep: EpisodeTimes,
    calendar: JudicialCalendar,
    now: datetime,
    tz: ZoneInfo,
) -> Deadline:
    """The deadline, moved to the latest day a granted continuance or waiver allows."""
    moves = [x for x in ep.extensions if x.rule == rule and _end_of_day(x.until, tz) > due]
    if not moves:
        return make_deadline(rule, due, met_at, now, calendar)
    latest = max(moves, key=lambda x: x.until)
    citation = f"{CITATIONS[rule]}; {latest.reason}"
    moved = make_deadline(rule, _end_of_day(latest.until, tz), met_at, now, calendar, citation)
    return replace(moved, extended_by=latest.basis)


def _court_deadlines(
    ep: EpisodeTimes, calendar: JudicialCalendar, now: datetime, tz: ZoneInfo
) -> list[Deadline]:
    """WIC 657, 702 and 241.1 hearing deadlines, where their start facts are known."""
    result: list[Deadline] = []
    if ep.detained:
        start_657 = ep.detention_hearing_at
    elif ep.awaiting_detention_hearing:
        start_657 = None
    else:
        start_657 = ep.petition_filed_at
    if start_657 is not None:
        due = jurisdiction_deadline_657(
            ep.detention_hearing_at, calendar, ep.detained, ep.petition_filed_at, tz
        )
        result.append(_extended(RULE_657, due, ep.jurisdiction_at, ep, calendar, now, tz))
    if ep.jurisdiction_at is not None and (ep.detained or ep.petition_filed_at is not None):
        due = disposition_deadline_702(
            ep.jurisdiction_at, calendar, ep.detained, ep.petition_filed_at, tz
        )
        result.append(_extended(RULE_702, due, ep.disposition_at, ep, calendar, now, tz))
    if ep.dual_status_candidate and ep.detained and ep.detention_hearing_at is not None:
        due = hearing_241_1_deadline(ep.detention_hearing_at, calendar, tz)
        result.append(make_deadline(RULE_241_1, due, ep.dual_status_hearing_at, now, calendar))
    elif ep.dual_status_candidate and start_657 is not None and ep.petition_filed_at is not None:
        due = _calendar_days_after_petition(ep.petition_filed_at, NOT_DETAINED_CALENDAR_DAYS, tz)
        citation = f"{CITATIONS[RULE_241_1]} (not detained: within 30 days of the petition)"
        result.append(
            make_deadline(RULE_241_1, due, ep.dual_status_hearing_at, now, calendar, citation)
        )
    return result


def compute_deadlines(
    episode: EpisodeTimes, calendar: JudicialCalendar, now: datetime, tz: ZoneInfo = LOS_ANGELES
) -> list[Deadline]:
    """Every deadline that applies to ``episode``, sorted by due time, with its state at ``now``.

    Choices (DOMAIN.md 2.2 and 7.2):
    - WIC631 (none if the minor claimed to be 18+): on the ordinary track it is met by release
      or by a petition filed in time (631(a)). On the 631(b) track (all four flags true) it is met
      by release or by the detention hearing, since 631(b) needs a petition *and* a detention
      order; that row also covers 632(b), whose hearing deadline is the same 48 judicial hours.
    - WIC631b (631(b) track only): +24 hours, met by release, written supervisor approval or the
      detention hearing.
    - WIC632a: when the minor is still in custody when the petition is filed; counted from the
      later of filing and custody start; met by the detention hearing or release.
    - WIC657: detained, from the detention hearing; not detained, from the petition; met by the
      jurisdiction hearing. None while the minor awaits the detention hearing in custody, since
      the branch is not decided yet.
    - WIC702: once jurisdiction is found; met by the disposition hearing.
    - WIC241_1: dual-status candidates (a dependent charged on a 602 matter): detained, 15 court
      days from the detention hearing; not detained, 30 days from the petition; met by the
      241.1 hearing.
    - A continuance the court granted for good cause (WIC 682), on the youth's consent, or with
      a time waiver moves the WIC 657 / 702 limit to the latest day it allows, and the
      deadline's citation says why (``extensions``).
    """
    require_aware(now, "now")
    result = (
        _custody_deadlines(episode, calendar, now, tz)
        + _hearing_632a(episode, calendar, now, tz)
        + _court_deadlines(episode, calendar, now, tz)
    )
    return sorted(result, key=lambda d: d.due)
