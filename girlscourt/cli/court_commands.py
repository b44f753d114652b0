"""``girlscourt hearing | docket | case | girls-court | department | holiday``: the court desk."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from girlscourt.cli import sealing_commands
from girlscourt.cli.arguments import record_id, whole_number
from girlscourt.cli.context import open_core, sign_in
from girlscourt.cli.output import print_json

if TYPE_CHECKING:
    from girlscourt.domain.hearing_rules import HearingWarning
    from girlscourt.services.kernel.core import Actor, Core

VARIANTS = ("initials", "internal", "public")
_FIELD_TO_JSON = {
    "case_id": "case_number",
    "petition_id": "petition_number",
    "department_id": "department",
    "reason": "reason",
}
_DATE_TEXT = "must be a date written YYYY-MM-DD"
_TIME_TEXT = "must be a date and time with its UTC offset, e.g. 2026-12-01T08:30:00-08:00"


def register(sub: Any) -> None:
    """Add the court commands."""
    _register_hearing(sub)
    _register_docket(sub)
    case = sub.add_parser("case", help="court cases and petitions").add_subparsers(
        dest="case_command", metavar="ACTION", required=True
    )
    add = case.add_parser("add", help="open a case with its petitions from JSON; prints the id")
    add.add_argument("--json", required=True, metavar="FILE|-")
    add.set_defaults(handler=case_add)
    sealing_commands.register_case(case)
    girls = sub.add_parser("girls-court", help="Girls Court assignments").add_subparsers(
        dest="gc_command", metavar="ACTION", required=True
    )
    assign = girls.add_parser("assign", help="refer (and accept) a youth from JSON; prints the id")
    assign.add_argument("--json", required=True, metavar="FILE|-")
    assign.set_defaults(handler=girls_court_assign)
    configure = girls.add_parser(
        "configure", help="set the Girls Court department, team and session days from JSON"
    )
    configure.add_argument("--json", required=True, metavar="FILE|-")
    configure.set_defaults(handler=girls_court_configure)
    roster = girls.add_parser("roster", help="girls with an open assignment and their next hearing")
    roster.add_argument("--json", action="store_true")
    roster.set_defaults(handler=girls_court_roster)
    department = sub.add_parser("department", help="court departments").add_subparsers(
        dest="department_command", metavar="ACTION", required=True
    )
    dadd = department.add_parser("add", help="add a department from JSON; prints the id")
    dadd.add_argument("--json", required=True, metavar="FILE|-")
    dadd.set_defaults(handler=department_add)
    _register_holiday(sub)


def _register_hearing(sub: Any) -> None:
    hearing = sub.add_parser("hearing", help="hearings on court days").add_subparsers(
        dest="hearing_command", metavar="ACTION", required=True
    )
    add = hearing.add_parser("add", help="set a hearing from JSON; prints the id")
    add.add_argument("--json", required=True, metavar="FILE|-")
    add.add_argument(
        "--acknowledge-warnings",
        action="store_true",
        help="save despite warnings (they are still printed and audited)",
    )
    add.set_defaults(handler=hearing_add)
    outcome = hearing.add_parser(
        "outcome", help="record held / continued / off_calendar; a continuance prints the new id"
    )
    outcome.add_argument("id", type=record_id)
    outcome.add_argument("--version", type=record_id, help="the version you saw (default: current)")
    outcome.add_argument("--json", required=True, metavar="FILE|-")
    outcome.add_argument("--acknowledge-warnings", action="store_true")
    outcome.set_defaults(handler=hearing_outcome)
    minute = hearing.add_parser("minute-order", help="print a hearing's minute order to PDF")
    minute.add_argument("id", type=record_id)
    minute.add_argument("--out", required=True, metavar="FILE.pdf")
    minute.set_defaults(handler=hearing_minute_order)


def _register_docket(sub: Any) -> None:
    docket = sub.add_parser("docket", help="the clerk's docket").add_subparsers(
        dest="docket_command", metavar="ACTION", required=True
    )
    show = docket.add_parser("show", help="a day's docket (initials)")
    show.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    show.add_argument("--department", metavar="CODE")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=docket_show)
    printed = docket.add_parser("print", help="print a day's docket to PDF")
    printed.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    printed.add_argument("--department", metavar="CODE")
    printed.add_argument("--variant", choices=VARIANTS, default="initials")
    printed.add_argument("--out", required=True, metavar="FILE.pdf")
    printed.set_defaults(handler=docket_print)
    transport = docket.add_parser("transport", help="print the in-custody transport list to PDF")
    transport.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    transport.add_argument("--full-names", action="store_true")
    transport.add_argument("--out", required=True, metavar="FILE.pdf")
    transport.set_defaults(handler=docket_transport)


def _register_holiday(sub: Any) -> None:
    holiday = sub.add_parser("holiday", help="the county court-holiday calendar").add_subparsers(
        dest="holiday_command", metavar="ACTION", required=True
    )
    hadd = holiday.add_parser("add", help="close the court on a day")
    hadd.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    hadd.add_argument("--name", required=True)
    hadd.set_defaults(handler=holiday_add)
    remove = holiday.add_parser("remove", help="make a statutory holiday a court day")
    remove.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    remove.add_argument("--reason", required=True)
    remove.set_defaults(handler=holiday_remove)
    listing = holiday.add_parser("list", help="a year's closed days")
    listing.add_argument("--year", type=whole_number(1900, 2200), required=True)
    listing.set_defaults(handler=holiday_list)


# --- JSON to service input ----------------------------------------------------------------------


@contextmanager
def _json_paths(names: dict[str, str] | None = None) -> Iterator[None]:
    """Name where the bad value came from in errors raised by the services: the JSON path
    (``$.department``, not ``department_id``), or the option given in ``names``."""
    from girlscourt.errors import ValidationError

    try:
        yield
    except ValidationError as error:
        if error.field.startswith(("$", "-")):
            raise
        if names is not None:
            raise ValidationError(names.get(error.field, error.field), error.detail) from None
        key = _FIELD_TO_JSON.get(error.field, error.field)
        raise ValidationError(f"$.{key}", error.detail) from None


_HOLIDAY_OPTIONS = {"day": "--date", "name": "--name", "reason": "--reason"}


def _checked(document: Any, schema: str) -> dict[str, Any]:
    """The document checked against its schema, with plain words for date format errors."""
    from girlscourt.errors import ValidationError
    from girlscourt.interchange import check

    try:
        check(document, schema)
    except ValidationError as error:
        if "does not match" in error.detail:
            words = _TIME_TEXT if error.field.endswith(("_at", "_to")) else _DATE_TEXT
            raise ValidationError(error.field, words) from None
        raise
    assert isinstance(document, dict)
    return document


def _date(path: str, value: Any) -> dt.date | None:
    from girlscourt.domain.youth_rules import parse_date

    return None if value is None else parse_date(path, value)


def _moment(path: str, value: Any) -> dt.datetime | None:
    from girlscourt.domain.value_rules import check_moment
    from girlscourt.errors import ValidationError

    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value)[:60])
    except ValueError:
        raise ValidationError(path, _TIME_TEXT) from None
    if moment.tzinfo is None:
        raise ValidationError(path, _TIME_TEXT)
    return check_moment(path, moment)


def _warn(warnings: tuple[HearingWarning, ...]) -> None:
    for warning in warnings:
        print(f"warning: {warning.message}", file=sys.stderr)


def _unacknowledged(count: int) -> int:
    from girlscourt.errors import RuleRefused

    raise RuleRefused(
        f"not saved: {count} warning{'s' if count != 1 else ''} above; check "
        f"{'them' if count != 1 else 'it'} and run again with --acknowledge-warnings"
    )


def _department_id(core: Core, actor: Actor, code: str | None) -> int | None:
    from girlscourt.services.court import departments

    if code is None:
        return None
    with _json_paths():
        return departments.department_by_code(core, actor, code).id


# --- Commands -----------------------------------------------------------------------------------


def hearing_add(args: argparse.Namespace) -> int:
    from girlscourt.domain.hearing_rules import HearingInput
    from girlscourt.errors import NotFound, ValidationError
    from girlscourt.interchange import read_json
    from girlscourt.services.court import cases, hearings

    document = _checked(read_json(args.json), "hearing")
    scheduled = _moment("$.scheduled_at", document["scheduled_at"])
    assert scheduled is not None
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    try:
        case = cases.find_case(core, actor, document["case_number"])
    except NotFound:
        raise ValidationError("$.case_number", "no such case") from None
    petition_id = None
    if document.get("petition_number"):
        matches = [p.id for p in case.petitions if p.petition_number == document["petition_number"]]
        if not matches:
            raise ValidationError(
                "$.petition_number", f"is not a petition on case {case.case_number}"
            )
        petition_id = matches[0]
    department_id = _department_id(core, actor, document["department"])
    assert department_id is not None
    data = HearingInput(
        case_id=case.id,
        petition_id=petition_id,
        hearing_type=document["hearing_type"],
        scheduled_at=scheduled,
        department_id=department_id,
        custody_status=document["custody_status"],
        judicial_officer=document.get("judicial_officer"),
        prosecutor=document.get("prosecutor"),
        defence_counsel=document.get("defence_counsel"),
        defence_type=document.get("defence_type"),
        probation_officer=document.get("probation_officer"),
        interpreter_needed=bool(document.get("interpreter_needed", False)),
        interpreter_language=document.get("interpreter_language"),
        transport_needed=document.get("transport_needed"),
        girls_court=document.get("girls_court"),
        open_to_public=bool(document.get("open_to_public", False)),
        notes=document.get("notes"),
    )
    with _json_paths():
        result = hearings.schedule_hearing(
            core, actor, data, acknowledge_warnings=args.acknowledge_warnings
        )
    _warn(result.warnings)
    if not result.saved or result.hearing is None:
        return _unacknowledged(len(result.warnings))
    print(result.hearing.id)
    return 0


def hearing_outcome(args: argparse.Namespace) -> int:
    from girlscourt.domain.court_orders import CourtOrderInput
    from girlscourt.domain.hearing_rules import OutcomeInput
    from girlscourt.interchange import read_json
    from girlscourt.services.court import hearings

    document = _checked(read_json(args.json), "hearing_outcome")
    waiver = document.get("time_waiver_until")
    orders = CourtOrderInput(
        detention_order=document.get("detention_order"),
        findings_636=document.get("findings_636", {}),
        counts=document.get("counts", {}),
        disposition_orders=tuple(document.get("disposition_orders", ())),
        continuance_basis=document.get("continuance_basis"),
        time_waiver_until=None if waiver is None else _date("$.time_waiver_until", waiver),
        waived_by=document.get("waived_by"),
    )
    data = OutcomeInput(
        outcome=document["outcome"],
        continued_to=_moment("$.continued_to", document.get("continued_to")),
        reason=document.get("reason"),
        youth_consented=document.get("youth_consented"),
        notes=document.get("notes"),
        orders=orders,
        seal_basis=document.get("seal_basis"),
        seal_order_number=document.get("seal_order_number"),
    )
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    version = args.version or hearings.get_hearing(core, actor, args.id).version
    with _json_paths():
        result = hearings.record_outcome(
            core, actor, args.id, version, data, acknowledge_warnings=args.acknowledge_warnings
        )
    _warn(result.warnings)
    if not result.saved:
        return _unacknowledged(len(result.warnings))
    print(result.next_hearing.id if result.next_hearing else result.hearing.id)
    return 0


def _parse_day(value: str) -> dt.date:
    day = _date("--date", value)
    assert day is not None
    return day


def _row_json(row: Any) -> dict[str, Any]:
    flag = row.deadline
    return {
        "hearing_id": row.hearing_id,
        "time": row.scheduled_at.isoformat(),
        "department": row.department_code,
        "case_number": row.case_number,
        "petition_number": row.petition_number,
        "minor": row.minor,
        "hearing_type": row.hearing_type,
        "custody_status": row.custody_status,
        "transport_needed": row.transport_needed,
        "judicial_officer": row.judicial_officer,
        "prosecutor": row.prosecutor,
        "defence_counsel": row.defence_counsel,
        "defence_type": row.defence_type,
        "probation_officer": row.probation_officer,
        "interpreter_language": row.interpreter_language,
        "deadline": None
        if flag is None
        else {"text": flag.text, "over": flag.over, "rule": flag.rule},
        "girls_court": row.girls_court,
        "open_to_public": row.open_to_public,
        "outcome": row.outcome,
    }


def docket_show(args: argparse.Namespace) -> int:
    from girlscourt.services.court import dockets

    day = _parse_day(args.date)
    core = open_core(args)
    actor = sign_in(core, args)
    found = dockets.docket(core, actor, day, _department_id(core, actor, args.department))
    if args.json:
        print_json({"date": day.isoformat(), "hearings": [_row_json(r) for r in found.rows]})
        return 0
    for r in found.rows:
        flag = r.deadline.text if r.deadline else ""
        gc = "GC" if r.girls_court else ""
        print(
            f"{r.scheduled_at:%H:%M}\t{r.department_code}\t{r.case_number}\t{r.minor}\t"
            f"{r.hearing_type}\t{r.custody_status}\t{flag}\t{gc}\t{r.docket_notes}"
        )
    if not found.rows:
        print("no hearings on calendar", file=sys.stderr)
    return 0


def docket_print(args: argparse.Namespace) -> int:
    from girlscourt.services.court import docket_printing
    from girlscourt.services.documents import output_files

    day = _parse_day(args.date)
    output_files.check_target(args.out)  # before signing in: refuse a device, FIFO or folder
    core = open_core(args)
    actor = sign_in(core, args)
    printed = docket_printing.print_docket(
        core, actor, day, _department_id(core, actor, args.department), args.variant, out=args.out
    )
    print(printed.document_id)
    return 0


def hearing_minute_order(args: argparse.Namespace) -> int:
    from girlscourt.services.court import minute_orders
    from girlscourt.services.documents import output_files

    output_files.check_target(args.out)  # before signing in: refuse a device, FIFO or folder
    core = open_core(args)
    actor = sign_in(core, args)
    printed = minute_orders.print_minute_order(core, actor, args.id, out=args.out)
    print(printed.document_id)
    return 0


def docket_transport(args: argparse.Namespace) -> int:
    from girlscourt.services.court import docket_printing
    from girlscourt.services.documents import output_files

    day = _parse_day(args.date)
    output_files.check_target(args.out)
    core = open_core(args)
    actor = sign_in(core, args)
    printed = docket_printing.print_transport_list(
        core, actor, day, full_names=args.full_names, out=args.out
    )
    print(printed.document_id)
    return 0


def case_add(args: argparse.Namespace) -> int:
    from girlscourt.interchange import read_json
    from girlscourt.services.court import cases

    document = _checked(read_json(args.json), "case")
    petitions = []
    for index, item in enumerate(document.get("petitions", [])):
        filed = _date(f"$.petitions[{index}].filed_on", item["filed_on"])
        assert filed is not None
        petitions.append(cases.PetitionInput(item["petition_number"], filed))
    data = cases.CaseInput(document["youth_id"], document["case_number"], tuple(petitions))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    with _json_paths():
        record = cases.open_case(core, actor, data)
    print(record.id)
    return 0


def girls_court_assign(args: argparse.Namespace) -> int:
    from girlscourt.errors import NotFound, ValidationError
    from girlscourt.interchange import read_json
    from girlscourt.services.court import assignments, cases

    document = _checked(read_json(args.json), "assignment")
    accepted = _date("$.accepted_on", document.get("accepted_on"))
    team = assignments.Team(**(document.get("team") or {}))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    if accepted is not None:
        _check_acceptance(core, accepted, team)
    case_id = None
    if document.get("case_number"):
        try:
            case_id = cases.find_case(core, actor, document["case_number"]).id
        except NotFound:
            raise ValidationError("$.case_number", "no such case") from None
    with _json_paths():
        record = assignments.refer_to_girls_court(
            core,
            actor,
            assignments.ReferralInput(
                document["youth_id"], document["reason"], case_id, document.get("eligibility_notes")
            ),
        )
        if accepted is not None:
            record = assignments.accept_assignment(
                core, actor, record.id, record.version, accepted, team
            )
    print(record.id)
    return 0


def _check_acceptance(core: Core, accepted: dt.date, team: Any) -> None:
    """What accepting will check, checked before the referral commits: a refused acceptance
    must not leave the referral saved behind an exit 1 (the two are separate transactions)."""
    from girlscourt.domain.hearing_rules import NAME_MAX
    from girlscourt.domain.names import clean_text
    from girlscourt.errors import ValidationError
    from girlscourt.services.court.assignments import TEAM_ROLES

    if accepted > core.today():
        raise ValidationError("$.accepted_on", "is in the future")
    if accepted < core.today():
        raise ValidationError("$.accepted_on", "is before the referral (made today)")
    for role in TEAM_ROLES:
        clean_text(f"$.team.{role}", getattr(team, role), required=False, max_length=NAME_MAX)


def girls_court_configure(args: argparse.Namespace) -> int:
    from girlscourt.domain.hearing_rules import GIRLS_COURT_CODE
    from girlscourt.errors import ValidationError
    from girlscourt.interchange import read_json
    from girlscourt.services.court import departments

    document = _checked(read_json(args.json), "specialty_docket")
    try:
        session_time = dt.time.fromisoformat(document["session_time"])
    except ValueError:
        raise ValidationError("$.session_time", "must be a time written HH:MM") from None
    effective = _date("$.effective_from", document["effective_from"])
    assert effective is not None
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    department_id = _department_id(core, actor, document["department"])
    assert department_id is not None
    data = departments.SpecialtyDocketInput(
        code=document.get("code", GIRLS_COURT_CODE),
        name=document.get("name", "Girls Court"),
        department_id=department_id,
        judicial_officer=document["judicial_officer"],
        session_weekdays=tuple(document["session_weekdays"]),
        session_time=session_time,
        effective_from=effective,
        prosecutor=document.get("prosecutor"),
        public_defender=document.get("public_defender"),
    )
    with _json_paths():
        record = departments.configure_specialty_docket(core, actor, data)
    print(record.id)
    return 0


def girls_court_roster(args: argparse.Namespace) -> int:
    from girlscourt.services.court import assignments

    core = open_core(args)
    actor = sign_in(core, args)
    rows = assignments.girls_court_roster(core, actor)
    if args.json:
        print_json(
            [
                {
                    "assignment_id": r.assignment_id,
                    "youth_id": r.youth_id,
                    "name": r.docket_name,
                    "status": r.status,
                    "accepted_on": r.accepted_on.isoformat() if r.accepted_on else None,
                    "next_hearing_at": r.next_hearing_at.isoformat() if r.next_hearing_at else None,
                    "next_hearing_type": r.next_hearing_type,
                    "team": r.team.as_dict(),
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        nxt = (
            f"{r.next_hearing_at:%Y-%m-%d %H:%M} {r.next_hearing_type}" if r.next_hearing_at else ""
        )
        print(f"{r.assignment_id}\t{r.docket_name}\t{r.status}\t{nxt}")
    return 0


def department_add(args: argparse.Namespace) -> int:
    from girlscourt.interchange import read_json
    from girlscourt.services.court import departments

    document = _checked(read_json(args.json), "department")
    data = departments.DepartmentInput(
        code=document["code"],
        name=document["name"],
        courtroom=document.get("courtroom"),
        daily_capacity=document.get("daily_capacity", 40),
        effective_from=_date("$.effective_from", document.get("effective_from")),
        effective_to=_date("$.effective_to", document.get("effective_to")),
    )
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    with _json_paths():
        record = departments.add_department(core, actor, data)
    print(record.id)
    return 0


def holiday_add(args: argparse.Namespace) -> int:
    from girlscourt.services.clocks import court_holidays

    day = _parse_day(args.date)
    core = open_core(args)
    actor = sign_in(core, args)
    with _json_paths(_HOLIDAY_OPTIONS):
        court_holidays.add_court_holiday(core, actor, day, args.name)
    return 0


def holiday_remove(args: argparse.Namespace) -> int:
    from girlscourt.services.clocks import court_holidays

    day = _parse_day(args.date)
    core = open_core(args)
    actor = sign_in(core, args)
    with _json_paths(_HOLIDAY_OPTIONS):
        court_holidays.remove_statutory_holiday(core, actor, day, args.reason)
    return 0


def holiday_list(args: argparse.Namespace) -> int:
    from girlscourt.errors import ValidationError
    from girlscourt.services.clocks import court_calendar

    if not 1900 <= args.year <= 2200:
        raise ValidationError("--year", "must be a year from 1900 to 2200")
    core = open_core(args)
    actor = sign_in(core, args)
    for entry in court_calendar.list_holidays(core, actor, args.year):
        print(f"{entry.day.isoformat()}\t{entry.source}\t{entry.name}")
    return 0
