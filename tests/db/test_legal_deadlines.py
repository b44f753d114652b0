"""Stored legal deadlines and the report's compliance counts, on SQLite and PostgreSQL.

Every due time below is worked out by hand from the 2026 California judicial calendar:
Martin Luther King Jr. Day is Monday 19 January, Lincoln's Birthday Thursday 12 February,
Presidents' Day Monday 16 February; Los Angeles is on PST (UTC-8) until 8 March.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, text

from girlscourt.db import migrate
from girlscourt.db.engine import make_engine, parse_database_url
from girlscourt.db.models import (
    CourtCase,
    CustodyEpisode,
    Hearing,
    LegalDeadline,
    Petition,
    Youth,
)
from girlscourt.domain.deadlines import deadline_state
from girlscourt.domain.hearing_rules import HearingInput, OutcomeInput
from girlscourt.domain.intake_rules import ChargeInput, DecisionInput, EpisodeInput
from girlscourt.errors import PermissionDenied
from girlscourt.readmodels.csec_report import make_period
from girlscourt.services.clocks import court_holidays, legal_deadlines
from girlscourt.services.court import cases, departments, hearings
from girlscourt.services.intake import custody_board, episodes, intake
from girlscourt.services.intake.intake import IntakeRequest, RiskInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.reports.csec_metrics import compute
from girlscourt.services.reports.metrics_base import Metrics, RawTable
from girlscourt.services.security import accounts
from tests.support import register, risk_answers, supervisor

LA = ZoneInfo("America/Los_Angeles")
Q1 = make_period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
AFTER_Q1 = dt.datetime(2026, 4, 10, 18, 0, tzinfo=dt.UTC)
END_OF_DAY = dt.time(23, 59, 59, 999999)


def la(day: str, clock: str = "00:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LA)


def la_end(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), END_OF_DAY, tzinfo=LA)


class Clock:
    """A clock the test moves forward by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.at = start.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def set(self, moment: dt.datetime) -> None:
        self.at = moment.astimezone(dt.UTC)


def stored(core: Core, episode_id: int) -> dict[str, tuple[dt.datetime, dt.datetime | None, Any]]:
    """rule -> (due, met, hearing id) as stored."""
    with core.read() as session:
        rows = session.execute(
            select(LegalDeadline).where(LegalDeadline.episode_id == episode_id)
        ).scalars()
        return {r.rule: (r.due_at, r.met_at, r.hearing_id) for r in rows}


def body(table: RawTable) -> dict[str, dict[str, Any]]:
    keys = [c.key for c in table.columns]
    return {
        k: dict(zip(keys, v, strict=True))
        for (k, _), v in zip(table.rows, table.values, strict=True)
    }


def totals(table: RawTable) -> dict[str, Any]:
    assert table.total_row is not None
    return dict(zip([c.key for c in table.columns], table.total_row, strict=True))


# --- one youth through the services ---------------------------------------------------------------


CLERK_PASSWORD = "clerk desk morning shift"


