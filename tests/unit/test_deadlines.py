"""Tests for the statutory deadline engine: weekends, holidays, DST and deadline states."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from girlscourt.domain.deadlines import (
    CITATIONS,
    LOS_ANGELES,
    Deadline,
    EpisodeTimes,
    compute_deadlines,
    deadline_state,
    detention_hearing_deadline_632a,
    detention_hearing_deadline_632b,
    disposition_deadline_702,
    hearing_241_1_deadline,
    hours_left,
    jurisdiction_deadline_657,
    release_deadline_631,
    skip_non_judicial_days_whole,
    supervisor_review_due_631b,
)
from girlscourt.domain.judicial_calendar import JudicialCalendar

LA = LOS_ANGELES
CAL = JudicialCalendar(2026, 2028, version="test-2026")


def la(
    y: int, m: int, d: int, hh: int = 0, mi: int = 0, ss: int = 0, us: int = 0, *, fold: int = 0
) -> datetime:
    """An aware America/Los_Angeles datetime."""
    return datetime(y, m, d, hh, mi, ss, us, tzinfo=LA, fold=fold)


def eod(y: int, m: int, d: int) -> datetime:
    """End of a local day, as the engine defines it."""
    return la(y, m, d, 23, 59, 59, 999999)


def elapsed_hours(a: datetime, b: datetime) -> float:
    """Real hours from a to b, immune to same-tzinfo wall-clock subtraction."""
    return (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds() / 3600


# --- WIC 631: 48 hours excluding non-judicial days -------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (la(2026, 11, 23, 10), la(2026, 11, 25, 10)),  # Mon -> Wed, no gaps
        (la(2026, 11, 25, 10), la(2026, 12, 1, 10)),  # Wed: Thanksgiving, day after, weekend
        (la(2026, 7, 2, 20), la(2026, 7, 7, 20)),  # Thu: Fri 3 July observed, weekend
        (la(2026, 11, 28, 15), la(2026, 12, 2, 0)),  # Sat: count starts Mon 00:00
        (la(2026, 1, 30, 9), la(2026, 2, 3, 9)),  # Fri: weekend skipped
        (la(2026, 12, 24, 12), la(2026, 12, 29, 12)),  # Thu: Christmas Fri, weekend
        (la(2027, 12, 30, 8), la(2028, 1, 4, 8)),  # Thu: New Year observed Fri 31 Dec
        (la(2027, 12, 23, 0), la(2027, 12, 28, 0)),  # Thu + Mon in full: ends at midnight
        # DST fall back, Sun 1 Nov 2026: 01:30 PST (second occurrence) is a Sunday, skipped
        (la(2026, 11, 1, 1, 30, fold=1), la(2026, 11, 4, 0)),
        (la(2026, 11, 1, 1, 30, fold=0), la(2026, 11, 4, 0)),
        (la(2026, 10, 30, 20), la(2026, 11, 3, 20)),  # Fri PDT -> Tue PST
        (la(2027, 3, 12, 20), la(2027, 3, 16, 20)),  # DST spring forward Sun 14 March 2027
    ],
    ids=str,
)
def test_release_deadline_631(start: datetime, expected: datetime) -> None:
    due = release_deadline_631(start, CAL)
    assert due == expected
    assert due.tzinfo is LA
    assert due.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("start", "hours"),
    [
        (la(2026, 10, 30, 20), 4 + 24 + 25 + 24 + 20),  # Sunday 1 Nov has 25 hours
        (la(2027, 3, 12, 20), 4 + 24 + 23 + 24 + 20),  # Sunday 14 March has 23 hours
    ],
    ids=["fall-back", "spring-forward"],
)
def test_release_deadline_631_elapsed_time_across_dst(start: datetime, hours: int) -> None:
    assert elapsed_hours(start, release_deadline_631(start, CAL)) == hours


def test_release_deadline_631_accepts_utc_input() -> None:
    start = datetime(2026, 11, 23, 18, tzinfo=UTC)  # Mon 10:00 PST
    due = release_deadline_631(start, CAL)
    assert due == la(2026, 11, 25, 10)
    assert due.tzinfo is LA


def test_release_deadline_631_counting_method_is_swappable() -> None:
    def wall_clock(start: datetime, hours: int, _cal: JudicialCalendar, tz: ZoneInfo) -> datetime:
        return (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(tz)

    start = la(2026, 11, 25, 10)
    assert release_deadline_631(start, CAL, count_hours=wall_clock) == la(2026, 11, 27, 10)
    assert detention_hearing_deadline_632b(start, CAL) == release_deadline_631(start, CAL)


def test_release_deadline_631_in_another_zone() -> None:
    ny = ZoneInfo("America/New_York")
    start = datetime(2026, 11, 23, 10, tzinfo=ny)
    assert release_deadline_631(start, CAL, tz=ny) == datetime(2026, 11, 25, 10, tzinfo=ny)


def test_judicial_hours_reject_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        skip_non_judicial_days_whole(la(2026, 11, 23, 10), -1, CAL, LA)


# --- WIC 631(b): +24 elapsed hours ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (la(2026, 11, 25, 10), la(2026, 11, 26, 10)),  # holidays do not stop this clock
        (la(2026, 11, 1, 1, 30, fold=1), la(2026, 11, 2, 1, 30)),  # 01:30 PST + 24 h
        (la(2026, 11, 1, 1, 30, fold=0), la(2026, 11, 2, 0, 30)),  # 01:30 PDT + 24 h
        (la(2026, 10, 31, 12), la(2026, 11, 1, 11)),  # across fall back
        (la(2027, 3, 13, 12), la(2027, 3, 14, 13)),  # across spring forward
    ],
    ids=str,
)
def test_supervisor_review_due_631b(start: datetime, expected: datetime) -> None:
    due = supervisor_review_due_631b(start)
    assert due == expected
    assert due.utcoffset() == expected.utcoffset()
    assert elapsed_hours(start, due) == 24


# --- WIC 632(a): end of the next judicial day after filing ------------------------------------


@pytest.mark.parametrize(
    ("filed", "expected"),
    [
        # Required example: Wed 25 Nov 2026 -> Thanksgiving, day after, weekend -> Mon 30 Nov
        (la(2026, 11, 25, 14, 5), eod(2026, 11, 30)),
        (la(2026, 11, 25, 0, 0), eod(2026, 11, 30)),
        (la(2026, 11, 25, 23, 59), eod(2026, 11, 30)),
        (datetime(2026, 11, 26, 6, tzinfo=UTC), eod(2026, 11, 30)),  # Wed 22:00 PST
        (datetime(2026, 11, 25, 7, tzinfo=UTC), eod(2026, 11, 25)),  # Tue 23:00 PST -> Wed
        (la(2026, 11, 28, 9), eod(2026, 11, 30)),  # filed on a Saturday
        (la(2026, 7, 2, 16), eod(2026, 7, 6)),  # Fri 3 July observed
        (la(2027, 12, 30, 16), eod(2028, 1, 3)),  # New Year observed Fri 31 Dec 2027
        (la(2026, 10, 30, 16), eod(2026, 11, 2)),  # across fall back: due in PST
        (la(2027, 3, 12, 16), eod(2027, 3, 15)),  # across spring forward: due in PDT
    ],
    ids=str,
)
def test_detention_hearing_deadline_632a(filed: datetime, expected: datetime) -> None:
    due = detention_hearing_deadline_632a(filed, CAL)
    assert due == expected
    assert due.tzinfo is LA
    assert due.utcoffset() == expected.utcoffset()
    assert (due.hour, due.minute, due.second, due.microsecond) == (23, 59, 59, 999999)


def test_632a_thanksgiving_2026_example() -> None:
    due = detention_hearing_deadline_632a(la(2026, 11, 25, 11), CAL)
    assert due.date() == date(2026, 11, 30)
    assert due.strftime("%A") == "Monday"
    assert due.utcoffset() == timedelta(hours=-8)


# --- WIC 657, 702, 241.1 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hearing", "detained", "petition", "expected"),
    [
        (date(2026, 11, 16), True, None, eod(2026, 12, 9)),  # 15 judicial days over Thanksgiving
        (la(2026, 11, 16, 9), True, None, eod(2026, 12, 9)),  # datetime accepted
        (datetime(2026, 11, 17, 2, tzinfo=UTC), True, None, eod(2026, 12, 9)),  # 16 Nov local
        (date(2026, 12, 17), True, None, eod(2027, 1, 11)),  # over Christmas and New Year
        (None, False, la(2026, 11, 2, 9), eod(2026, 12, 2)),  # 30 calendar days
        (None, False, la(2026, 11, 25, 9), eod(2026, 12, 25)),  # no holiday extension
    ],
    ids=str,
)
def test_jurisdiction_deadline_657(
    hearing: date | datetime | None, detained: bool, petition: datetime | None, expected: datetime
) -> None:
    assert jurisdiction_deadline_657(hearing, CAL, detained, petition) == expected


@pytest.mark.parametrize(
    ("detained", "hearing", "petition", "message"),
    [
        (True, None, la(2026, 11, 2, 9), "detention_hearing_date is required"),
        (False, date(2026, 11, 16), None, "petition_filed_at is required"),
    ],
    ids=["detained", "not-detained"],
)
def test_jurisdiction_deadline_657_missing_input(
    detained: bool, hearing: date | None, petition: datetime | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        jurisdiction_deadline_657(hearing, CAL, detained, petition)


@pytest.mark.parametrize(
    ("finding", "detained", "petition", "good_cause", "expected"),
    [
        (date(2026, 12, 9), True, None, False, eod(2026, 12, 23)),
        (date(2026, 12, 17), True, None, False, eod(2027, 1, 4)),  # Christmas, New Year
        (la(2026, 11, 20, 15), True, None, False, eod(2026, 12, 8)),  # over Thanksgiving
        (date(2026, 12, 1), False, la(2026, 11, 2, 9), False, eod(2026, 12, 2)),
        (date(2026, 12, 1), False, la(2026, 11, 2, 9), True, eod(2026, 12, 17)),
        (None, False, la(2026, 11, 2, 9), False, eod(2026, 12, 2)),
    ],
    ids=str,
)
def test_disposition_deadline_702(
    finding: date | datetime | None,
    detained: bool,
    petition: datetime | None,
    good_cause: bool,
    expected: datetime,
) -> None:
    due = disposition_deadline_702(
        finding, CAL, detained, petition, good_cause_extension=good_cause
    )
    assert due == expected


def test_disposition_deadline_702_missing_input() -> None:
    with pytest.raises(ValueError, match="jurisdiction_finding_date is required"):
        disposition_deadline_702(None, CAL, True, None)
    with pytest.raises(ValueError, match="petition_filed_at is required"):
        disposition_deadline_702(date(2026, 12, 1), CAL, False, None)


def test_hearing_241_1_deadline() -> None:
    assert hearing_241_1_deadline(date(2026, 11, 16), CAL) == eod(2026, 12, 9)


# --- Naive datetimes ---------------------------------------------------------------------------

NAIVE = datetime(2026, 11, 25, 10)

NAIVE_CALLS: list[tuple[str, Callable[[], object]]] = [
    ("631", lambda: release_deadline_631(NAIVE, CAL)),
    ("632b", lambda: detention_hearing_deadline_632b(NAIVE, CAL)),
    ("631b", lambda: supervisor_review_due_631b(NAIVE)),
    ("632a", lambda: detention_hearing_deadline_632a(NAIVE, CAL)),
    ("657-detained", lambda: jurisdiction_deadline_657(NAIVE, CAL, True, None)),
    ("657-not-detained", lambda: jurisdiction_deadline_657(None, CAL, False, NAIVE)),
    ("702-detained", lambda: disposition_deadline_702(NAIVE, CAL, True, None)),
    ("702-not-detained", lambda: disposition_deadline_702(None, CAL, False, NAIVE)),
    ("241.1", lambda: hearing_241_1_deadline(NAIVE, CAL)),
    ("state-due", lambda: deadline_state(NAIVE, None, la(2026, 11, 25))),
    ("state-now", lambda: deadline_state(la(2026, 11, 25), None, NAIVE)),
    ("state-met", lambda: deadline_state(la(2026, 11, 25), NAIVE, la(2026, 11, 25))),
    ("episode", lambda: EpisodeTimes(custody_start_at=NAIVE)),
    ("episode-field", lambda: EpisodeTimes(la(2026, 11, 25), released_at=NAIVE)),
    ("compute-now", lambda: compute_deadlines(EpisodeTimes(None), CAL, NAIVE)),
    ("deadline", lambda: Deadline("WIC631", "x", NAIVE, "open")),
    ("hours-left", lambda: hours_left(Deadline("WIC631", "x", la(2026, 11, 25), "open"), NAIVE)),
]


@pytest.mark.parametrize("call", [c for _, c in NAIVE_CALLS], ids=[n for n, _ in NAIVE_CALLS])
def test_naive_datetime_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


# --- States and hours left ---------------------------------------------------------------------

DUE = la(2026, 11, 25, 10)


@pytest.mark.parametrize(
    ("met_at", "now", "state"),
    [
        (None, DUE - timedelta(hours=1), "open"),
        (None, DUE, "open"),  # still open at the exact due instant
        (None, DUE + timedelta(microseconds=1), "breached"),
        (DUE - timedelta(hours=5), DUE - timedelta(hours=1), "met"),
        (DUE, DUE + timedelta(days=3), "met"),  # met exactly on time
        (DUE + timedelta(minutes=1), DUE + timedelta(days=3), "breached"),  # met late
        (DUE.astimezone(UTC), DUE + timedelta(days=3), "met"),  # other zone, same instant
    ],
    ids=str,
)
def test_deadline_state(met_at: datetime | None, now: datetime, state: str) -> None:
    assert deadline_state(DUE, met_at, now) == state


def test_deadline_state_compares_instants_not_wall_clock() -> None:
    due = la(2026, 11, 1, 1, 30, fold=0)  # 01:30 PDT
    met = la(2026, 11, 1, 1, 30, fold=1)  # 01:30 PST, one hour later
    assert deadline_state(due, met, met) == "breached"


@pytest.mark.parametrize(
    ("now", "hours"),
    [
        (DUE - timedelta(hours=30), 30.0),
        (DUE - timedelta(minutes=90), 1.5),
        (DUE, 0.0),
        (DUE + timedelta(hours=2), -2.0),
        (datetime(2026, 11, 25, 12, tzinfo=UTC), 6.0),  # 04:00 PST
    ],
    ids=str,
)
def test_hours_left(now: datetime, hours: float) -> None:
    deadline = Deadline("WIC631", CITATIONS["WIC631"], DUE, "open")
    assert hours_left(deadline, now) == pytest.approx(hours)


def test_hours_left_across_fall_back() -> None:
    deadline = Deadline("WIC632a", "x", la(2026, 11, 2, 0), "open")
    assert hours_left(deadline, la(2026, 11, 1, 0)) == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("rule", "state", "message"),
    [("WIC999", "open", "unknown deadline rule"), ("WIC631", "late", "unknown deadline state")],
)
def test_deadline_rejects_unknown_values(rule: str, state: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Deadline(rule, "x", DUE, state)


def test_deadline_is_frozen() -> None:
    deadline = Deadline("WIC631", "x", DUE, "open")
    with pytest.raises(AttributeError):
        deadline.state = "met"  # type: ignore[misc]


# --- compute_deadlines -------------------------------------------------------------------------


def summary(deadlines: list[Deadline]) -> list[tuple[str, datetime, str]]:
    """(rule, due, state) triples for compact assertions."""
    return [(d.rule, d.due, d.state) for d in deadlines]


def test_ordinary_track_petition_filed_in_time() -> None:
    episode = EpisodeTimes(
        custody_start_at=la(2026, 11, 23, 10), petition_filed_at=la(2026, 11, 24, 9)
    )
    result = compute_deadlines(episode, CAL, now=la(2026, 11, 25, 8))
    assert summary(result) == [
        ("WIC631", la(2026, 11, 25, 10), "met"),  # petition filed within 48 judicial hours
        ("WIC632a", eod(2026, 11, 25), "open"),
    ]
    assert result[0].met_at == la(2026, 11, 24, 9)
    assert result[0].citation.startswith("WIC 631(a)")
    assert all(d.calendar_version == "test-2026" for d in result)


@pytest.mark.parametrize(
    ("now", "state_632a"),
    [
        (la(2026, 11, 27, 12), "open"),  # day after Thanksgiving
        (la(2026, 11, 30, 23, 59), "open"),
        (la(2026, 12, 1, 0, 0), "breached"),  # 632(a) was due at the end of Mon 30 Nov
    ],
    ids=["holiday", "last-minute", "next-day"],
)
def test_thanksgiving_custody_with_no_hearing(now: datetime, state_632a: str) -> None:
    episode = EpisodeTimes(
        custody_start_at=la(2026, 11, 25, 10), petition_filed_at=la(2026, 11, 25, 16)
    )
    result = compute_deadlines(episode, CAL, now)
    # The petition filed within 48 judicial hours meets 631(a); only 632(a) can breach.
    assert summary(result) == [
        ("WIC632a", eod(2026, 11, 30), state_632a),
        ("WIC631", la(2026, 12, 1, 10), "met"),
    ]
    assert hours_left(result[0], now) == pytest.approx(elapsed_hours(now, eod(2026, 11, 30)))


def test_ordinary_track_no_petition_breaches_631() -> None:
    episode = EpisodeTimes(custody_start_at=la(2026, 11, 25, 10))
    result = compute_deadlines(episode, CAL, now=la(2026, 12, 1, 10, 1))
    assert summary(result) == [("WIC631", la(2026, 12, 1, 10), "breached")]
    assert hours_left(result[0], la(2026, 12, 1, 10, 1)) < 0


def test_release_meets_631_and_removes_632a() -> None:
    episode = EpisodeTimes(
        custody_start_at=la(2026, 11, 23, 10),
        released_at=la(2026, 11, 23, 20),
        petition_filed_at=la(2026, 11, 30, 9),
    )
    result = compute_deadlines(episode, CAL, now=la(2026, 12, 1, 9))
    assert [d.rule for d in result] == ["WIC631", "WIC657"]
    assert result[0].state == "met"
    # Released, not detained: jurisdiction within 30 calendar days of the petition.
    assert result[1].due == eod(2026, 12, 30)
    assert result[1].state == "open"


def test_petition_before_custody_counts_632a_from_custody() -> None:
    episode = EpisodeTimes(
        custody_start_at=la(2026, 11, 25, 18), petition_filed_at=la(2026, 11, 20, 9)
    )
    result = compute_deadlines(episode, CAL, now=la(2026, 11, 25, 19))
    by_rule = {d.rule: d for d in result}
    assert by_rule["WIC632a"].due == eod(2026, 11, 30)


B_TRACK = {
    "misdemeanour_only": True,
    "non_violent": True,
    "not_on_probation": True,
    "warrantless": True,
}


@pytest.mark.parametrize(
    ("extra", "now", "expected"),
    [
        # Fri 18:00 custody: review due Sat 18:00; 48 judicial h: Fri 6 + Mon 24 + Tue 18
        ({}, la(2026, 11, 21, 12), [("WIC631b", "open"), ("WIC631", "open")]),
        ({}, la(2026, 11, 21, 19), [("WIC631b", "breached"), ("WIC631", "open")]),
        (
            {"supervisor_approved_at": la(2026, 11, 21, 17)},
            la(2026, 11, 21, 19),
            [("WIC631b", "met"), ("WIC631", "open")],
        ),
        (
            {"supervisor_approved_at": la(2026, 11, 21, 19)},
            la(2026, 11, 21, 20),
            [("WIC631b", "breached"), ("WIC631", "open")],
        ),
        (  # a petition alone does not satisfy 631(b): a detention order is needed too
            {"petition_filed_at": la(2026, 11, 20, 20)},
            la(2026, 11, 24, 18, 30),
            [("WIC631b", "breached"), ("WIC632a", "breached"), ("WIC631", "breached")],
        ),
        (
            {
                "petition_filed_at": la(2026, 11, 20, 20),
                "detention_hearing_at": la(2026, 11, 23, 9),
                "detained": True,
            },
            la(2026, 11, 24, 18, 30),
            # 657: 15 judicial days after Mon 23 Nov skips Thanksgiving -> Wed 16 Dec
            [("WIC631b", "breached"), ("WIC632a", "met"), ("WIC631", "met"), ("WIC657", "open")],
        ),
        (
            {"released_at": la(2026, 11, 21, 10)},
            la(2026, 11, 30, 9),
            [("WIC631b", "met"), ("WIC631", "met")],
        ),
    ],
    ids=["open", "review-late", "approved", "approved-late", "petition-only", "heard", "released"],
)
def test_631b_track(
    extra: dict[str, object], now: datetime, expected: list[tuple[str, str]]
) -> None:
    episode = EpisodeTimes(
        custody_start_at=la(2026, 11, 20, 18),
        **B_TRACK,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )
    result = compute_deadlines(episode, CAL, now)
    assert [(d.rule, d.state) for d in result] == expected
    by_rule = {d.rule: d for d in result}
    assert by_rule["WIC631b"].due == la(2026, 11, 21, 18)
    assert by_rule["WIC631"].due == la(2026, 11, 24, 18)
    assert "631(b)" in by_rule["WIC631"].citation
    if "WIC657" in by_rule:
        assert by_rule["WIC657"].due == eod(2026, 12, 16)


@pytest.mark.parametrize("flag", sorted(B_TRACK))
def test_any_missing_631b_flag_means_ordinary_track(flag: str) -> None:
    flags = {**B_TRACK, flag: False}
    episode = EpisodeTimes(custody_start_at=la(2026, 11, 20, 18), **flags)  # type: ignore[arg-type]
    assert not episode.track_631b
    result = compute_deadlines(episode, CAL, now=la(2026, 11, 21, 12))
    assert [d.rule for d in result] == ["WIC631"]


def test_claimed_18_plus_has_no_631_clock() -> None:
    episode = EpisodeTimes(custody_start_at=la(2026, 11, 20, 18), claimed_18_plus=True)
    assert compute_deadlines(episode, CAL, now=la(2026, 11, 21, 12)) == []


def test_detained_episode_through_disposition() -> None:
    episode = EpisodeTimes(
        custody_start_at=la(2026, 11, 13, 22),
        petition_filed_at=la(2026, 11, 13, 23),
        detention_hearing_at=la(2026, 11, 16, 9),
        detained=True,
        jurisdiction_at=la(2026, 12, 10, 10),
        dual_status_candidate=True,
        dual_status_hearing_at=la(2026, 12, 2, 9),
    )
    result = compute_deadlines(episode, CAL, now=la(2026, 12, 15, 12))
    assert summary(result) == [
        # Fri 22:00: Fri 2 h + Mon 24 h + Tue 22 h; the petition at 23:00 Fri meets it
        ("WIC632a", eod(2026, 11, 16), "met"),
        ("WIC631", la(2026, 11, 17, 22), "met"),
        ("WIC657", eod(2026, 12, 9), "breached"),  # heard 10 Dec, one day late
        ("WIC241_1", eod(2026, 12, 9), "met"),
        ("WIC702", eod(2026, 12, 24), "open"),  # 10 judicial days after 10 Dec
    ]


def test_awaiting_detention_hearing_has_no_657() -> None:
    episode = EpisodeTimes(
        custody_start_at=la(2026, 11, 23, 10), petition_filed_at=la(2026, 11, 23, 15)
    )
    assert episode.awaiting_detention_hearing
    rules = [d.rule for d in compute_deadlines(episode, CAL, now=la(2026, 11, 23, 16))]
    assert "WIC657" not in rules


def test_not_detained_after_hearing_gets_30_day_657() -> None:
    episode = EpisodeTimes(
        custody_start_at=la(2026, 11, 23, 10),
        petition_filed_at=la(2026, 11, 23, 15),
        detention_hearing_at=la(2026, 11, 24, 9),
        released_at=la(2026, 11, 24, 11),
        detained=False,
    )
    by_rule = {d.rule: d for d in compute_deadlines(episode, CAL, now=la(2026, 11, 24, 12))}
    assert by_rule["WIC657"].due == eod(2026, 12, 23)
    assert by_rule["WIC632a"].state == "met"


def test_no_custody_no_petition_no_deadlines() -> None:
    assert compute_deadlines(EpisodeTimes(custody_start_at=None), CAL, la(2026, 11, 24)) == []


def test_deadlines_use_the_county_zone() -> None:
    ny = ZoneInfo("America/New_York")
    episode = EpisodeTimes(custody_start_at=datetime(2026, 11, 23, 10, tzinfo=ny))
    (deadline,) = compute_deadlines(episode, CAL, datetime(2026, 11, 23, 11, tzinfo=ny), tz=ny)
    assert deadline.due == datetime(2026, 11, 25, 10, tzinfo=ny)
