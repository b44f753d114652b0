"""Hand-worked cases for the rules of issue 21: dependency, SB 1322 in every form, WIC 207,
time sense, the court's orders and the clocks they move. Dates are worked out in each docstring
against the shipped court-holiday calendar (America/Los_Angeles)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from girlscourt.domain.court_orders import CourtOrderInput, validate_orders
from girlscourt.domain.deadlines import (
    RULE_241_1,
    RULE_657,
    EpisodeTimes,
    LimitExtension,
    compute_deadlines,
)
from girlscourt.domain.dependency_rules import DependencyInput, is_dependent, validate_dependency
from girlscourt.domain.intake_rules import (
    ChargeInput,
    DecisionInput,
    EpisodeInput,
    check_decision,
    check_episode,
)
from girlscourt.domain.judicial_calendar import JudicialCalendar
from girlscourt.errors import RuleRefused, ValidationError
from girlscourt.services.codes.intake_codes import intake_codes

TZ = ZoneInfo("America/Los_Angeles")
START = dt.datetime(2026, 11, 25, 21, 40, tzinfo=TZ)  # the night before Thanksgiving
DOB_16 = dt.date(2010, 3, 1)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


def episode(*codes: str, **changes: object) -> EpisodeInput:
    base: dict[str, object] = {
        "youth_id": 1,
        "custody_start_at": START,
        "charges": tuple(ChargeInput(c) for c in codes),
    }
    base.update(changes)
    return EpisodeInput(**base)  # type: ignore[arg-type]


def calendar() -> JudicialCalendar:
    return JudicialCalendar(2026, 2027)


# --- SB 1322 in every form -------------------------------------------------------------------


def test_sb1322_with_resisting_books_only_the_148_count() -> None:
    """PC 647(b) + PC 148(a)(1), age 16: the 647(b) count is struck, PC 148(a)(1) books."""
    checked = check_episode(episode("PC 647(b)", "PC 148(a)(1)"), DOB_16, intake_codes(), TZ)
    assert [c.code for c in checked.charges] == ["PC 148(a)(1)"]
    assert [c.code for c in checked.struck] == ["PC 647(b)"]
    assert checked.flags_631b["misdemeanour_only"]  # the track follows the booked counts


def test_sb1322_strikes_653_22_among_several_counts() -> None:
    checked = check_episode(episode("PC 653.22", "PC 484", "PC 647(b)"), DOB_16, intake_codes(), TZ)
    assert [c.code for c in checked.charges] == ["PC 484"]
    assert {c.code for c in checked.struck} == {"PC 653.22", "PC 647(b)"}


# --- time sense ------------------------------------------------------------------------------


def test_custody_more_than_an_hour_ahead_is_refused() -> None:
    """Custody 2026-11-25 21:40; now 20:39 (61 minutes before): refused; 20:41: accepted."""
    with pytest.raises(ValidationError) as error:
        now = START - dt.timedelta(minutes=61)
        check_episode(episode("PC 484"), DOB_16, intake_codes(), TZ, now)
    assert error.value.field == "custody_start_at"
    check_episode(episode("PC 484"), DOB_16, intake_codes(), TZ, START - dt.timedelta(minutes=59))


def test_custody_two_months_ahead_is_refused() -> None:
    with pytest.raises(ValidationError, match="more than an hour"):
        check_episode(episode("PC 484"), DOB_16, intake_codes(), TZ, START - dt.timedelta(days=61))


# --- WIC 207, 628/635, 636 -------------------------------------------------------------------


def decide(decision: DecisionInput, *, dependent: bool = False, status_only: bool = False) -> None:
    check_decision(
        decision,
        "detain",
        dependent=dependent,
        codes=intake_codes(),
        approver_may_approve=None,
        status_only=status_only,
    )


def test_runaway_only_books_and_cannot_be_securely_detained() -> None:
    checked = check_episode(episode("WIC 601(a) RUNAWAY"), DOB_16, intake_codes(), TZ)
    assert checked.status_only and checked.charges[0].level == "status"
    with pytest.raises(RuleRefused, match="WIC 207"):
        decide(DecisionInput("detain", ("likely_to_flee",)), status_only=True)
    decide(DecisionInput("detain", ("hold_207b",)), status_only=True)  # the narrow exception


def test_a_status_offence_with_a_602_count_is_not_status_only() -> None:
    checked = check_episode(episode("WIC 601(a) RUNAWAY", "PC 484"), DOB_16, intake_codes(), TZ)
    assert not checked.status_only


def test_no_placement_alone_is_refused_for_every_youth() -> None:
    with pytest.raises(RuleRefused, match="WIC 636"):
        decide(DecisionInput("detain", ("no_placement",)), dependent=True)
    with pytest.raises(RuleRefused, match="“No placement available” alone"):
        decide(DecisionInput("detain", ("no_placement",)), dependent=False)
    decide(DecisionInput("detain", ("no_placement", "likely_to_flee")), dependent=False)


def test_dependency_needs_the_child_welfare_case_number() -> None:
    today = dt.date(2026, 12, 7)
    with pytest.raises(ValidationError) as error:
        validate_dependency(DependencyInput("300"), today)
    assert error.value.field == "child_welfare_case_number"
    clean = validate_dependency(DependencyInput("300", None, "CW-2026-0412"), today)
    assert clean.effective_on == today and is_dependent(clean.status)
    with pytest.raises(ValidationError, match="future"):
        validate_dependency(DependencyInput("300", dt.date(2026, 12, 8), "CW-1"), today)
    assert (
        validate_dependency(DependencyInput("none", None, "CW-1"), today).child_welfare_case_number
        is None
    )


# --- the court's orders and the clocks -------------------------------------------------------


def test_a_detention_order_needs_the_636_findings() -> None:
    with pytest.raises(ValidationError) as error:
        validate_orders(CourtOrderInput("detained"), "DET", "held", None, None)
    assert error.value.field == "findings_636.contrary_to_welfare"
    full = {"contrary_to_welfare": True, "reasonable_efforts": True}
    assert validate_orders(CourtOrderInput("detained", full), "DET", "held", None, None).findings()
    with pytest.raises(ValidationError, match="detention hearing only"):
        validate_orders(CourtOrderInput("released"), "JUR", "held", None, None)


def test_a_time_waiver_names_who_and_until_when() -> None:
    day = dt.date(2027, 1, 12)
    with pytest.raises(ValidationError) as error:
        validate_orders(
            CourtOrderInput(continuance_basis="time_waiver"), "JUR", "continued", day, None
        )
    assert error.value.field == "time_waiver_until"
    clean = validate_orders(
        CourtOrderInput(
            continuance_basis="time_waiver",
            time_waiver_until=day,
            waived_by="the youth, with counsel",
        ),
        "JUR",
        "continued",
        day,
        None,
    )
    assert clean.time_waiver_until == day and clean.findings() == {
        "time_waived_by": "the youth, with counsel"
    }
    assert (
        validate_orders(CourtOrderInput(), "JUR", "continued", day, True).continuance_basis
        == "consent"
    )


def test_released_by_the_court_gets_the_not_detained_limit() -> None:
    """Petition filed Fri 2026-11-27; detention hearing Mon 2026-11-30, the court releases.
    Not detained: 30 calendar days from the petition, Sun 2026-12-27 (detained it would be 15
    judicial days from 11-30: Mon 2026-12-21)."""
    times = EpisodeTimes(
        custody_start_at=START,
        petition_filed_at=at("2026-11-27"),
        detention_hearing_at=at("2026-11-30"),
        released_at=at("2026-11-30"),
        detained=False,
    )
    due = {d.rule: d.due.date() for d in compute_deadlines(times, calendar(), at("2026-12-01"), TZ)}
    assert due[RULE_657] == dt.date(2026, 12, 27)
    detained = EpisodeTimes(
        custody_start_at=START,
        petition_filed_at=at("2026-11-27"),
        detention_hearing_at=at("2026-11-30"),
        detained=True,
    )
    due = {
        d.rule: d.due.date() for d in compute_deadlines(detained, calendar(), at("2026-12-01"), TZ)
    }
    assert due[RULE_657] == dt.date(2026, 12, 21)


def test_a_granted_continuance_moves_the_limit_with_its_reason() -> None:
    """Detained, limit Mon 2026-12-21; continued on the youth's consent, limit 2027-01-04."""
    times = EpisodeTimes(
        custody_start_at=START,
        petition_filed_at=at("2026-11-27"),
        detention_hearing_at=at("2026-11-30"),
        detained=True,
        extensions=(LimitExtension(RULE_657, dt.date(2027, 1, 4), "continued on consent"),),
    )
    (row,) = [
        d for d in compute_deadlines(times, calendar(), at("2026-12-22"), TZ) if d.rule == RULE_657
    ]
    assert row.due.date() == dt.date(2027, 1, 4) and row.state == "open"
    assert "continued on consent" in row.citation