def test_deadlines_follow_the_episode_the_hearings_and_the_calendar(
    core: Core, admin: Actor, officer: Actor
) -> None:
    clock = Clock(la("2026-01-15", "22:30"))
    core.clock = clock
    accounts.create_user(core, admin, "clerk", "court_clerk", CLERK_PASSWORD, "Cleo Clerk")
    clerk = accounts.authenticate(core, "clerk", CLERK_PASSWORD)
    sup = supervisor(core, admin)
    youth_id = register(core, officer)

    # Thursday 15 January, 22:00: custody for a violent felony; detained on an approved override.
    result = intake.record_intake(
        core,
        officer,
        IntakeRequest(
            EpisodeInput(
                youth_id=youth_id,
                custody_start_at=la("2026-01-15", "22:00"),
                charges=(ChargeInput("PC 211"),),
            ),
            risk=RiskInput("detention-risk-example", risk_answers()),
            decision=DecisionInput(
                "detain",
                ("protect_person_or_property",),
                "victim_safety",
                "The person harmed lives next door and was threatened at arrest.",
            ),
        ),
        approver=sup,
    )
    episode_id = result.episode_id
    # WIC 631: 2 h left of Thursday, 24 h of Friday; the weekend and MLK Day are skipped; the
    # last 22 h run on Tuesday 20 January: due 22:00 that day. No petition yet: nothing else.
    due_631 = la("2026-01-20", "22:00")
    assert stored(core, episode_id) == {"WIC631": (due_631, None, None)}
    assert [(d.rule, d.due, d.met_at) for d in result.deadlines] == [("WIC631", due_631, None)]

    # The petition is filed later, Tuesday 20 January 09:00: it meets 631 and starts 632(a),
    # due at the end of the next judicial day, Wednesday 21 January.
    clock.set(la("2026-01-20", "12:00"))
    with core.read() as session:
        version = session.get(CustodyEpisode, episode_id).version  # type: ignore[union-attr]
    episodes.update_episode(
        core, officer, episode_id, version, {"petition_filed_at": la("2026-01-20", "09:00")}
    )
    due_632 = la_end("2026-01-21")
    assert stored(core, episode_id) == {
        "WIC631": (due_631, la("2026-01-20", "09:00"), None),
        "WIC632a": (due_632, None, None),
    }

    # The detention hearing is held a day late, Thursday 22 January 08:30: 632(a) is met late
    # by that hearing, and the youth is now detained by the court: WIC 657 runs 15 judicial
    # days from it (23, 26-30 Jan, 2-6, 9-11 Feb; Lincoln's Birthday skipped) to 13 February.
    department = departments.add_department(
        core, admin, departments.DepartmentInput("JD1", "Juvenile 1")
    )
    case = cases.open_case(
        core,
        clerk,
        cases.CaseInput(
            youth_id, "JV-26-00077", (cases.PetitionInput("JV-26-00077-A", dt.date(2026, 1, 20)),)
        ),
    )

    def held(kind: str, when: dt.datetime) -> int:
        scheduled = hearings.schedule_hearing(
            core,
            clerk,
            HearingInput(case.id, kind, when, department.id, "IN", case.petitions[0].id),
            acknowledge_warnings=True,
        )
        assert scheduled.hearing is not None
        clock.set(when + dt.timedelta(hours=3))
        hearings.record_outcome(
            core, clerk, scheduled.hearing.id, scheduled.hearing.version, OutcomeInput("held")
        )
        return scheduled.hearing.id

    det = held("DET", la("2026-01-22", "08:30"))
    due_657 = la_end("2026-02-13")
    assert stored(core, episode_id) == {
        "WIC631": (due_631, la("2026-01-20", "09:00"), None),
        "WIC632a": (due_632, la("2026-01-22", "08:30"), det),
        "WIC657": (due_657, None, None),
    }

    # The county closes the court on Wednesday 11 February: 657 moves to Tuesday 17 February
    # (11, 12, 16 February skipped), and back when the closure is withdrawn.
    entry = court_holidays.add_court_holiday(core, admin, dt.date(2026, 2, 11), "County closure")
    assert stored(core, episode_id)["WIC657"][0] == la_end("2026-02-17")
    assert entry.change_id is not None and entry.version is not None
    court_holidays.undo_county_change(core, admin, entry.change_id, entry.version)
    assert stored(core, episode_id)["WIC657"][0] == due_657

    # Jurisdiction on its last day (met); disposition due 10 judicial days later (Presidents'
    # Day skipped): Monday 2 March; held Tuesday 3 March, a day late.
    jur = held("JUR", la("2026-02-13", "09:00"))
    disp = held("DISP", la("2026-03-03", "09:00"))
    due_702 = la_end("2026-03-02")
    found = stored(core, episode_id)
    assert found["WIC657"] == (due_657, la("2026-02-13", "09:00"), jur)
    assert found["WIC702"] == (due_702, la("2026-03-03", "09:00"), disp)

    # The board draws the same deadlines the report counts.
    clock.set(AFTER_Q1)
    board = {r.episode_id: r for r in custody_board.in_custody_board(core, officer)}
    drawn = {d.rule: (d.due, d.met_at, d.state) for d in board[episode_id].deadlines}
    assert {rule: (due, met) for rule, (due, met, _) in drawn.items()} == {
        rule: (due, met) for rule, (due, met, _) in found.items()
    }
    assert {rule: state for rule, (*_, state) in drawn.items()} == {
        "WIC631": "met",
        "WIC632a": "breached",
        "WIC657": "met",
        "WIC702": "breached",
    }

    with core.read() as session:
        metrics = compute(session, Q1, tz=LA, now=AFTER_Q1)
    rows = body(metrics.table("deadlines"))
    assert rows["WIC631"] == {"met": 1, "met_extended": 0, "breached": 0, "pending": 0, "total": 1}
    assert rows["WIC632a"] == {"met": 0, "met_extended": 0, "breached": 1, "pending": 0, "total": 1}
    assert rows["WIC657"] == {"met": 1, "met_extended": 0, "breached": 0, "pending": 0, "total": 1}
    assert rows["WIC702"] == {"met": 0, "met_extended": 0, "breached": 1, "pending": 0, "total": 1}
    assert rows["WIC631b"]["total"] == 0
    assert totals(metrics.table("deadlines")) == {
        "met": 2,
        "met_extended": 0,
        "breached": 2,
        "pending": 0,
        "total": 4,
    }
    assert metrics.figure("deadlines_breached").value == 2
    # Custody Thursday 15 January 22:00 to jurisdiction 13 February 09:00: 28 days 11 hours;
    # to disposition 3 March 09:00: 46 days 11 hours.
    times = body(metrics.table("court_times"))
    assert times["jurisdiction"]["episodes"] == 1
    assert times["jurisdiction"]["median"] == pytest.approx(28 + 11 / 24)
    assert times["disposition"]["median"] == pytest.approx(46 + 11 / 24)
    assert times["disposition"]["p90"] == pytest.approx(46 + 11 / 24)

    # A corrected outcome (the disposition was in fact taken off calendar) un-meets 702.
    with core.read() as session:
        version = session.get(Hearing, disp).version  # type: ignore[union-attr]
    hearings.record_outcome(core, clerk, disp, version, OutcomeInput("off_calendar"))
    assert stored(core, episode_id)["WIC702"] == (due_702, None, None)


