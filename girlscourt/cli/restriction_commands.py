"""``girlscourt restriction``: no-contact restrictions, the desk check, the printed lists."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from girlscourt.cli.arguments import record_id, whole_number
from girlscourt.cli.context import open_core, sign_in
from girlscourt.cli.output import print_json

if TYPE_CHECKING:
    from girlscourt.domain.restriction_rules import RestrictionInput
    from girlscourt.services.restrictions.desk_check import CheckOutcome
    from girlscourt.services.restrictions.restriction_lists import Reminder


def register(sub: Any) -> None:
    """Add ``restriction add|check|list|log|reminders``."""
    group = sub.add_parser("restriction", help="no-contact restrictions and the desk check")
    actions = group.add_subparsers(dest="restriction_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a restriction from JSON; prints the new id")
    add.add_argument("--json", required=True, metavar="FILE|-")
    add.add_argument(
        "--approve", action="store_true", help="approve it now (supervisors and administrators)"
    )
    add.set_defaults(handler=restriction_add)

    check = actions.add_parser("check", help="check a visitor or caller: BLOCK, REVIEW or CLEAR")
    check.add_argument(
        "--youth", type=record_id, metavar="ID", help="one youth (default: all in custody)"
    )
    check.add_argument("--name", metavar="TEXT")
    check.add_argument("--phone", metavar="TEXT")
    check.add_argument("--handle", metavar="TEXT")
    check.add_argument(
        "--channel", choices=["visit", "phone", "mail", "video", "social_media"], default=None
    )
    check.add_argument(
        "--admission-call", action="store_true", help="one of the two WIC 627 admission calls"
    )
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=restriction_check)

    listing = actions.add_parser("list", help="print a housing unit's no-contact list (PDF)")
    listing.add_argument("--unit", required=True)
    listing.add_argument("--out", required=True, metavar="FILE.pdf")
    listing.set_defaults(handler=restriction_list)

    log = actions.add_parser("log", help="print the desk check log for a period (PDF)")
    log.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    log.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    log.add_argument("--youth", type=record_id, metavar="ID")
    log.add_argument("--out", required=True, metavar="FILE.pdf")
    log.set_defaults(handler=restriction_log)

    due = actions.add_parser("reminders", help="reviews due, restrictions ending, approvals")
    due.add_argument("--days", type=whole_number(0, 3660), default=14)
    due.add_argument("--json", action="store_true")
    due.set_defaults(handler=restriction_reminders)


def restriction_from_json(document: Any) -> RestrictionInput:
    """A checked ``restriction add`` document as domain input (errors name the JSON path)."""
    from girlscourt.domain.restriction_rules import Notices, RestrictionInput
    from girlscourt.domain.youth_rules import parse_date
    from girlscourt.interchange import check

    check(document, "restriction")

    def day(key: str, value: Any) -> Any:
        return parse_date(f"$.{key}", value) if value is not None else None

    notices = document.get("notices") or {}
    return RestrictionInput(
        youth_id=document["youth_id"],
        person_name=document["person_name"],
        channels=tuple(document["channels"]),
        basis=document["basis"],
        aliases=tuple(document.get("aliases", ())),
        phones=tuple(document.get("phones", ())),
        handles=tuple(document.get("handles", ())),
        relationship_to_youth=document.get("relationship_to_youth"),
        court_order_number=document.get("court_order_number"),
        starts_on=day("starts_on", document.get("starts_on")),
        ends_on=day("ends_on", document.get("ends_on")),
        review_on=day("review_on", document.get("review_on")),
        notices=Notices(
            **{p: day(f"notices.{p}", notices.get(p)) for p in notices}  # keys checked by schema
        ),
        do_not_disclose_location=bool(document.get("do_not_disclose_location", False)),
        blocks_admission_calls=bool(document.get("blocks_admission_calls", False)),
        admission_block_reason=document.get("admission_block_reason"),
    )


def restriction_add(args: argparse.Namespace) -> int:
    from girlscourt.errors import ValidationError
    from girlscourt.interchange import read_json
    from girlscourt.services.restrictions import restrictions

    data = restriction_from_json(read_json(args.json))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    try:
        record = restrictions.add_restriction(core, actor, data, approve=args.approve)
    except ValidationError as error:
        if error.field.startswith("$"):
            raise
        raise ValidationError(f"$.{error.field}", error.detail) from None
    print(record.id)
    return 0


def _describe(outcome: CheckOutcome) -> list[str]:
    from girlscourt.domain.restriction_rules import CHANNEL_LABELS

    scope = (
        f"youth {outcome.youth_id}"
        if outcome.youth_id is not None
        else f"{outcome.youths_in_scope} youth in custody"
    )
    lines = [f"{outcome.result}  (check #{outcome.check_id}, {scope})"]
    for m in outcome.matches:
        until = m.ends_on.isoformat() if m.ends_on else "lifted"
        channels = ", ".join(CHANNEL_LABELS.get(c, c) for c in m.channels)
        pending = "; awaiting approval" if not m.approved else ""
        lines.append(
            f"  {m.grade:<6} restriction #{m.restriction_id}  youth {m.youth_initials}  "
            f"{m.field} {m.matched_value!r}  score {m.score:g}  "
            f"({m.person_name}; {channels}; until {until}{pending})"
        )
    lines.append(outcome.instruction)
    return lines


def restriction_check(args: argparse.Namespace) -> int:

    from girlscourt.services.restrictions import desk_check

    core = open_core(args)
    actor = sign_in(core, args)
    outcome = desk_check.check_contact(
        core,
        actor,
        name=args.name,
        phone=args.phone,
        handle=args.handle,
        youth_id=args.youth,
        channel=args.channel,
        admission_call=args.admission_call,
    )
    if args.json:
        print_json(outcome.as_json())
    else:
        print("\n".join(_describe(outcome)))
    return 0


def restriction_list(args: argparse.Namespace) -> int:
    from girlscourt.services.documents import output_files
    from girlscourt.services.restrictions import restriction_printing

    output_files.check_target(args.out)  # before signing in: refuse a device, FIFO or folder
    core = open_core(args)
    actor = sign_in(core, args)
    printed = restriction_printing.print_unit_list(core, actor, args.unit, out=args.out)
    print(f"{printed.document_id}\t{printed.rows} restriction(s)\t{args.out}")
    return 0


def restriction_log(args: argparse.Namespace) -> int:
    from girlscourt.domain.youth_rules import parse_date
    from girlscourt.services.documents import output_files
    from girlscourt.services.restrictions import restriction_printing

    start = parse_date("--from", args.start)
    end = parse_date("--to", args.end)
    output_files.check_target(args.out)
    core = open_core(args)
    actor = sign_in(core, args)
    printed = restriction_printing.print_check_log(
        core, actor, start, end, youth_id=args.youth, out=args.out
    )
    print(f"{printed.document_id}\t{printed.rows} check(s)\t{args.out}")
    return 0


def _reminder_json(item: Reminder) -> dict[str, Any]:
    return {
        "restriction_id": item.restriction_id,
        "youth_id": item.youth_id,
        "youth_initials": item.youth_initials,
        "due_on": item.due_on.isoformat(),
        "days_left": item.days_left,
        "in_custody": item.in_custody,
    }


def _when(days_left: int, *, since: bool) -> str:
    if since:
        return f"waiting {-days_left} day(s)" if days_left < 0 else "since today"
    if days_left == 0:
        return "today"
    return f"{-days_left} day(s) overdue" if days_left < 0 else f"in {days_left} day(s)"


def restriction_reminders(args: argparse.Namespace) -> int:

    from girlscourt.services.restrictions import restriction_lists

    core = open_core(args)
    actor = sign_in(core, args)
    due = restriction_lists.reminders(core, actor, args.days)
    groups = {
        "reviews_due": due.reviews_due,
        "expiring": due.expiring,
        "pending_approval": due.pending_approval,
        "notices_missing": due.notices_missing,
    }
    if args.json:
        print_json(
            {"as_of": due.as_of.isoformat(), "within_days": due.within_days}
            | {key: [_reminder_json(i) for i in items] for key, items in groups.items()}
        )
        return 0
    waiting = {"pending_approval", "notices_missing"}  # dated from the start, not a due date
    for key, items in groups.items():
        print(f"{key.replace('_', ' ')}: {len(items)}")
        for i in items:
            print(
                f"  restriction #{i.restriction_id}  youth {i.youth_initials} (ID {i.youth_id})  "
                f"{i.due_on.isoformat()} ({_when(i.days_left, since=key in waiting)})"
            )
    if not any(groups.values()):
        print("nothing due", file=sys.stderr)
    return 0