def test_a_detained_dependent_gets_the_241_1_deadline() -> None:
    """Detention hearing Mon 2026-11-30: 15 court days, skipping Sat/Sun and nothing else
    before Christmas: Dec 1-4 (4), 7-11 (9), 14-18 (14), Mon 12-21 (15)."""
    times = EpisodeTimes(
        custody_start_at=START,
        petition_filed_at=at("2026-11-27"),
        detention_hearing_at=at("2026-11-30"),
        detained=True,
        dual_status_candidate=True,
    )
    due = {d.rule: d.due.date() for d in compute_deadlines(times, calendar(), at("2026-12-01"), TZ)}
    assert due[RULE_241_1] == dt.date(2026, 12, 21)


def test_turning_18_while_detained_warns_on_the_board() -> None:
    """Born 2008-12-10: 18 on 2026-12-10. Detained 2026-12-01: on 12-07 the warning says she
    turns 18 within the week; on 12-11 that she turned 18 while detained; detained after the
    birthday, no warning. Born 2008-02-29: 18 on 2026-03-01."""
    from girlscourt.services.intake.custody_board import age_warnings

    dob = dt.date(2008, 12, 10)
    (soon,) = age_warnings(dob, dt.date(2026, 12, 1), dt.date(2026, 12, 7))
    assert soon.startswith("Turns 18 on 12/10/2026")
    (turned,) = age_warnings(dob, dt.date(2026, 12, 1), dt.date(2026, 12, 11))
    assert turned.startswith("Turned 18 on 12/10/2026 while detained")
    assert age_warnings(dob, dt.date(2026, 12, 11), dt.date(2026, 12, 12)) == ()
    assert age_warnings(dob, dt.date(2026, 11, 1), dt.date(2026, 11, 20)) == ()
    (leap,) = age_warnings(dt.date(2008, 2, 29), dt.date(2026, 2, 1), dt.date(2026, 3, 2))
    assert "03/01/2026" in leap


def test_the_end_of_jurisdiction_warns_from_county_data() -> None:
    """Born 2005-12-10, limits 18 / 21 / 7 days: on 2026-12-07 jurisdiction ends on
    2026-12-10 (at 21); with the county's age set to 25 no warning."""
    from girlscourt.domain.intake_rules import AgeLimits
    from girlscourt.services.intake.custody_board import age_warnings

    dob = dt.date(2005, 12, 10)
    (ends,) = age_warnings(dob, dt.date(2026, 11, 1), dt.date(2026, 12, 7))
    assert ends == "Juvenile court jurisdiction ends at 21 on 12/10/2026 (WIC 607)"
    assert age_warnings(dob, dt.date(2026, 11, 1), dt.date(2026, 12, 7), AgeLimits(18, 25, 7)) == ()
