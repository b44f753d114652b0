"""Times the referral form: the layout alone, and the whole audited print through the services.

Run: ``.venv/bin/python benchmarks/bench_referral_form.py [--runs N]``. Budget (DESIGN.md 8):
a referral form renders in at most 0.2 s. Every person, agency and number here is synthetic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from girlscourt.db import migrate
from girlscourt.db.session import Database
from girlscourt.domain import consent_rules
from girlscourt.domain import referral_rules as rr
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.printing.base import DocumentMeta
from girlscourt.printing.referral_form import (
    ConsentBlock,
    ReferralFormData,
    RestrictedPersonLine,
    build_referral_form,
)
from girlscourt.services.kernel.core import Core
from girlscourt.services.referrals import agencies, referral_printing, referral_records, referrals
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts

BUDGET = 0.2
LA = ZoneInfo("America/Los_Angeles")


def typical_form() -> tuple[ReferralFormData, DocumentMeta]:
    """A two-page mental-health referral with a consent, two restrictions and a narrative."""
    data = ReferralFormData(
        referral_id=42,
        provider_copy=True,
        issuing_agency="County Probation Department – Juvenile Justice Center, Intake Unit",
        youth_full_name="Nguyễn Thị Ánh",
        youth_initials="N.Á.",
        youth_id=17,
        dob=dt.date(2011, 3, 4),
        age=15,
        gender_identity="Girl",
        pronouns="she/her",
        primary_language="Vietnamese",
        interpreter_needed=True,
        case_numbers=("J-2026-0142",),
        custody_status="In custody (detained)",
        housing_unit="Unit 3B",
        caregivers=("Zoë O’Brien (aunt)",),
        referral_type=rr.TYPE_LABELS[rr.ReferralType.MENTAL_HEALTH],
        receiving_agency="Mariposa Bridge Counseling",
        representative="Dana Whitfield, Intake coordinator – designated CSEC point-person",
        agency_phone="(510) 555-0142",
        agency_email="intake@mariposa.example.org",
        agency_fax="(510) 555-0143",
        agency_hours="Mon–Fri 8:00–18:00",
        reasons=("Trauma symptoms", "Outpatient counselling"),
        reason_text="Trouble sleeping since intake; asks for a Vietnamese-speaking counsellor.\n"
        * 6,
        urgency=rr.URGENCY_LABELS[rr.Urgency.HOURS_24],
        due_at=dt.datetime(2026, 11, 30, 17, 5, tzinfo=LA),
        status="consent pending",
        screening_level="HIGH",
        restricted_persons=(
            RestrictedPersonLine("Marcus Talford", ("Big Money",), "alleged exploiter"),
            RestrictedPersonLine("Ricky Selden", (), "associate"),
        ),
        consent=ConsentBlock(
            "Youth",
            "Nguyễn Thị Ánh",
            None,
            consent_rules.LEGAL_BASES["FC6924"].label,
            "FC6924",
            (rr.SCOPE_LABELS[rr.Scope.OUTPATIENT_MENTAL_HEALTH],),
            "Mariposa Bridge Counseling",
            "Outpatient counselling",
            "Name, date of birth, reason for referral, screening result level",
            dt.date(2026, 11, 28),
            dt.date(2027, 5, 28),
            "valid",
            False,
        ),
        revocation_statement=consent_rules.REVOCATION_STATEMENT,
        redisclosure_statement=consent_rules.REDISCLOSURE_STATEMENT,
        part2_notice=consent_rules.PART2_REDISCLOSURE_NOTICE,
        referring_officer="Olu Officer",
    )
    meta = DocumentMeta(
        "Referral 42", "REFE-20261129-ABC123", "Olu Officer", dt.datetime.now(LA), "GC-REF-1"
    )
    return data, meta


def _time(label: str, runs: int, call: Callable[[], object], *, budgeted: bool = True) -> float:
    call()  # warm-up: fonts, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    verdict = "within" if p95 <= BUDGET else "OVER"
    note = f"({verdict} the {BUDGET * 1000:.0f} ms budget)" if budgeted else "(no budget)"
    print(
        f"{label:<44} median {median * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   "
        f"max {times[-1] * 1000:6.1f} ms   {note}"
    )
    return p95


def _service_print(folder: Path) -> tuple[Core, Callable[[], object]]:
    db = Database.open(f"sqlite:///{folder / 'bench.sqlite3'}")
    migrate.upgrade(db.engine)
    core = Core(db)
    accounts.create_user(core, None, "admin", "administrator", "benchmark pass phrase", "Ada Admin")
    admin = accounts.authenticate(core, "admin", "benchmark pass phrase")
    youth = youths.register_youth(
        core, admin, YouthInput("Nguyễn Thị", "Ánh", dt.date(2011, 3, 4), pronouns="she/her")
    )
    agency = agencies.create_agency(
        core,
        admin,
        agencies.AgencyInput("Mariposa Bridge Counseling", "mental_health", "(510) 555-0142"),
        (agencies.RepresentativeInput("Dana Whitfield", csec_point_person=True),),
    )
    ref = referrals.create_referral(
        core,
        admin,
        referral_records.ReferralInput(
            youth.id, "mental_health", agency.id, "24_hours", ("trauma_symptoms",), "Narrative."
        ),
    )
    return core, lambda: referral_printing.print_referral(core, admin, ref.id)


def main(argv: list[str] | None = None) -> int:
    """Print median / p95 / max for the form layout and for the audited service print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args(argv)
    data, meta = typical_form()
    pages = build_referral_form(data, meta).count(b"/Type /Page\n")
    print(f"typical referral form: {pages or 'several'} pages, {args.runs} runs each")
    worst = _time(
        "layout only (build_referral_form)", args.runs, lambda: build_referral_form(data, meta)
    )
    long_data = ReferralFormData(**{**data.__dict__, "reason_text": "Long narrative. " * 1250})
    _time("20,000-character narrative (layout only)", max(5, args.runs // 4),
          lambda: build_referral_form(long_data, meta), budgeted=False)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        os.environ["GIRLSCOURT_DATA_DIR"] = folder  # keep the audit anchor out of the user's data
        core, call = _service_print(Path(folder))
        worst = max(worst, _time("service print (read, audit id, render)", args.runs, call))
        core.db.dispose()
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