# --- the report's states at the period's edges ---------------------------------------------------

# Q1 2026 in UTC: [1 January 08:00, 1 April 07:00) (PDT from 8 March).
LO = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
HI = dt.datetime(2026, 4, 1, 7, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)
MID_MARCH = dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC)
MARCH_20 = dt.datetime(2026, 3, 20, 18, tzinfo=dt.UTC)

# (name, rule, due, met, youth): the rows written straight into the table.
EDGE_ROWS = [
    ("a", "WIC631", LO, LO, "plain"),  # due the period's first instant, met exactly then
    ("b", "WIC632a", HI - TICK, None, "plain"),  # due the period's last instant, never met
    ("c", "WIC657", HI, None, "plain"),  # due the instant after the period: not counted
    ("d", "WIC702", LO - TICK, None, "plain"),  # due the instant before: not counted
    ("e", "WIC657", MARCH_20, dt.datetime(2026, 4, 2, tzinfo=dt.UTC), "plain"),  # met after Q1
    ("f", "WIC702", MARCH_20, MARCH_20 + TICK, "plain"),  # met one microsecond late
    ("g", "WIC631b", MARCH_20, None, "plain"),
    ("h", "WIC631b", MID_MARCH, None, "plain"),  # due exactly at the mid-March "now"
    ("i", "WIC632a", MID_MARCH - dt.timedelta(minutes=1), None, "plain"),
    (
        "k",
        "WIC631",
        dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 31, tzinfo=dt.UTC),
        "partly_sealed",
    ),
    (
        "l",
        "WIC631",
        dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        None,
        "sealed",
    ),  # every petition sealed
]


