"""Times the quarterly CSEC report over 400k synthetic intakes on SQLite (budget: 2 s, in SQL).

Run: ``.venv/bin/python benchmarks/bench_csec_report.py [--intakes N] [--runs N] [--keep DIR]``.
Bulk-inserts youths, intakes (with petition, detention and jurisdiction times), screenings, risk
decisions, checklist steps, advocate referrals and MDT meetings with ``insert()`` in batches,
stores every intake's legal deadlines the way the schema migration does (and times that), then
times :func:`compute` + :func:`finish` for the last full quarter and counts the SQL statements it
ran. Every row is synthetic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, insert, select

from benchmarks._common import scratch_core
from girlscourt.db.models import (
    Agency,
    ChecklistStep,
    CustodyEpisode,
    DetentionAssessment,
    MdtMeeting,
    Referral,
    ReferralEvent,
    Screening,
    Youth,
)
from girlscourt.printing.base import DocumentMeta
from girlscourt.printing.csec_report import render_csec_report
from girlscourt.readmodels.csec_report import make_period
from girlscourt.services.clocks import legal_deadlines
from girlscourt.services.codes.intake_codes import intake_codes
from girlscourt.services.kernel.core import Core
from girlscourt.services.reports.csec_metrics import compute
from girlscourt.services.reports.publication import finish

BATCH = 20_000
YEARS = 4
UNITS = ("Unit 1", "Unit 2", "Unit 3", "Unit 4 (girls)", "Unit 5 (girls)")
GENDERS = ("female",) * 5 + ("transgender female", "nonbinary")
RACES = ("Black or African American", "Hispanic or Latina", "White", "Asian", "Multiracial")
LANGUAGES = ("English",) * 4 + ("Spanish", "Spanish", "Vietnamese", "Tagalog", "Mam")
LEVELS = ("no_concern", "possible", "clear_concern")
BANDS = ("release", "alternative", "detain")


class Writer:
    """Buffers rows per table and flushes them with one executemany each (fsync off: scratch)."""

    ORDER = (Youth, CustodyEpisode, Screening, DetentionAssessment, ChecklistStep, Referral,
             ReferralEvent, MdtMeeting)  # fmt: skip

    def __init__(self, core: Core) -> None:
        self.core = core
        self.rows: dict[Any, list[dict[str, Any]]] = {}
        self.total = 0

    def add(self, model: Any, row: dict[str, Any]) -> None:
        rows = self.rows.setdefault(model, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        with self.core.db.engine.connect() as connection:
            raw = connection.connection.driver_connection
            if raw is not None and not raw.in_transaction:
                raw.execute("PRAGMA synchronous=OFF")
            with connection.begin():
                for model in self.ORDER:
                    rows = self.rows.pop(model, [])
                    if rows:
                        connection.execute(insert(model), rows)
                        self.total += len(rows)


class Synthetic:
    """Row builders for one synthetic county (the same seed gives the same rows)."""

    def __init__(self, rng: random.Random, now: dt.datetime, agency_id: int) -> None:
        self.rng, self.now, self.agency_id = rng, now, agency_id
        self.stamp = {"created_at": now, "updated_at": now, "version": 1}
        self.steps = [s.code for s in intake_codes().csec_checklist]
        self.referral_id = self.event_id = 0

    def youth(self, youth_id: int) -> dict[str, Any]:
        rng = self.rng
        return {
            "id": youth_id,
            "legal_first_name": "Bench",
            "legal_last_name": f"Y{youth_id}",
            "dob": dt.date(2006, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 8)),
            "gender_identity": rng.choice(GENDERS),
            "race_ethnicity": rng.choice(RACES),
            "primary_language": rng.choice(LANGUAGES),
            "interpreter_needed": False,
            "dependency_status": "none",
            **self.stamp,
        }

    def episode(self, episode_id: int, youth_id: int, start: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        held = start + dt.timedelta(hours=rng.choice([3, 6, 20, 40, 90, 300, 900]))
        filed = (
            start + dt.timedelta(hours=rng.choice([6, 20, 30, 60])) if rng.random() < 0.7 else None
        )
        heard = filed + dt.timedelta(hours=rng.choice([20, 26, 70])) if filed else None
        found = heard + dt.timedelta(days=rng.choice([10, 18, 25])) if heard else None
        return {
            "id": episode_id,
            "youth_id": youth_id,
            "custody_start_at": start,
            "petition_filed_at": filed if filed and filed < self.now else None,
            "detention_hearing_at": heard if heard and heard < self.now else None,
            "jurisdiction_at": found if found and found < self.now and rng.random() < 0.6 else None,
            "released_at": held if held < self.now else None,
            "housing_unit": self.rng.choice(UNITS),
            "warrant": False,
            "on_probation": False,
            "claimed_adult": False,
            **self.stamp,
        }

    def assessment(self, episode_id: int, start: dt.datetime) -> dict[str, Any]:
        rng = self.rng
        band = rng.choices(BANDS, weights=(6, 3, 2))[0]
        decision = band if rng.random() > 0.15 else rng.choice(BANDS)
        direction = None
        if decision != band:
            direction = "up" if BANDS.index(decision) > BANDS.index(band) else "down"
        return {
            "episode_id": episode_id,
            "instrument_id": "detention-risk-example",
            "instrument_version": "1.0.0",
            "instrument_checksum": "0" * 64,
            "answers": {},
            "total_score": 0.0,
            "band": band,
            "mandatory_category": "warrant" if rng.random() < 0.02 else None,
            "decision": decision,
            "override_direction": direction,
            "override_reason_code": "victim_safety" if direction else None,
            "decided_by": 1,
            "decided_at": start + dt.timedelta(hours=1),
            **self.stamp,
        }

    def screening(
        self, episode_id: int, youth_id: int, at: dt.datetime, level: str
    ) -> dict[str, Any]:
        rng = self.rng
        return {
            "youth_id": youth_id,
            "episode_id": episode_id,
            "instrument_id": "csec-screen-gc",
            "instrument_version": "1.0.0",
            "instrument_checksum": "0" * 64,
            "screener_id": 1,
            "trigger": "intake" if rng.random() < 0.93 else "new_information",
            "responses": {},
            "domain_scores": {},
            "total_score": 0.0,
            "computed_level": level,
            "result_level": level,
            "disclosure": rng.random() < 0.01,
            "completed_at": at,
            **self.stamp,
        }

    def protocol(self, w: Writer, episode_id: int, youth_id: int, at: dt.datetime) -> int:
        """Checklist steps, maybe an advocate referral and an MDT meeting; returns rows added."""
        rng, added = self.rng, 0
        for code in self.steps:
            done = at + dt.timedelta(hours=rng.choice([0.5, 1, 3, 12, 30, 80]))
            w.add(ChecklistStep, {
                "youth_id": youth_id, "episode_id": episode_id, "step": code,
                "due_at": at + dt.timedelta(hours=24),
                "done_at": done if rng.random() < 0.9 and done < self.now else None,
                **self.stamp,
            })  # fmt: skip
            added += 1
        if rng.random() < 0.6:
            self.referral_id += 1
            sent = at + dt.timedelta(hours=rng.choice([0.2, 0.5, 1, 3, 8]))
            w.add(Referral, {
                "id": self.referral_id, "youth_id": youth_id, "episode_id": episode_id,
                "referral_type": "csec_advocacy", "agency_id": self.agency_id,
                "reason_codes": ["first_crisis_response"], "urgency": "same_day",
                "due_at": sent + dt.timedelta(hours=4), "status": "first_contact",
                "created_by": 1, **self.stamp,
            })  # fmt: skip
            contact = sent + dt.timedelta(hours=2)
            for status, when in (("draft", sent), ("sent", sent), ("first_contact", contact)):
                self.event_id += 1
                w.add(ReferralEvent, {"id": self.event_id, "referral_id": self.referral_id,
                                      "to_status": status, "actor_id": 1, "at": when})  # fmt: skip
                added += 1
        if rng.random() < 0.4:
            held = at + dt.timedelta(hours=rng.choice([20, 50, 90]))
            w.add(MdtMeeting, {"youth_id": youth_id, "held_at": held, **self.stamp})
            added += 1
        return added


def build(core: Core, intakes: int, seed: int) -> dict[str, int]:
    """``intakes`` episodes over four years, in time order as a live system writes them."""
    rng = random.Random(seed)
    now = core.now()
    first = now - dt.timedelta(days=365 * YEARS)
    span = (now - first).total_seconds()
    with core.write() as session:
        agency = Agency(name="Bench Advocacy", kind="crisis_advocacy")
        session.add(agency)
        session.flush()
        agency_id = agency.id
    make = Synthetic(rng, now, agency_id)
    youths = int(intakes * 0.62)
    w = Writer(core)
    for youth_id in range(1, youths + 1):
        w.add(Youth, make.youth(youth_id))
    w.flush()
    starts = sorted(first + dt.timedelta(seconds=rng.random() * span) for _ in range(intakes))
    counts = {"episodes": intakes, "screenings": 0, "protocol rows": 0}
    for episode_id, start in enumerate(starts, start=1):
        youth_id = rng.randint(1, youths)
        w.add(CustodyEpisode, make.episode(episode_id, youth_id, start))
        w.add(DetentionAssessment, make.assessment(episode_id, start))
        if rng.random() < 0.05:
            continue  # not screened
        level = rng.choices(LEVELS, weights=(55, 28, 17))[0]
        at = start + dt.timedelta(minutes=50)
        w.add(Screening, make.screening(episode_id, youth_id, at, level))
        counts["screenings"] += 1
        if level != "no_concern":
            counts["protocol rows"] += make.protocol(w, episode_id, youth_id, at)
    w.flush()
    counts["rows"] = w.total
    t = time.perf_counter()
    with core.db.engine.begin() as connection:
        counts["deadlines"] = legal_deadlines.backfill(connection, core.settings.timezone)
    counts["deadline backfill s"] = round(time.perf_counter() - t, 1)
    return counts


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar quarter before ``today``."""
    start_month = ((today.month - 1) // 3) * 3 + 1
    this_quarter = dt.date(today.year, start_month, 1)
    end = this_quarter - dt.timedelta(days=1)
    return dt.date(end.year, ((end.month - 1) // 3) * 3 + 1, 1), end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intakes", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, help="reuse or keep the scratch database here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gc-bench-csec-"))
    folder.mkdir(parents=True, exist_ok=True)
    core, _ = scratch_core(folder)
    with core.read() as session:
        have = session.execute(select(func.count()).select_from(CustodyEpisode)).scalar_one()
    if have == 0:
        t = time.perf_counter()
        counts = build(core, args.intakes, args.seed)
        print(f"built {counts} in {time.perf_counter() - t:.1f} s")
    else:
        print(f"reusing {have:,} intakes in {folder}")
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(core.db.engine, "before_cursor_execute", count)
    start, end = last_quarter(core.today())
    period = make_period(start, end)
    timings, report_statements = [], 0
    for run in range(args.runs + 1):
        statements = 0
        t = time.perf_counter()
        with core.read() as session:
            metrics = compute(session, period, tz=core.settings.timezone, now=core.now())
        report = finish(metrics, suppress=True, threshold=11)
        elapsed = time.perf_counter() - t
        if run:  # the first run warms the page cache
            timings.append(elapsed)
            report_statements = statements
    meta = DocumentMeta("CSEC report", "BENCH", "bench", core.now())
    t = time.perf_counter()
    pdf = render_csec_report(report, meta)
    pdf_seconds = time.perf_counter() - t
    print(f"quarter {period.label()}: {report.figure('intakes').text()} intakes, "
          f"{report.figure('youth_identified').text()} youth identified")  # fmt: skip
    print(
        f"CSEC quarterly report (compute + suppress): median {statistics.median(timings):.3f} s, "
        f"max {max(timings):.3f} s over {len(timings)} runs; {report_statements} SQL statements "
        f"per report; budget 2 s -> {'OK' if max(timings) <= 2.0 else 'OVER'}"
    )
    print(f"PDF of that report: {pdf_seconds:.3f} s, {len(pdf):,} bytes")


if __name__ == "__main__":
    main()
