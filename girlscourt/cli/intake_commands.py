"""``girlscourt intake`` and ``girlscourt training``: the intake desk from batch jobs and tests."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from girlscourt.cli.arguments import hours
from girlscourt.cli.context import open_core, sign_in
from girlscourt.cli.output import print_json

APPROVER_PASSWORD_ENV = "GIRLSCOURT_APPROVER_PASSWORD"


def register(sub: Any) -> None:
    """Add ``intake add`` and ``training add``."""
    intake = sub.add_parser("intake", help="custody intakes").add_subparsers(
        dest="intake_command", metavar="ACTION", required=True
    )
    add = intake.add_parser("add", help="record an intake from JSON; prints the episode id")
    add.add_argument("--json", required=True, metavar="FILE|-")
    add.add_argument(
        "--approver",
        metavar="NAME",
        help=f"supervisor approving an override (password from {APPROVER_PASSWORD_ENV})",
    )
    add.add_argument("--result", action="store_true", help="print the result as JSON")
    add.add_argument(
        "--operation-id",
        metavar="UUID",
        help="name this save (a batch job's retry with the same id never records it twice); "
        "default: a new id for each run",
    )
    add.set_defaults(handler=intake_add)

    training = sub.add_parser("training", help="staff training records").add_subparsers(
        dest="training_command", metavar="ACTION", required=True
    )
    tadd = training.add_parser("add", help="record a completed course")
    tadd.add_argument("username")
    tadd.add_argument("--course", required=True)
    tadd.add_argument("--instrument", help="instrument id this course qualifies for")
    tadd.add_argument("--completed", required=True, metavar="YYYY-MM-DD")
    tadd.add_argument("--expires", metavar="YYYY-MM-DD")
    tadd.add_argument("--hours", type=hours, default=0.0)
    tadd.set_defaults(handler=training_add)


def intake_add(args: argparse.Namespace) -> int:
    from girlscourt.intake_interchange import intake_from_json
    from girlscourt.interchange import read_json
    from girlscourt.services.intake import intake
    from girlscourt.services.kernel import retry

    operation_id = (
        retry.new_operation_id()
        if args.operation_id is None
        else retry.check_operation_id(args.operation_id, "--operation-id")
    )  # one id for the whole run: the service's own retries never record the intake twice
    request = intake_from_json(read_json(args.json))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    approver = None
    if args.approver:
        password = os.environ.get(APPROVER_PASSWORD_ENV)
        if password is None and sys.stdin.isatty():
            password = getpass.getpass(f"Password for approver {args.approver}: ")
        if password is None:
            from girlscourt.errors import LoginFailed

            raise LoginFailed(f"--approver: no password (set {APPROVER_PASSWORD_ENV})")
        approver = intake.approver_from_credentials(core, args.approver, password)
    result = intake.record_intake(core, actor, request, approver, operation_id=operation_id)
    for notice in result.notices:
        print(f"girlscourt: notice: {notice}", file=sys.stderr)
    if args.result:
        print_json(
            {
                "episode_id": result.episode_id,
                "screening_id": result.screening_id,
                "assessment_id": result.assessment_id,
                "result_level": result.result_level,
                "recommended_band": result.recommended_band,
                "decision": result.decision,
                "override": result.override_direction,
                "deadlines": [
                    {
                        "rule": d.rule,
                        "citation": d.citation,
                        "due": d.due.isoformat(),
                        "state": d.state,
                    }
                    for d in result.deadlines
                ],
                "checklist": [
                    {"step": s.step, "due_at": s.due_at.isoformat()} for s in result.checklist
                ],
                "notices": list(result.notices),
            }
        )
    else:
        print(result.episode_id)
    return 0


def training_add(args: argparse.Namespace) -> int:
    from girlscourt.domain.youth_rules import parse_date
    from girlscourt.services.security import training

    completed = parse_date("--completed", args.completed)
    expires = parse_date("--expires", args.expires) if args.expires else None
    core = open_core(args)
    actor = sign_in(core, args)
    record = training.add_training(
        core,
        actor,
        args.username,
        args.course,
        completed,
        instrument_id=args.instrument,
        expires_on=expires,
        hours=args.hours,
    )
    print(record.id)
    return 0