def build_edges(core: Core) -> None:
    with core.write() as session:
        youths = {}
        for key in ("plain", "partly_sealed", "sealed"):
            row = Youth(legal_first_name="Edge", legal_last_name=key, dob=dt.date(2010, 1, 1))
            session.add(row)
            session.flush()
            youths[key] = row.id
        for key, states in (("partly_sealed", ("sealed_786", "open")), ("sealed", ("sealed_786",))):
            case = CourtCase(youth_id=youths[key], case_number=f"JV-{key}")
            session.add(case)
            session.flush()
            for n, state in enumerate(states):
                session.add(
                    Petition(
                        case_id=case.id,
                        petition_number=f"P{n}",
                        filed_on=dt.date(2025, 12, 1),
                        sealing_state=state,
                    )
                )
        for _, rule, due, met, youth in EDGE_ROWS:
            episode = CustodyEpisode(
                youth_id=youths[youth], custody_start_at=LO - dt.timedelta(days=3)
            )
            session.add(episode)
            session.flush()
            session.add(
                LegalDeadline(
                    episode_id=episode.id,
                    youth_id=youths[youth],
                    rule=rule,
                    citation="test",
                    due_at=due,
                    met_at=met,
                    calendar_version="test",
                    computed_at=LO,
                )
            )


def compliance(core: Core, now: dt.datetime) -> Metrics:
    with core.read() as session:
        return compute(session, Q1, tz=LA, now=now)


def test_met_breached_and_pending_at_the_period_edges(core: Core) -> None:
    build_edges(core)
    # After the quarter: the state as of its end (1 April 07:00 UTC).
    after = compliance(core, AFTER_Q1).table("deadlines")
    rows = body(after)
    # a met (at the due instant); k met (a youth with one petition still open counts).
    assert rows["WIC631"] == {"met": 2, "met_extended": 0, "breached": 0, "pending": 0, "total": 2}
    # b unmet when its last instant passed; i unmet and overdue.
    assert rows["WIC632a"] == {"met": 0, "met_extended": 0, "breached": 2, "pending": 0, "total": 2}
    # c is due after the period; e was met only after it ended, late.
    assert rows["WIC657"] == {"met": 0, "met_extended": 0, "breached": 1, "pending": 0, "total": 1}
    # d is due before the period; f met one microsecond late.
    assert rows["WIC702"] == {"met": 0, "met_extended": 0, "breached": 1, "pending": 0, "total": 1}
    assert rows["WIC631b"] == {"met": 0, "met_extended": 0, "breached": 2, "pending": 0, "total": 2}
    assert totals(after) == {"met": 2, "met_extended": 0, "breached": 6, "pending": 0, "total": 8}
    # l (every petition sealed) is in no count.

    # In the middle of the quarter (15 March 12:00 UTC), the state as of now: e and f are not
    # met yet as far as anyone knows, and not yet due; h is due this very instant: still open.
    during = body(compliance(core, MID_MARCH).table("deadlines"))
    assert during["WIC631"] == {
        "met": 2,
        "met_extended": 0,
        "breached": 0,
        "pending": 0,
        "total": 2,
    }
    assert during["WIC632a"] == {
        "met": 0,
        "met_extended": 0,
        "breached": 1,
        "pending": 1,
        "total": 2,
    }
    assert during["WIC657"] == {
        "met": 0,
        "met_extended": 0,
        "breached": 0,
        "pending": 1,
        "total": 1,
    }
    assert during["WIC702"] == {
        "met": 0,
        "met_extended": 0,
        "breached": 0,
        "pending": 1,
        "total": 1,
    }
    assert during["WIC631b"] == {
        "met": 0,
        "met_extended": 0,
        "breached": 0,
        "pending": 2,
        "total": 2,
    }

    # The same states as the board's rule gives at that moment, row by row.
    for now, table in ((AFTER_Q1, rows), (MID_MARCH, during)):
        as_of = min(now, HI)
        expected: dict[str, dict[str, int]] = {}
        for _, rule, due, met, youth in EDGE_ROWS:
            if youth == "sealed" or not LO <= due < HI:
                continue
            known = met if met is not None and met <= as_of else None
            state = deadline_state(due, known, as_of).replace("open", "pending")
            cell = expected.setdefault(
                rule, {"met": 0, "met_extended": 0, "breached": 0, "pending": 0}
            )
            cell[state] += 1
        for rule, cell in expected.items():
            assert {k: table[rule][k] for k in cell} == cell, rule


