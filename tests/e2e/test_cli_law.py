"""Issue 21's acceptance through the CLI (in-process: the same parser and exit codes): the court's
orders drive the clocks, dual-status youth, SB 1322 in every form, mandated reports on time,
status offences and the time sense. Times count back from the product's own clock, so the test
holds on any day; court days come from the product's calendar."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from girlscourt.cli.main import main
from girlscourt.db.base import utcnow
from girlscourt.db.models import Charge, CustodyEpisode, LegalDeadline
from girlscourt.domain.judicial_calendar import JudicialCalendar
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import training
from tests.conftest import ADMIN_PASSWORD
from tests.support import register, risk_answers, screening_responses


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


HEAVY = risk_answers(most_serious_offence="wic707b")  # the band says detain: no override


@pytest.fixture
def cli(
    db_url: str,
    core: Core,
    admin: Actor,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)
    counter = iter(range(1000))

    def run(*args: str, document: Any = None) -> tuple[int, str, str]:
        argv = list(args)
        if document is not None:
            path = tmp_path / f"doc{next(counter)}.json"
            path.write_text(json.dumps(document), encoding="utf-8")
            argv += ["--json", str(path)]
        code = main(["--database", db_url, "--user", "admin", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def local(core: Core) -> dt.datetime:
    return utcnow().astimezone(core.settings.timezone)


def court_day_before(core: Core, days: int) -> dt.date:
    """The court day ``days`` court days before today (never today itself)."""
    today = local(core).date()
    calendar = JudicialCalendar(today.year - 1, today.year + 1)
    day = today
    for _ in range(days):
        day -= dt.timedelta(days=1)
        while not calendar.is_judicial_day(day):
            day -= dt.timedelta(days=1)
    return day


def at(core: Core, day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=core.settings.timezone)


def intake(youth_id: int, start: dt.datetime, *codes: str, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "youth_id": youth_id,
        "custody_start": start.isoformat(),
        "charges": [{"code": c} for c in codes],
    }
    document.update(extra)
    return document


def deadlines(run: Any, youth_id: int) -> dict[str, dict[str, Any]]:
    code, out, err = run("checklist", "show", str(youth_id), "--json")
    assert code == 0, err
    episodes = json.loads(out)["episodes"]
    return {d["rule"]: d for d in episodes[0]["deadlines"]}


def test_a_dependent_is_not_held_for_lack_of_placement_and_gets_a_241_1_deadline(
    cli: Any, core: Core, admin: Actor
) -> None:
    youth_id = register(core, admin, dob=dt.date(2010, 3, 1))
    code, out, err = cli(
        "youth", "dependency", str(youth_id), "--status", "300", "--case-number", "CW-26-0412"
    )
    assert code == 0, err
    start = at(core, court_day_before(core, 3), 9)
    refused = intake(
        youth_id,
        start,
        "PC 211",
        risk={"answers": HEAVY},
        decision={"decision": "detain", "detention_reasons": ["no_placement"]},
    )
    code, out, err = cli("intake", "add", document=refused)
    assert code != 0 and "WIC 636" in err and len(err.strip().splitlines()) == 1
    booked = refused | {
        "decision": {"decision": "detain", "detention_reasons": ["likely_to_flee"]},
        "petition_filed_at": (start + dt.timedelta(hours=2)).isoformat(),
        "detention_hearing_at": (start + dt.timedelta(days=1)).isoformat(),
    }
    code, out, err = cli("intake", "add", "--result", document=booked)
    assert code == 0, err
    rules = {d["rule"] for d in json.loads(out)["deadlines"]}
    assert "WIC241_1" in rules
    code, out, _ = cli("youth", "show", str(youth_id), "--json")
    assert json.loads(out)["dependency"]["child_welfare_case_number"] == "CW-26-0412"


def test_647b_with_148_books_only_the_148_count_and_starts_the_child_welfare_steps(
    cli: Any, core: Core, admin: Actor
) -> None:
    youth_id = register(
        core, admin, dob=local(core).date().replace(day=1) - dt.timedelta(days=16 * 366)
    )
    start = local(core) - dt.timedelta(hours=3)
    code, out, err = cli(
        "intake", "add", "--result", document=intake(youth_id, start, "PC 647(b)", "PC 148(a)(1)")
    )
    assert code == 0, err
    assert "PC 647(b) not booked" in err and "SB 1322" in err
    result = json.loads(out)
    with core.read() as session:
        codes = session.execute(
            select(Charge.code).where(Charge.episode_id == result["episode_id"])
        ).scalars()
        assert list(codes) == ["PC 148(a)(1)"]
    steps = {s["step"]: s for s in result["checklist"]}
    assert {"child_welfare_report", "written_report_ss8572", "csec_screening"} <= set(steps)
    due = dt.datetime.fromisoformat(steps["child_welfare_report"]["due_at"])
    assert due == start + dt.timedelta(hours=1)  # from custody, not from typing
    # The same youth booked again: the steps already open are not started twice.
    code, out, err = cli(
        "intake",
        "add",
        "--result",
        document=intake(youth_id, start + dt.timedelta(hours=1), "PC 653.22", "PC 484"),
    )
    assert code == 0, err
    code, out, _ = cli("checklist", "show", str(youth_id), "--json")
    started = [s["step"] for s in json.loads(out)["steps"]]
    assert started.count("child_welfare_report") == 1


def test_a_clear_concern_entered_late_shows_both_reports_due_from_identification(
    cli: Any, core: Core, admin: Actor
) -> None:
    training.add_training(core, admin, "admin", "csec_awareness", core.today(), hours=4)
    youth_id = register(core, admin)
    start = local(core) - dt.timedelta(days=3)
    screened = start + dt.timedelta(hours=2)
    document = intake(
        youth_id,
        start,
        "PC 484",
        screening={
            "responses": screening_responses(ex_exchange_for_value="clear"),
            "identified_at": screened.isoformat(),
        },
    )
    code, out, err = cli("intake", "add", "--result", document=document)
    assert code == 0, err
    assert json.loads(out)["result_level"] == "clear_concern"
    code, out, _ = cli("checklist", "show", str(youth_id), "--json")
    steps = {s["step"]: s for s in json.loads(out)["steps"]}
    phone, written = steps["child_welfare_report"], steps["written_report_ss8572"]
    assert dt.datetime.fromisoformat(phone["due_at"]) == screened + dt.timedelta(hours=1)
    assert dt.datetime.fromisoformat(written["due_at"]) == screened + dt.timedelta(hours=36)
    assert phone["state"] == written["state"] == "overdue" and phone["mandated_report"]
    code, _, err = cli("checklist", "done", str(phone["id"]), "--version", str(phone["version"]))
    assert code != 0 and "reported_by" in err
    code, _, err = cli(
        "checklist",
        "done",
        str(phone["id"]),
        "--version",
        str(phone["version"]),
        "--reported-by",
        "PO Dana Whitfield",
        "--reported-to",
        "County child-abuse hotline, worker R. Ibarra",
        "--report-number",
        "HL-2026-118204",
    )
    assert code == 0, err


def _detained_youth(cli: Any, core: Core, admin: Actor, number: str) -> tuple[int, dt.date]:
    """A youth detained at intake a few court days ago, with her case open."""
    youth_id = register(core, admin, first="Rosa", last=f"Lindqvist{number[-1]}")
    custody_day = court_day_before(core, 8)
    start = at(core, custody_day, 8)
    document = intake(
        youth_id,
        start,
        "PC 211",
        petition_filed_at=(start + dt.timedelta(hours=3)).isoformat(),
        risk={"answers": HEAVY},
        decision={"decision": "detain", "detention_reasons": ["likely_to_flee"]},
    )
    code, _, err = cli("intake", "add", document=document)
    assert code == 0, err
    for department in ("JD1",):
        cli("department", "add", document={"code": department, "name": "Juvenile 1"})
    case = {
        "youth_id": youth_id,
        "case_number": number,
        "petitions": [{"petition_number": f"{number}-A", "filed_on": custody_day.isoformat()}],
    }
    code, _, err = cli("case", "add", document=case)
    assert code == 0, err
    return youth_id, custody_day


def _hearing(
    cli: Any, core: Core, number: str, kind: str, day: dt.date, custody: str = "IN"
) -> int:
    document = {
        "case_number": number,
        "petition_number": f"{number}-A",
        "hearing_type": kind,
        "scheduled_at": at(core, day, 9).isoformat(),
        "department": "JD1",
        "custody_status": custody,
    }
    code, out, err = cli("hearing", "add", "--acknowledge-warnings", document=document)
    assert code == 0, err
    return int(out.strip())


def test_a_youth_released_by_the_court_gets_the_not_detained_limit(
    cli: Any, core: Core, admin: Actor
) -> None:
    youth_id, custody_day = _detained_youth(cli, core, admin, "JV-26-00101")
    hearing_day = court_day_before(core, 7)
    det = _hearing(cli, core, "JV-26-00101", "DET", hearing_day)
    code, _, err = cli(
        "hearing",
        "outcome",
        str(det),
        "--acknowledge-warnings",
        document={"outcome": "held", "detention_order": "released"},
    )
    assert code == 0, err
    due = dt.datetime.fromisoformat(deadlines(cli, youth_id)["WIC657"]["due"]).date()
    assert due == custody_day + dt.timedelta(days=30)  # 30 days from the petition, not 15 judicial
    with core.read() as session:
        episode = session.execute(
            select(CustodyEpisode).where(CustodyEpisode.youth_id == youth_id)
        ).scalar_one()
        assert episode.release_type == "court_order" and episode.released_at is not None


def test_a_consented_continuance_moves_the_stored_limit(
    cli: Any, core: Core, admin: Actor, tmp_path: Path
) -> None:
    youth_id, _ = _detained_youth(cli, core, admin, "JV-26-00102")
    det = _hearing(cli, core, "JV-26-00102", "DET", court_day_before(core, 7))
    findings = {"contrary_to_welfare": True, "reasonable_efforts": True}
    code, _, err = cli(
        "hearing",
        "outcome",
        str(det),
        "--acknowledge-warnings",
        document={"outcome": "held", "detention_order": "detained", "findings_636": findings},
    )
    assert code == 0, err
    before = dt.datetime.fromisoformat(deadlines(cli, youth_id)["WIC657"]["due"])
    jur = _hearing(cli, core, "JV-26-00102", "JUR", court_day_before(core, 2))
    new_day = before.date() + dt.timedelta(days=14)
    calendar = JudicialCalendar(new_day.year - 1, new_day.year + 1)
    while not calendar.is_judicial_day(new_day):
        new_day += dt.timedelta(days=1)
    code, _, err = cli(
        "hearing",
        "outcome",
        str(jur),
        "--acknowledge-warnings",
        document={
            "outcome": "continued",
            "continued_to": at(core, new_day, 9).isoformat(),
            "reason": "Defence needs the medical records",
            "youth_consented": True,
        },
    )
    assert code == 0, err
    moved = deadlines(cli, youth_id)["WIC657"]
    assert dt.datetime.fromisoformat(moved["due"]).date() == new_day + dt.timedelta(days=7)
    assert "consent" in moved["citation"]
    with core.read() as session:
        stored, basis = session.execute(
            select(LegalDeadline.due_at, LegalDeadline.extended_by).where(
                LegalDeadline.youth_id == youth_id, LegalDeadline.rule == "WIC657"
            )
        ).one()
    assert stored.astimezone(core.settings.timezone).date() == new_day + dt.timedelta(days=7)
    assert basis == "consent"  # the compliance report counts a hearing held by it as such
    out_file = tmp_path / "minute-order.pdf"
    code, _, err = cli("hearing", "minute-order", str(det), "--out", str(out_file))
    assert code == 0, err
    printed = pdf_text(out_file.read_bytes())
    assert "Minute order" in printed and "orders the minor detained" in printed
    assert "finds that continuance in the home is contrary" in printed
    code, _, err = cli("hearing", "minute-order", str(jur), "--out", str(tmp_path / "jur.pdf"))
    assert code == 0, err
    assert "on the youth's consent" in pdf_text((tmp_path / "jur.pdf").read_bytes())


def test_a_runaway_only_youth_books_and_cannot_be_securely_detained(
    cli: Any, core: Core, admin: Actor
) -> None:
    youth_id = register(core, admin)
    start = local(core) - dt.timedelta(hours=2)
    detain = intake(
        youth_id,
        start,
        "WIC 601(a) RUNAWAY",
        risk={"answers": HEAVY},
        decision={"decision": "detain", "detention_reasons": ["likely_to_flee"]},
    )
    code, _, err = cli("intake", "add", document=detain)
    assert code != 0 and "WIC 207" in err and len(err.strip().splitlines()) == 1
    release = intake(youth_id, start, "WIC 601(a) RUNAWAY")
    code, _, err = cli("intake", "add", document=release)
    assert code == 0, err


def test_custody_two_months_ahead_is_refused(cli: Any, core: Core, admin: Actor) -> None:
    youth_id = register(core, admin)
    ahead = local(core) + dt.timedelta(days=61)
    code, _, err = cli("intake", "add", document=intake(youth_id, ahead, "PC 484"))
    assert code != 0 and "custody_start" in err and len(err.strip().splitlines()) == 1
