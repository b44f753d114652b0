"""Times the docket PDF for a day of 80 hearings (budget: 0.5 s); a script, not a test.

Run: ``.venv/bin/python benchmarks/bench_docket.py [--hearings N] [--runs N] [--out DIR]``.
With ``--out`` it also writes the initials, internal and public dockets and the transport list
there, for looking at. Every name is synthetic (invented surnames, fictional court staff).
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from girlscourt.db import migrate
from girlscourt.db.models import (
    CourtCase,
    CustodyEpisode,
    Department,
    Hearing,
    Petition,
    Youth,
)
from girlscourt.db.session import Database
from girlscourt.printing.base import DocumentMeta
from girlscourt.printing.docket import render_docket
from girlscourt.services.court import docket_printing, dockets
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts

PASSWORD = "benchmark pass phrase"
FIRST = (
    "Amaya", "Zoë", "Nguyễn Thị", "Lucía", "Aaliyah", "Isabel", "Kenya", "Samira", "Leilani",
    "Genesis", "Malia", "Yuki", "Xóchitl", "Siobhán", "Mariana-Guadalupe", "Destiny",
)  # fmt: skip
LAST_A = ("Bren", "Cor", "Dal", "Fen", "Hal", "Kel", "Mar", "Nor", "Quin", "Tal", "O’", "Ánh")
LAST_B = ("wick", "ford", "ley", "more", "ridge", "ston", "vane", "Brien", "dell", "ington")
STAFF = {
    "judicial_officer": ("Hon. Marcus Whitfield-Oro", "Comm. Delphine Arkwright"),
    "prosecutor": ("Dep. DA Rafael Quenby", "Dep. DA Hollis Mbeki-Lund"),
    "probation_officer": ("PO Dana Ferreira-Oakes", "PO Kiri Tanabe-Wolfe", "PO Lena Marchetti"),
}
COUNSEL = (
    ("Dep. PD Soraya Lindqvist", "PD"),
    ("Alt. PD Junie Castellane", "APD"),
    ("Wren Halvorsen, Esq.", "PRI"),
    ("Bartholomew Fairweather-Ossington, Esq.", "CRT"),
)
TYPES = ("DET", "ARR", "PTC", "JUR", "DISP", "241.1", "REV", "PV", "REST", "MED")
LANGUAGES = (None, None, None, None, "Spanish", "Vietnamese", "Tagalog", "Mam")
NOTES = (None, None, "Parent to attend by video", "Report filed late; see minute order")


def scratch_core(folder: Path) -> tuple[Core, Actor]:
    """A migrated SQLite database with a signed-in administrator."""
    db = Database.open(f"sqlite:///{folder / 'bench.sqlite3'}")
    migrate.upgrade(db.engine)
    core = Core(db)
    accounts.create_user(core, None, "bench", "administrator", PASSWORD, "Bench Admin")
    return core, accounts.authenticate(core, "bench", PASSWORD)


def next_tuesday(today: dt.date) -> dt.date:
    """A Tuesday a week or two out (never a holiday in this benchmark's checks)."""
    return today + dt.timedelta(days=7 + (1 - today.weekday()) % 7)


def build(core: Core, count: int, day: dt.date, seed: int) -> None:
    """``count`` hearings on ``day`` in one department, with mixed custody, counsel and flags."""
    rng = random.Random(seed)
    tz = core.settings.timezone
    with core.write() as session:
        department = Department(
            code="JD1", name="Juvenile Delinquency 1", courtroom="Courtroom 1", daily_capacity=200
        )
        session.add(department)
        session.flush()
        for index in range(count):
            youth = Youth(
                legal_first_name=rng.choice(FIRST),
                legal_last_name=rng.choice(LAST_A) + rng.choice(LAST_B),
                dob=day - dt.timedelta(days=rng.randint(13 * 365, 17 * 365)),
                interpreter_needed=False,
            )
            session.add(youth)
            session.flush()
            case = CourtCase(youth_id=youth.id, case_number=f"JV-26-{10000 + index}")
            session.add(case)
            session.flush()
            filed = day - dt.timedelta(days=rng.randint(1, 40))
            petition = Petition(
                case_id=case.id, petition_number=f"{case.case_number}-A", filed_on=filed
            )
            session.add(petition)
            session.flush()
            custody = rng.choice(("IN", "IN", "HS", "OUT", "OUT"))
            if custody == "IN":
                session.add(
                    CustodyEpisode(
                        youth_id=youth.id,
                        custody_start_at=dt.datetime.combine(filed, dt.time(22, 15), tzinfo=tz),
                        petition_filed_at=dt.datetime.combine(filed, dt.time(10), tzinfo=tz),
                        detention_hearing_at=dt.datetime.combine(
                            filed + dt.timedelta(days=1), dt.time(9), tzinfo=tz
                        ),
                        housing_unit=rng.choice(("Unit 3A", "Unit 4B", "Unit 2 (girls)")),
                    )
                )
            counsel, kind = rng.choice(COUNSEL)
            minutes = 8 * 60 + 30 + 15 * (index % 24)
            session.add(
                Hearing(
                    case_id=case.id,
                    petition_id=petition.id,
                    hearing_type=rng.choice(TYPES),
                    scheduled_at=dt.datetime.combine(
                        day, dt.time(minutes // 60, minutes % 60), tzinfo=tz
                    ),
                    department_id=department.id,
                    judicial_officer=rng.choice(STAFF["judicial_officer"]),
                    prosecutor=rng.choice(STAFF["prosecutor"]),
                    defence_counsel=counsel,
                    defence_type=kind,
                    probation_officer=rng.choice(STAFF["probation_officer"]),
                    interpreter_language=rng.choice(LANGUAGES),
                    custody_status=custody,
                    transport_needed=custody == "IN",
                    girls_court=rng.random() < 0.3,
                    open_to_public=rng.random() < 0.15,
                    notes=rng.choice(NOTES),
                )
            )


def main() -> None:
    """Build the day, then time the whole print (service) and the rendering alone."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hearings", type=int, default=80)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, help="also write the four PDFs to this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gc-bench-docket-") as folder:
        core, actor = scratch_core(Path(folder))
        day = next_tuesday(core.today())
        build(core, args.hearings, day, args.seed)
        department_id = dockets.docket(core, actor, day).departments[0].id

        docket_printing.print_docket(core, actor, day, department_id)  # warm fonts and caches
        service: list[float] = []
        cpu: list[float] = []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            printed = docket_printing.print_docket(core, actor, day, department_id)
            service.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)

        found = dockets.docket(core, actor, day, department_id)
        meta = DocumentMeta("Docket benchmark", "DOCK-BENCH", "bench", core.now(), landscape=True)
        render: list[float] = []
        for _ in range(args.runs):
            start = time.perf_counter()
            render_docket(found, meta, "initials")
            render.append(time.perf_counter() - start)

        median_service = statistics.median(service)
        median_render = statistics.median(render)
        print(f"docket of {len(found.rows)} hearings on {day.isoformat()}, {args.runs} runs each")
        print(
            f"  print_docket (load, audit, render): median {median_service * 1000:.0f} ms, "
            f"max {max(service) * 1000:.0f} ms; {len(printed.pdf) // 1024} KiB"
        )
        print(
            f"  print_docket CPU time (this process): median {statistics.median(cpu) * 1000:.0f} ms"
            " (wall time also counts other processes on a busy machine)"
        )
        print(f"  render_docket alone:                median {median_render * 1000:.0f} ms")
        print(f"  budget 500 ms: ratio {median_service / 0.5:.2f} of budget")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            for variant in ("initials", "internal", "public"):
                pdf = docket_printing.print_docket(core, actor, day, department_id, variant).pdf
                (args.out / f"docket-{variant}.pdf").write_bytes(pdf)
            transport = docket_printing.print_transport_list(core, actor, day).pdf
            (args.out / "transport.pdf").write_bytes(transport)
            print(f"  wrote the four PDFs to {args.out}")
        core.db.dispose()


if __name__ == "__main__":
    main()