def test_a_deadline_met_within_a_limit_the_court_extended_is_counted_as_such(core: Core) -> None:
    """Four WIC 657 limits due in Q1 2026, as the court left them (stored due times):

      w  not extended, hearing held a day before the limit           -> met
      x  continued for good cause (WIC 682), held a day before        -> met within an extension
      y  time waived, held a day after even the extended limit        -> breached
      z  continued on the youth's consent, never held, limit passed   -> breached

    A continuance that moved the limit is not a breach when the court held the hearing by the
    new one; one held after it still is.
    """
    due = dt.datetime(2026, 2, 20, 8, tzinfo=dt.UTC)
    day = dt.timedelta(days=1)
    rows = (
        ("w", None, due - day),
        ("x", "good_cause", due - day),
        ("y", "time_waiver", due + day),
        ("z", "consent", None),
    )
    with core.write() as session:
        for name, basis, met in rows:
            youth = Youth(legal_first_name="Limit", legal_last_name=name, dob=dt.date(2010, 1, 1))
            session.add(youth)
            session.flush()
            episode = CustodyEpisode(youth_id=youth.id, custody_start_at=LO + day)
            session.add(episode)
            session.flush()
            session.add(
                LegalDeadline(
                    episode_id=episode.id,
                    youth_id=youth.id,
                    rule="WIC657",
                    citation="test",
                    due_at=due,
                    met_at=met,
                    calendar_version="test",
                    computed_at=LO,
                    extended_by=basis,
                )
            )
    table = compliance(core, AFTER_Q1).table("deadlines")
    assert body(table)["WIC657"] == {
        "met": 1,
        "met_extended": 1,
        "breached": 2,
        "pending": 0,
        "total": 4,
    }
    assert [c.label for c in table.columns][:2] == [
        "Met in time",
        "Met within a limit the court extended",
    ]


def test_unit_filter_applies_to_deadlines(core: Core) -> None:
    build_edges(core)
    with core.write() as session:
        session.execute(text("UPDATE custody_episode SET housing_unit = 'Unit 9'"))
    with core.read() as session:
        other = compute(session, make_period(Q1.start, Q1.end, "Unit 1"), tz=LA, now=AFTER_Q1)
        nine = compute(session, make_period(Q1.start, Q1.end, "Unit 9"), tz=LA, now=AFTER_Q1)
    assert totals(other.table("deadlines"))["total"] == 0
    assert totals(nine.table("deadlines"))["total"] == 8


# --- recompute and backfill -----------------------------------------------------------------------


def test_recompute_all_rewrites_every_episode_and_is_an_administrators_job(
    core: Core, admin: Actor, officer: Actor
) -> None:
    clock = Clock(la("2026-01-15", "22:30"))
    core.clock = clock
    youth_id = register(core, officer)
    first = intake.record_intake(
        core,
        officer,
        IntakeRequest(
            EpisodeInput(
                youth_id=youth_id,
                custody_start_at=la("2026-01-15", "22:00"),
                charges=(ChargeInput("PC 211"),),
            )
        ),
    ).episode_id
    with core.write() as session:  # rows lost or written by hand: recompute puts them right
        session.execute(text("DELETE FROM legal_deadline"))
        session.add(CustodyEpisode(youth_id=youth_id, custody_start_at=la("2026-01-05", "10:00"),
                                   released_at=la("2026-01-05", "20:00")))  # fmt: skip
    with pytest.raises(PermissionDenied):
        legal_deadlines.recompute_all(core, officer)
    report = legal_deadlines.recompute_all(core, admin)
    assert (report.episodes, report.deadlines) == (2, 2)  # one WIC631 each
    assert stored(core, first) == {"WIC631": (la("2026-01-20", "22:00"), None, None)}
    with core.read() as session:
        # Monday 5 January 10:00: 48 judicial hours, due Wednesday 7 January 10:00; released
        # that Monday evening, in time.
        second = session.execute(
            select(LegalDeadline.due_at, LegalDeadline.met_at).where(
                LegalDeadline.episode_id != first
            )
        ).one()
        assert tuple(second) == (la("2026-01-07", "10:00"), la("2026-01-05", "20:00"))
        assert legal_deadlines.stored_count(session) == 2


