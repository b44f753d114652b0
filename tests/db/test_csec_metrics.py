"""CSEC metrics on a small hand-built county, each expected number worked out by hand below."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

from girlscourt.db.models import (
    Agency,
    AssignmentEvent,
    Charge,
    ChecklistStep,
    CourtCase,
    CustodyEpisode,
    Department,
    DetentionAssessment,
    GirlsCourtAssignment,
    Hearing,
    MdtAttendee,
    MdtMeeting,
    Petition,
    Referral,
    ReferralEvent,
    SafetyPlanItem,
    Screening,
    StaffTraining,
    Youth,
)
from girlscourt.errors import PermissionDenied, ValidationError
from girlscourt.readmodels.csec_report import make_period
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.reports.csec_metrics import compute, csec_report, housing_units
from girlscourt.services.reports.metrics_base import Metrics, RawTable
from girlscourt.services.security import accounts
from tests.unit.test_suppression import _rank

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 4, 10, 18, 0, tzinfo=dt.UTC)
PERIOD = make_period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def utc(month: int, day: int, hour: int = 18, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=dt.UTC)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


class County:
    """Builds rows directly (the services' own rules are tested elsewhere)."""

    def __init__(self, session: Any, user_id: int) -> None:
        self.session = session
        self.user_id = user_id

    def add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def youth(self, dob: dt.date, gender: str | None, race: str, language: str) -> int:
        row = Youth(
            legal_first_name="Test",
            legal_last_name="Youth",
            dob=dob,
            gender_identity=gender,
            race_ethnicity=race,
            primary_language=language,
        )
        return int(self.add(row).id)

    def episode(
        self, youth: int, start: dt.datetime, released: dt.datetime | None, unit: str = "Unit 4"
    ) -> int:
        row = CustodyEpisode(
            youth_id=youth, custody_start_at=start, released_at=released, housing_unit=unit
        )
        return int(self.add(row).id)

    def screening(
        self,
        youth: int,
        episode: int,
        level: str,
        at: dt.datetime,
        *,
        trigger: str = "intake",
        disclosure: bool = False,
    ) -> None:
        self.add(
            Screening(
                youth_id=youth,
                episode_id=episode,
                instrument_id="csec-screen-gc",
                instrument_version="1.0.0",
                instrument_checksum="x" * 64,
                screener_id=self.user_id,
                trigger=trigger,
                responses={},
                domain_scores={},
                total_score=0.0,
                computed_level=level,
                result_level=level,
                disclosure=disclosure,
                completed_at=at,
            )
        )

    def decision(
        self,
        episode: int,
        band: str,
        decision: str,
        at: dt.datetime,
        *,
        mandatory: str | None = None,
        direction: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.add(
            DetentionAssessment(
                episode_id=episode,
                instrument_id="detention-risk-example",
                instrument_version="1.0.0",
                instrument_checksum="y" * 64,
                answers={},
                total_score=0.0,
                band=band,
                mandatory_category=mandatory,
                decision=decision,
                override_direction=direction,
                override_reason_code=reason,
                decided_by=self.user_id,
                decided_at=at,
            )
        )

    def step(self, youth: int, code: str, done: dt.datetime | None, due: dt.datetime) -> None:
        self.add(ChecklistStep(youth_id=youth, step=code, due_at=due, done_at=done))

    def referral(
        self, youth: int, kind: str, agency: int, events: list[tuple[str, dt.datetime]]
    ) -> None:
        row = self.add(
            Referral(
                youth_id=youth,
                referral_type=kind,
                agency_id=agency,
                reason_codes=[],
                urgency="same_day",
                due_at=events[0][1],
                status=events[-1][0],
                created_by=self.user_id,
                created_at=events[0][1],  # made when its first event happened
            )
        )
        previous = None
        for status, at in events:
            self.add(
                ReferralEvent(
                    referral_id=row.id,
                    from_status=previous,
                    to_status=status,
                    actor_id=self.user_id,
                    at=at,
                )
            )
            previous = status

    def meeting(self, youth: int, at: dt.datetime, items: int = 0, done: int = 0) -> None:
        row = self.add(MdtMeeting(youth_id=youth, held_at=at))
        self.add(
            MdtAttendee(
                meeting_id=row.id,
                role="Deputy DA",
                name="Test Attendee",
                confidentiality_agreement_on=dt.date(2025, 1, 1),
            )
        )
        for k in range(items):
            self.add(
                SafetyPlanItem(
                    meeting_id=row.id,
                    description="Safety-plan action",
                    owner="Advocate",
                    due_on=at.date() + dt.timedelta(days=7),
                    done_on=at.date() + dt.timedelta(days=3) if k < done else None,
                )
            )


def build_county(core: Core, admin: Actor) -> None:
    """The fixture the expected numbers below are worked out from.

    Youths (age at custody in brackets):
      Y1 female, English; E1 2026-01-15 (15), E7 2026-03-20 (15)
      Y2 nonbinary, Spanish; E2 2026-02-10 (15)
      Y3 "Female " (folds into female), English; E3 2026-03-01 (13)
      Y4 female, Vietnamese; E4 2026-01-20 (18), still detained on NOW (80 days)
      Y5 sealed petition: everything about her must vanish
      Y6 gender not recorded, Spanish; identified 2025-12-01, again 2026-03-10 (E6, 16)
    """
    with core.write() as session:
        c = County(session, admin.user_id)
        y1 = c.youth(dt.date(2010, 5, 10), "female", "Black or African American", "English")
        y2 = c.youth(dt.date(2011, 2, 1), "nonbinary", "Hispanic or Latina", "Spanish")
        y3 = c.youth(dt.date(2012, 8, 20), "Female ", "White", "English")
        y4 = c.youth(dt.date(2008, 1, 5), "female", "Asian", "Vietnamese")
        y5 = c.youth(dt.date(2010, 1, 1), "female", "White", "English")
        y6 = c.youth(dt.date(2009, 6, 30), None, "Multiracial", "Spanish")

        e1 = c.episode(y1, utc(1, 15), utc(1, 17))
        e2 = c.episode(y2, utc(2, 10), utc(2, 11, 6))
        e3 = c.episode(y3, utc(3, 1), utc(3, 1, 22), unit="Unit 5")
        e4 = c.episode(y4, utc(1, 20), None)
        e5 = c.episode(y5, utc(2, 1), None)
        e6a = c.episode(y6, utc(12, 1, year=2025), utc(12, 2, year=2025))
        e6 = c.episode(y6, utc(3, 10), utc(3, 12))
        e7 = c.episode(y1, utc(3, 20), utc(3, 21))

        t1, t2 = utc(1, 15, 19), utc(2, 10, 20)
        c.screening(y1, e1, "clear_concern", t1)
        c.screening(y2, e2, "clear_concern", t2, disclosure=True)
        c.screening(y3, e3, "no_concern", utc(3, 1, 19))
        c.screening(y5, e5, "possible", utc(2, 1, 19))
        c.screening(y6, e6a, "possible", utc(12, 1, 19, year=2025))
        c.screening(y6, e6, "possible", utc(3, 10, 19), trigger="new_information")
        c.screening(y1, e7, "possible", utc(3, 20, 19))

        c.decision(e1, "release", "detain", t1, direction="up", reason="victim_safety")
        c.decision(e2, "alternative", "alternative", t2)
        c.decision(e3, "release", "pending", utc(3, 1, 19))
        c.decision(e3, "release", "release", utc(3, 1, 20))  # the latest one counts
        c.decision(e4, "detain", "detain", utc(1, 20, 19))
        c.decision(e5, "detain", "detain", utc(2, 1, 19))
        c.decision(e6, "detain", "detain", utc(3, 10, 19), mandatory="warrant")
        c.decision(e7, "detain", "release", utc(3, 20, 19), direction="down",
                   reason="mitigating_circumstances")  # fmt: skip

        # Timeliness: Y1 and Y2 are first identified in the period (Y6 was known before).
        c.step(y1, "crisis_advocate", t1 + hours(4), t1 + hours(2))
        c.step(y2, "crisis_advocate", t2 + hours(1.5), t2 + hours(2))
        c.step(y1, "child_welfare_report", t1 + hours(30), t1 + hours(24))
        c.step(y2, "child_welfare_report", t2 + hours(10), t2 + hours(24))
        c.step(y6, "crisis_advocate", utc(3, 10, 20), utc(3, 10, 21))
        advocacy = c.add(Agency(name="Test Advocacy", kind="crisis_advocacy")).id
        clinic = c.add(Agency(name="Test Clinic", kind="medical")).id
        c.referral(y1, "csec_advocacy", advocacy,
                   [("draft", t1 + hours(0.9)), ("sent", t1 + hours(1)),
                    ("first_contact", t1 + hours(3))])  # fmt: skip
        c.referral(y1, "medical", clinic, [("draft", t1 + hours(0.4)), ("sent", t1 + hours(0.5))])
        c.referral(y5, "mental_health", clinic, [("draft", utc(2, 2)), ("sent", utc(2, 2, 19))])
        c.referral(y3, "mental_health", clinic,
                   [("draft", utc(11, 1, year=2025)), ("closed", utc(11, 2, year=2025))])  # fmt: skip
        c.meeting(y1, t1 + hours(48), items=2, done=1)
        c.meeting(y2, t2 + hours(100))
        c.meeting(y6, utc(3, 11))
        c.meeting(y5, utc(2, 3))

        # Courts: Y5's petition is sealed.
        case1 = c.add(CourtCase(youth_id=y1, case_number="J-1")).id
        case5 = c.add(CourtCase(youth_id=y5, case_number="J-5")).id
        c.add(Petition(case_id=case1, petition_number="1", filed_on=dt.date(2026, 1, 16)))
        c.add(Petition(case_id=case5, petition_number="1", filed_on=dt.date(2026, 2, 2),
                       sealing_state="sealed_786"))  # fmt: skip
        dept = c.add(Department(code="D1", name="Dept 1")).id
        for case, day, girls_court, outcome in (
            (case1, utc(2, 5), True, "held"),
            (case1, utc(2, 19), True, "continued"),
            (case1, utc(3, 2), False, None),
            (case5, utc(2, 6), True, "held"),
            (case1, utc(4, 15), True, None),
        ):
            c.add(Hearing(case_id=case, hearing_type="REV", scheduled_at=day, department_id=dept,
                          custody_status="OUT", girls_court=girls_court, outcome=outcome))  # fmt: skip
        for youth, referred, accepted, event in (
            (y1, utc(1, 25), dt.date(2026, 2, 5), ("completed", utc(3, 30))),
            (y2, utc(12, 15, year=2025), dt.date(2026, 1, 10), ("exited", utc(2, 20))),
            (y5, utc(2, 3), dt.date(2026, 2, 4), ("completed", utc(3, 1))),
        ):
            a = c.add(GirlsCourtAssignment(youth_id=youth, referred_by=admin.user_id,
                                           referred_at=referred, accepted_on=accepted,
                                           status=event[0]))  # fmt: skip
            c.add(AssignmentEvent(assignment_id=a.id, status=event[0], actor_id=admin.user_id,
                                  at=event[1]))  # fmt: skip
        c.add(StaffTraining(user_id=admin.user_id, course="csec_awareness",
                            completed_on=dt.date(2026, 2, 1), hours=6.0))  # fmt: skip
        c.add(StaffTraining(user_id=admin.user_id, course="Trauma-informed interviewing",
                            completed_on=dt.date(2025, 12, 1), hours=4.0))  # fmt: skip


@pytest.fixture
def metrics(core: Core, admin: Actor) -> Metrics:
    build_county(core, admin)
    with core.read() as session:
        return compute(session, PERIOD, tz=LA, now=NOW)


def body(table: RawTable) -> dict[str, dict[str, Any]]:
    """Body rows as {row key: {column key: value}}."""
    keys = [c.key for c in table.columns]
    return {
        k: dict(zip(keys, v, strict=True))
        for (k, _), v in zip(table.rows, table.values, strict=True)
    }


def totals(table: RawTable) -> dict[str, Any]:
    assert table.total_row is not None
    return dict(zip([c.key for c in table.columns], table.total_row, strict=True))


def test_screening_rate(metrics: Metrics) -> None:
    # Six intakes in the period (E1 E2 E3 E4 E6 E7; E5 is sealed, E6a is in December).
    # Five were screened: E4 was not.
    rate = metrics.figure("screening_rate")
    assert (rate.numerator, rate.denominator) == (5, 6)
    assert rate.value == pytest.approx(100 * 5 / 6)
    assert metrics.figure("intakes").value == 6


def test_result_distribution_and_triggers(metrics: Metrics) -> None:
    # Screenings completed in the period: S1 clear, S2 clear, S3 none, S6b possible, S7 possible.
    dist = body(metrics.table("screening_results"))
    assert dist["csec-screen-gc@1.0.0"] == {
        "no_concern": 1, "possible": 2, "clear_concern": 2, "total": 5,
    }  # fmt: skip
    triggers = body(metrics.table("screening_triggers"))
    assert triggers["intake"]["screenings"] == 4
    assert triggers["new_information"]["screenings"] == 1


def test_youth_identified_once_by_source(metrics: Metrics) -> None:
    # Y1 twice (E1 clear, E7 possible) counts once, from intake screening, first time ever.
    # Y2 disclosed (new). Y6 was identified in December and again by a re-screen.
    table = metrics.table("identified_by_source")
    rows = body(table)
    assert rows["intake_screening"] == {"new": 1, "known": 0, "total": 1}
    assert rows["disclosure"] == {"new": 1, "known": 0, "total": 1}
    assert rows["rescreen"] == {"new": 0, "known": 1, "total": 1}
    assert totals(table) == {"new": 2, "known": 1, "total": 3}
    assert metrics.figure("youth_identified").value == 3
    assert metrics.figure("newly_identified").value == 2


def test_timeliness_medians_percentiles_and_breaches(metrics: Metrics) -> None:
    rows = body(metrics.table("timeliness"))
    # Advocate referral sent: Y1 after 1 h (the medical referral at 0.5 h is not an advocate);
    # Y2 none, and her 2-hour target passed long ago: one breach.
    assert rows["advocate_referral"]["reached"] == 1
    assert rows["advocate_referral"]["not_reached"] == 1
    assert rows["advocate_referral"]["median"] == pytest.approx(1.0)
    assert rows["advocate_referral"]["breaches"] == 1
    # First contact: Y1 min(referral contact 3 h, checklist 4 h) = 3 h; Y2 checklist 1.5 h.
    # Median of [1.5, 3] = 2.25; p90 = 1.5 + 0.9 x 1.5 = 2.85; 3 h > 2 h target: one breach.
    contact = rows["advocate_contact"]
    assert (contact["reached"], contact["total"]) == (2, 2)
    assert contact["median"] == pytest.approx(2.25)
    assert contact["p90"] == pytest.approx(2.85)
    assert contact["breaches"] == 1
    assert contact["target"] == 2.0
    # MDT: Y1 48 h, Y2 100 h; median 74, p90 48 + 0.9 x 52 = 94.8; 100 > 72: one breach.
    assert rows["mdt"]["median"] == pytest.approx(74.0)
    assert rows["mdt"]["p90"] == pytest.approx(94.8)
    assert rows["mdt"]["breaches"] == 1
    # Child-welfare report: Y1 30 h (late, target 24), Y2 10 h; median 20, p90 28.
    assert rows["child_welfare_report"]["median"] == pytest.approx(20.0)
    assert rows["child_welfare_report"]["p90"] == pytest.approx(28.0)
    assert rows["child_welfare_report"]["breaches"] == 2  # both past the telephone report's hour


def test_band_against_decision_and_override_rates(metrics: Metrics) -> None:
    table = metrics.table("band_decision")
    rows = body(table)
    # E3's earlier "pending" assessment is replaced by its latest one (release).
    assert rows["release"] == {
        "release": 1,
        "alternative": 0,
        "detain": 1,
        "pending": 0,
        "total": 2,
    }
    assert rows["alternative"]["alternative"] == 1
    assert rows["detain"] == {"release": 1, "alternative": 0, "detain": 1, "pending": 0, "total": 2}
    assert rows["mandatory"]["detain"] == 1
    assert totals(table)["total"] == 6
    # Below the detain cut-off: E1 (detained), E2, E3 -> 1 of 3. Scored detain: E4 kept, E7
    # released -> release-override rate 1 of 2. The mandatory case (E6) is apart.
    detain = metrics.figure("detain_override_rate")
    assert (detain.numerator, detain.denominator) == (1, 3)
    assert detain.value == pytest.approx(100 / 3)
    release = metrics.figure("release_override_rate")
    assert (release.numerator, release.denominator) == (1, 2)
    assert metrics.figure("mandatory_detained").value == 1
    reasons = body(metrics.table("override_reasons"))
    assert reasons["victim_safety"] == {"up": 1, "down": 0, "total": 1}
    assert reasons["mitigating_circumstances"] == {"up": 0, "down": 1, "total": 1}


def test_detention_and_stay_identified_versus_others(metrics: Metrics) -> None:
    table = metrics.table("detention_csec")
    rows = body(table)
    # Identified before the episode ended: E1, E2, E7 (Y1, Y2) and E6 (Y6, known since
    # December). Detained among them: E1 (2 days) and E6 (2 days).
    assert rows["identified"]["intakes"] == 4
    assert rows["identified"]["detained"] == 2
    assert rows["identified"]["rate"] == pytest.approx(50.0)
    assert rows["identified"]["los_median"] == pytest.approx(2.0)
    # Others: E3 and E4; E4 still detained on NOW: 80 days.
    assert rows["other"]["intakes"] == 2
    assert rows["other"]["los_median"] == pytest.approx(80.0)
    # All detained stays [2, 2, 80]: median 2, p90 at position 2.8 -> 2 + 0.8 x 78 = 64.4.
    all_rows = totals(table)
    assert all_rows["intakes"] == 6 and all_rows["detained"] == 3
    assert all_rows["los_median"] == pytest.approx(2.0)
    assert all_rows["los_p90"] == pytest.approx(64.4)


def test_referrals_by_type_and_outcome(metrics: Metrics) -> None:
    # Y1's advocate referral reached first contact; her medical referral awaits contact. Y5's
    # is sealed; Y3's was made in November.
    rows = body(metrics.table("referrals"))
    assert set(rows) == {"medical", "csec_advocacy"}
    assert rows["csec_advocacy"]["in_contact"] == 1
    assert rows["medical"]["awaiting"] == 1
    assert totals(metrics.table("referrals"))["total"] == 2


def test_girls_court_and_hearings(metrics: Metrics) -> None:
    stages = body(metrics.table("girls_court"))
    # Y1 referred 25 Jan (Y2's referral was in December; Y5 is sealed); admitted: Y1 and Y2.
    assert {k: v["youth"] for k, v in stages.items()} == {
        "referred": 1, "admitted": 2, "completed": 1, "exited": 1,
    }  # fmt: skip
    hearings = body(metrics.table("hearings"))
    assert hearings["girls_court"] == {
        "held": 1,
        "continued": 1,
        "off_calendar": 0,
        "none": 0,
        "total": 2,
    }
    assert hearings["other"]["none"] == 1
    assert totals(metrics.table("hearings"))["total"] == 3


def test_partnership_counts(metrics: Metrics) -> None:
    mdt = {k: v["count"] for k, v in body(metrics.table("mdt")).items()}
    assert mdt == {"meetings": 3, "youth": 3, "items": 2, "items_done": 1}
    trainings = body(metrics.table("trainings"))
    assert trainings == {"csec_awareness": {"completions": 1, "staff": 1, "hours": 6}}


def test_equity_breakdowns(metrics: Metrics) -> None:
    age = body(metrics.table("by_age"))
    assert age["13_under"] == {
        "intakes": 1,
        "screened": 1,
        "identified": 0,
        "detained": 0,
        "status_only": 0,
    }
    assert age["14_15"] == {
        "intakes": 3,
        "screened": 3,
        "identified": 3,
        "detained": 1,
        "status_only": 0,
    }
    assert age["16_17"] == {
        "intakes": 1,
        "screened": 1,
        "identified": 1,
        "detained": 1,
        "status_only": 0,
    }
    assert age["18_over"] == {
        "intakes": 1,
        "screened": 0,
        "identified": 0,
        "detained": 1,
        "status_only": 0,
    }
    gender = body(metrics.table("by_gender"))
    assert gender["female"] == {
        "intakes": 4,
        "screened": 3,
        "identified": 2,
        "detained": 2,
        "status_only": 0,
    }
    assert gender["nonbinary"] == {
        "intakes": 1,
        "screened": 1,
        "identified": 1,
        "detained": 0,
        "status_only": 0,
    }
    assert gender["none"] == {
        "intakes": 1,
        "screened": 1,
        "identified": 1,
        "detained": 1,
        "status_only": 0,
    }
    language = body(metrics.table("by_language"))
    assert language["english"] == {
        "intakes": 3,
        "screened": 3,
        "identified": 2,
        "detained": 1,
        "status_only": 0,
    }
    assert language["spanish"] == {
        "intakes": 2,
        "screened": 2,
        "identified": 2,
        "detained": 1,
        "status_only": 0,
    }
    assert language["vietnamese"] == {
        "intakes": 1,
        "screened": 0,
        "identified": 0,
        "detained": 1,
        "status_only": 0,
    }
    for key in ("by_age", "by_gender", "by_race", "by_language"):
        assert totals(metrics.table(key)) == {
            "intakes": 6,
            "screened": 5,
            "identified": 4,
            "detained": 3,
            "status_only": 0,
        }


def test_status_offence_only_intakes_are_counted(core: Core, admin: Actor) -> None:
    """Four intakes in the first quarter of 2026, charges from the county list:

      A  WIC 601(a) RUNAWAY only, released            -> status only
      B  WIC 601(a) RUNAWAY + PC 148(a)(1), detained  -> not status only (a criminal count)
      C  WIC 601(b) TRUANCY + WIC 601(a) CURFEW, held  -> status only, held (a WIC 207 exception)
      D  no charge recorded yet                        -> not status only

    So 2 status-only intakes (A, C), 1 of them held securely (C); by age both are 14-15.
    """
    with core.write() as session:
        c = County(session, admin.user_id)
        youth = [c.youth(dt.date(2011, 6, 1), "female", "White", "English") for _ in range(4)]
        episodes = [c.episode(y, utc(2, 2 + i), utc(2, 3 + i)) for i, y in enumerate(youth)]
        charges = {
            0: ["WIC 601(a) RUNAWAY"],
            1: ["WIC 601(a) RUNAWAY", "PC 148(a)(1)"],
            2: ["WIC 601(b) TRUANCY", "WIC 601(a) CURFEW"],
        }
        for index, codes in charges.items():
            for code in codes:
                c.add(Charge(episode_id=episodes[index], code=code, level="status"))
        c.decision(episodes[1], "detain", "detain", utc(2, 3))
        c.decision(episodes[2], "release", "detain", utc(2, 4))
    with core.read() as session:
        found = compute(session, PERIOD, tz=LA, now=NOW)
    assert found.figure("status_only_intakes").value == 2
    assert found.figure("status_only_detained").value == 1
    assert body(found.table("by_age"))["14_15"]["status_only"] == 2
    for key in ("by_age", "by_gender", "by_race", "by_language"):
        assert totals(found.table(key))["status_only"] == 2
    report = csec_report(core, admin, PERIOD, suppress=True)  # 2 is under the threshold
    assert report.figure("status_only_intakes").suppressed


def test_unit_filter(core: Core, admin: Actor) -> None:
    build_county(core, admin)
    with core.read() as session:
        found = compute(session, make_period(PERIOD.start, PERIOD.end, "Unit 5"), tz=LA, now=NOW)
    assert found.figure("intakes").value == 1  # only E3
    assert found.figure("youth_identified").value == 0
    assert housing_units(core, admin) == ("Unit 4", "Unit 5")


def test_service_suppresses_for_analysts(core: Core, admin: Actor) -> None:
    build_county(core, admin)
    accounts.create_user(core, admin, "ana", "analyst", "analyst pass phrase 1", "Ana Lyst")
    analyst = accounts.authenticate(core, "ana", "analyst pass phrase 1")
    report = csec_report(core, analyst, PERIOD, suppress=False)  # analysts never get raw counts
    assert report.suppressed
    for table in report.tables:
        for row in table.rows:
            for value, column in zip(row.values, table.columns, strict=True):
                if column.kind == "count" and value is not None:
                    assert value == 0 or value >= report.threshold, (table.key, row.key)
    raw = csec_report(core, admin, PERIOD, suppress=False)
    assert not raw.suppressed and raw.figure("intakes").value == 6


def test_permissions_and_validation(core: Core, officer: Actor) -> None:
    with pytest.raises(PermissionDenied):
        csec_report(core, officer, PERIOD)
    with pytest.raises(ValidationError, match=r"^to:"):
        make_period(dt.date(2026, 3, 1), dt.date(2026, 1, 1))


# --- property: breakdowns sum to their totals (before suppression) -------------------------------

GENDERS = ["female", "Female", " female", "nonbinary", "transgender female", None]
LANGUAGES = ["English", "Spanish", "Mam", None]
LEVELS = ["no_concern", "possible", "clear_concern"]

episodes_strategy = st.lists(
    st.tuples(
        st.integers(0, 4),  # youth
        st.integers(-30, 120),  # custody start, days after 1 January
        st.sampled_from([None, *LEVELS]),  # screening level (None: not screened)
        st.booleans(),  # disclosure
        st.sampled_from([None, "release", "alternative", "detain", "pending"]),  # decision
        st.sampled_from(["release", "alternative", "detain"]),  # band
        st.integers(1, 200),  # hours held
    ),
    max_size=14,
)
youths_strategy = st.lists(
    st.tuples(st.sampled_from(GENDERS), st.sampled_from(LANGUAGES), st.integers(2007, 2013)),
    min_size=5,
    max_size=5,
)


def _wipe(core: Core) -> None:
    with core.write() as session:
        for model in (DetentionAssessment, ChecklistStep, Screening, CustodyEpisode, Youth):
            session.execute(delete(model))


@pytest.fixture
def clean_core(core: Core, admin: Actor) -> Iterator[tuple[Core, Actor]]:
    yield core, admin


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(youths=youths_strategy, episodes=episodes_strategy)
def test_property_breakdowns_sum_to_totals(
    clean_core: tuple[Core, Actor], youths: list[Any], episodes: list[Any]
) -> None:
    core, admin = clean_core
    _wipe(core)
    start = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    with core.write() as session:
        c = County(session, admin.user_id)
        ids = [c.youth(dt.date(year, 3, 3), g, "Multiracial", lang) for g, lang, year in youths]
        in_period = screened = identified_ids = 0
        identified_youth: set[int] = set()
        for youth, day, level, disclosure, decision, band, held in episodes:
            at = start + dt.timedelta(days=day)
            e = c.episode(ids[youth], at, at + hours(held))
            inside = PERIOD.start <= at.date() <= PERIOD.end
            in_period += inside
            if level is not None:
                c.screening(ids[youth], e, level, at + hours(0.5), disclosure=disclosure)
                screened += inside
                if inside and (level != "no_concern" or disclosure):
                    identified_youth.add(ids[youth])
                    identified_ids += 1
            if decision is not None:
                c.decision(e, band, decision, at + hours(0.7))
    with core.read() as session:
        found = compute(session, PERIOD, tz=LA, now=NOW)
    assert found.figure("intakes").value == in_period
    assert found.figure("screening_rate").numerator == screened
    assert found.figure("youth_identified").value == len(identified_youth)
    for key in ("by_age", "by_gender", "by_race", "by_language", "detention_csec"):
        table = found.table(key)
        for column in ("intakes", "detained"):
            assert (
                sum(table.column(column))
                == table.total(column)
                == (in_period if column == "intakes" else table.total("detained"))
            )
    for key in ("by_age", "by_gender", "by_race", "by_language"):
        table = found.table(key)
        assert sum(table.column("screened")) == table.total("screened") == screened
        assert sum(table.column("identified")) == table.total("identified") == identified_ids
        assert table.total("detained") == found.table("by_age").total("detained")
    for key in ("screening_results", "identified_by_source", "band_decision"):
        table = found.table(key)
        assert sum(table.column("total")) == table.total("total")
        additive = [c.key for c in table.columns if c.additive]
        for row in table.values:
            keyed = dict(zip([c.key for c in table.columns], row, strict=True))
            assert sum(keyed[k] for k in additive) == keyed["total"]
    assert found.table("identified_by_source").total("total") == len(identified_youth)


# --- partnership records -------------------------------------------------------------------------


def test_mdt_meeting_needs_every_attendee_under_agreement(core: Core, admin: Actor) -> None:
    from girlscourt.services.referrals import partnership
    from girlscourt.services.referrals.partnership import (
        AttendeeInput,
        MdtMeetingInput,
        SafetyPlanItemInput,
    )

    build_county(core, admin)
    with core.read() as session:
        youth_id = session.query(Youth.id).order_by(Youth.id).first()[0]  # type: ignore[index]
        before = session.query(MdtMeeting).count()
    held = core.now() - dt.timedelta(days=2)
    day = held.astimezone(core.settings.timezone).date()
    signed = day - dt.timedelta(days=90)
    seats = (
        AttendeeInput("Zzqx Sentinel", "Deputy DA", None, signed),
        AttendeeInput("Rae Okafor", "CSEC advocate", None, None),
    )
    data = MdtMeetingInput(
        youth_id,
        held,
        seats,
        items=(
            SafetyPlanItemInput("Weekly check-in", "CSEC advocate", day + dt.timedelta(days=7)),
        ),
    )
    with pytest.raises(
        ValidationError,
        match=r"^attendees\[1\]\.confidentiality_agreement_on: the CSEC advocate has no confidentiality agreement on file",
    ):
        partnership.record_mdt_meeting(core, admin, data)
    late = (
        seats[0],
        AttendeeInput("Rae Okafor", "CSEC advocate", None, day + dt.timedelta(days=1)),
    )
    with pytest.raises(ValidationError, match="signed after the meeting"):
        partnership.record_mdt_meeting(core, admin, MdtMeetingInput(youth_id, held, late))
    with core.read() as session:
        assert session.query(MdtMeeting).count() == before  # nothing half-saved

    ok = (seats[0], AttendeeInput("Rae Okafor", "CSEC advocate", None, signed))
    record = partnership.record_mdt_meeting(
        core, admin, MdtMeetingInput(youth_id, held, ok, items=data.items)
    )
    assert [a.role for a in record.attendees] == ["Deputy DA", "CSEC advocate"]
    assert record.items[0].state(day) == "open"
    item = partnership.complete_safety_plan_item(
        core, admin, record.items[0].id, record.items[0].version, day
    )
    assert item.done_on == day
    with pytest.raises(Exception, match="someone else"):
        partnership.complete_safety_plan_item(core, admin, item.id, item.version - 1, day)
    listed = partnership.list_mdt_meetings(core, admin, youth_id=youth_id)
    assert listed[0].id == record.id and listed[0].attendees == 2 and listed[0].items_open == 0
    assert partnership.get_mdt_meeting(core, admin, record.id).items[0].done_on == day
    with core.read() as session:
        from girlscourt.db.models import AuditEvent

        details = [d or "" for (d,) in session.query(AuditEvent.detail).all()]
    assert not any("Zzqx" in d or "Okafor" in d for d in details)


def test_partnership_permissions_and_trainings(core: Core, admin: Actor, officer: Actor) -> None:
    from girlscourt.services.referrals import partnership

    with pytest.raises(PermissionDenied):
        partnership.list_mdt_meetings(core, officer)
    today = core.today()
    partnership.add_training(core, admin, "officer", "csec_awareness", today - dt.timedelta(days=10),
                             expires_on=today + dt.timedelta(days=300), hours=6)  # fmt: skip
    partnership.add_training(core, admin, "officer", "Trauma-informed interviewing",
                             today - dt.timedelta(days=400), expires_on=today - dt.timedelta(days=5),
                             hours=4)  # fmt: skip
    rows = partnership.list_trainings(core, admin)
    assert [(r.record.course, r.current_on, r.display_name) for r in rows] == [
        ("csec_awareness", True, "Olu Officer"),
        ("Trauma-informed interviewing", False, "Olu Officer"),
    ]
    summary = partnership.training_summary(core, admin, today - dt.timedelta(days=500), today)
    by_course = {s.course: s for s in summary}
    assert by_course["csec_awareness"].current_staff == 1
    assert by_course["Trauma-informed interviewing"].current_staff == 0
    assert by_course["Trauma-informed interviewing"].hours == 4.0


# --- property: suppression coordinated across the published tables ------------------------------

Cell = tuple[str, int, str]  # (table key, row index, column key)

# The quantities that several tables publish, written out here (not taken from the service):
# the equity breakdowns and the detention table count the same intakes; the youth first
# identified are the "first identified" total by source and every timeliness row's youth; the
# screenings by instrument and by trigger are the same screenings.
SAME_QUANTITY: list[list[tuple[str, str, str]]] = [
    *(
        [(k, "total", column) for k in ("by_age", "by_gender", "by_race", "by_language")]
        + ([("detention_csec", "total", column)] if column in ("intakes", "detained") else [])
        for column in ("intakes", "screened", "identified", "detained")
    ),
    [("identified_by_source", "total", "new")]
    + [
        ("timeliness", k, "total")
        for k in ("advocate_referral", "advocate_contact", "mdt", "child_welfare_report")
    ],
    [("screening_results", "total", "total"), ("screening_triggers", "total", "screenings")],
]


def _row_index(table: Any, row_key: str) -> int:
    return next(
        i
        for i, r in enumerate(table.rows)
        if (r.is_total if row_key == "total" else (r.key == row_key and not r.is_total))
    )


def published_equations(tables: Any) -> list[list[tuple[Cell, int]]]:
    """What a reader can write down from the tables as printed: each row's parts add up to its
    total, and each count column's body adds up to the totals row."""
    lines: list[list[tuple[Cell, int]]] = []
    for t in tables:
        additive = [c.key for c in t.columns if c.additive]
        counts = [c.key for c in t.columns if c.kind == "count"]
        body_rows = [i for i, r in enumerate(t.rows) if not r.is_total]
        totals_rows = [i for i, r in enumerate(t.rows) if r.is_total]
        if additive and "total" in counts:
            for i in range(len(t.rows)):
                lines.append([((t.key, i, k), 1) for k in additive] + [((t.key, i, "total"), -1)])
        for i_total in totals_rows:
            for k in counts:
                lines.append([((t.key, i, k), 1) for i in body_rows] + [((t.key, i_total, k), -1)])
    return lines


class _Unknowns:
    """Cells as unknowns, the cells of one quantity merged into one."""

    def __init__(self, report: Any) -> None:
        self.parent: dict[Cell, Cell] = {}
        published = {t.key: t for t in report.tables}
        for group in SAME_QUANTITY:
            cells = [
                (k, _row_index(published[k], row), column)
                for k, row, column in group
                if k in published and published[k].rows
            ]
            for cell in cells[1:]:
                self.parent[self.find(cell)] = self.find(cells[0])

    def find(self, x: Cell) -> Cell:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            x = self.parent[x]
        return x


def recoverable(report: Any) -> set[Cell]:
    """Hidden count cells a reader can compute exactly from every table at once."""
    merged = _Unknowns(report)
    known, unknown = set(), set()
    for t in report.tables:
        for i, r in enumerate(t.rows):
            for c, flag in zip(t.columns, r.suppressed, strict=True):
                if c.kind == "count":
                    (unknown if flag else known).add(merged.find((t.key, i, c.key)))
    assert not known & unknown, "a quantity is shown in one table and hidden in another"
    order = sorted(unknown)
    index = {u: n for n, u in enumerate(order)}
    matrix = []
    for line in published_equations(report.tables):
        row = [Fraction(0)] * len(order)
        for cell, sign in line:
            if merged.find(cell) in index:
                row[index[merged.find(cell)]] += sign
        matrix.append(row)
    if not order or not matrix:
        return set()
    base = _rank(matrix)
    return {
        var
        for var, n in index.items()
        if _rank([*matrix, [Fraction(int(k == n)) for k in range(len(order))]]) == base
    }


county_strategy = st.lists(
    st.tuples(
        st.booleans(),  # identified before the period
        st.lists(
            st.tuples(
                st.integers(0, 85),  # day of the quarter
                st.sampled_from(LEVELS),
                st.booleans(),  # disclosure
                st.sampled_from(["intake", "intake", "new_information"]),
                st.sampled_from(["1.0.0", "1.0.0", "0.9.0"]),  # instrument version
            ),
            max_size=3,
        ),
        st.booleans(),  # an advocate reached her
        st.sampled_from([None, "release", "detain"]),  # decision on each episode
    ),
    min_size=1,
    max_size=16,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(county=county_strategy, threshold=st.sampled_from([2, 3, 4]))
def test_property_no_suppressed_cell_is_recoverable_across_linked_tables(
    clean_core: tuple[Core, Actor], county: list[Any], threshold: int
) -> None:
    from girlscourt.services.reports.publication import finish
    from girlscourt.services.reports.report_export import to_document

    core, admin = clean_core
    _wipe(core)
    start = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    with core.write() as session:
        c = County(session, admin.user_id)
        for n, (known, screenings, reached, decision) in enumerate(county):
            youth = c.youth(dt.date(2010 + n % 4, 3, 3), GENDERS[n % 6], "Multiracial", "English")
            if known:
                before = c.episode(youth, utc(11, 1, year=2025), utc(11, 2, year=2025))
                c.screening(youth, before, "possible", utc(11, 1, 19, year=2025))
            for day, level, disclosure, trigger, version in screenings:
                at = start + dt.timedelta(days=day)
                e = c.episode(youth, at, at + hours(30))
                c.screening(youth, e, level, at + hours(0.5), disclosure=disclosure,
                            trigger=trigger)  # fmt: skip
                c.session.flush()
                if version != "1.0.0":
                    c.session.execute(
                        update(Screening)
                        .where(Screening.episode_id == e)
                        .values(instrument_version=version)
                    )
                if decision is not None:
                    c.decision(e, "release", decision, at + hours(0.7))
            if reached and screenings:
                at = start + dt.timedelta(days=screenings[0][0])
                c.step(youth, "crisis_advocate", at + hours(1.5), at + hours(2))
    with core.read() as session:
        metrics = compute(session, PERIOD, tz=LA, now=NOW)
    report = finish(metrics, suppress=True, threshold=threshold)
    raw = {t.key: t for t in metrics.tables}
    # The linked cells really are one quantity (else the list above is wrong).
    for group in SAME_QUANTITY:
        values = {
            raw[k].total(column) if row == "total" else body(raw[k])[row][column]
            for k, row, column in group
        }
        assert len(values) == 1, group
    # Nothing small is published, in the export as on screen; what is shown is true.
    document = to_document(report, "TEST")
    for table in document["tables"]:
        kinds = [col["kind"] for col in table["columns"]]
        truth = raw[table["key"]]
        for i, row in enumerate(table["rows"]):
            true_row = truth.total_row if row["total"] else truth.values[i]
            assert true_row is not None
            for value, kind, true in zip(row["values"], kinds, true_row, strict=True):
                if kind == "count" and value is not None:
                    assert value == true and (value == 0 or value >= threshold)
    assert not recoverable(report)