def test_the_migration_fills_the_table_for_existing_episodes(empty_db_url: str) -> None:
    engine = make_engine(parse_database_url(empty_db_url))
    try:
        migrate.upgrade(engine, "7b3e91c4d2f8")  # the revision before the table existed
        stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        with engine.begin() as connection:
            connection.execute(
                insert(Youth.__table__).values(
                    id=1, legal_first_name="Old", legal_last_name="Record", dob=dt.date(2010, 1, 1),
                    interpreter_needed=False, dependency_status="none", version=1,
                    created_at=stamp, updated_at=stamp,
                )
            )  # fmt: skip
            connection.execute(
                insert(CustodyEpisode.__table__).values(
                    id=1, youth_id=1, custody_start_at=la("2026-01-05", "10:00"),
                    petition_filed_at=la("2026-01-06", "09:00"), warrant=False,
                    on_probation=False, claimed_adult=False, version=1, created_at=stamp,
                    updated_at=stamp,
                )
            )  # fmt: skip
        migrate.upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                select(LegalDeadline.rule, LegalDeadline.due_at, LegalDeadline.met_at)
                .where(LegalDeadline.episode_id == 1)
                .order_by(LegalDeadline.rule)
            ).all()
        # 631 met by the petition; 632(a) from the filing on Tuesday 6 January, due the end of
        # Wednesday 7 January, unmet.
        assert [(r.rule, r.due_at, r.met_at) for r in rows] == [
            ("WIC631", la("2026-01-07", "10:00"), la("2026-01-06", "09:00")),
            ("WIC632a", la_end("2026-01-07"), None),
        ]
    finally:
        engine.dispose()


def test_exports_carry_the_deadline_tables_suppressed(core: Core, admin: Actor) -> None:
    import csv
    import io
    import json

    from pypdf import PdfReader

    from girlscourt.services.reports.report_export import export_csec_report

    build_edges(core)
    core.clock = lambda: AFTER_Q1
    document = json.loads(export_csec_report(core, admin, Q1, "json").content)
    tables = {t["key"]: t for t in document["tables"]}
    deadlines = tables["deadlines"]
    assert [r["key"] for r in deadlines["rows"]] == [
        "WIC631", "WIC631b", "WIC632a", "WIC657", "WIC702", "total",
    ]  # fmt: skip
    # Every count is 1 to 8 (under 11): all hidden, zeros shown.
    total = deadlines["rows"][-1]
    assert total["values"] == [None, 0, None, 0, None] and total["suppressed"] == [
        True, False, True, False, True,
    ]  # fmt: skip
    assert "court_times" in tables
    figures = {f["key"]: f for f in document["figures"]}
    assert figures["deadlines_breached"]["suppressed"] is True

    rows = list(
        csv.reader(
            io.StringIO(export_csec_report(core, admin, Q1, "csv").content.decode("utf-8-sig"))
        )
    )
    start = rows.index(["Court deadline compliance"])
    assert rows[start + 1] == [
        "Statutory deadline",
        "Met in time",
        "Met within a limit the court extended",
        "Breached",
        "Not yet due",
        "Deadlines due",
    ]
    assert rows[start + 2][0].startswith("WIC 631:")
    assert rows[start + 2][1:] == ["*", "0", "0", "0", "*"]

    pdf = export_csec_report(core, admin, Q1, "pdf").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Court deadline compliance" in text and "Days from custody" in text


def test_cli_recompute_deadlines(
    db_url: str,
    core: Core,
    admin: Actor,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from girlscourt.cli.main import main
    from tests.conftest import ADMIN_PASSWORD

    build_edges(core)  # eleven episodes, custody 29 December 2025, never released: one WIC631 each
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)
    assert main(["--database", db_url, "--user", "admin", "db", "recompute-deadlines"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("recomputed 11 deadlines of 11 custody episodes (calendar: CA statutory")
    with core.read() as session:
        assert {r for (r,) in session.execute(select(LegalDeadline.rule))} == {"WIC631"}
