"""``girlscourt youth``: the registry."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from girlscourt.cli.arguments import record_id
from girlscourt.cli.context import open_core, sign_in
from girlscourt.cli.output import print_json


def register(sub: Any) -> None:
    """Add ``youth add``, ``find``, ``show`` and ``dependency``."""
    youth = sub.add_parser("youth", help="the youth registry").add_subparsers(
        dest="youth_command", metavar="ACTION", required=True
    )
    yadd = youth.add_parser("add", help="register a youth from JSON; prints the new id")
    yadd.add_argument("--json", required=True, metavar="FILE|-")
    yadd.add_argument(
        "--operation-id",
        metavar="UUID",
        help="name this registration (a batch job's retry with the same id never registers "
        "the youth twice); default: a new id for each run",
    )
    yadd.set_defaults(handler=youth_add)
    find = youth.add_parser("find", help="search by name, alias or date of birth")
    find.add_argument("text")
    find.add_argument("--json", action="store_true")
    find.set_defaults(handler=youth_find)
    show = youth.add_parser("show", help="a youth's record")
    show.add_argument("id", type=record_id)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=youth_show)
    dependency = youth.add_parser(
        "dependency", help="record a change of dependency (WIC 300) status, effective-dated"
    )
    dependency.add_argument("id", type=record_id)
    dependency.add_argument(
        "--status", required=True, help="none, 300 (dependent), nmd (non-minor dependent), 241.1"
    )
    dependency.add_argument("--case-number", help="the child-welfare case number")
    dependency.add_argument("--since", metavar="YYYY-MM-DD", help="effective date (default today)")
    dependency.add_argument("--json", action="store_true")
    dependency.set_defaults(handler=youth_dependency)


def youth_add(args: argparse.Namespace) -> int:
    from girlscourt.interchange import read_json, youth_from_json
    from girlscourt.services.kernel import retry
    from girlscourt.services.registry import youths

    operation_id = (
        retry.new_operation_id()
        if args.operation_id is None
        else retry.check_operation_id(args.operation_id, "--operation-id")
    )  # one id for the whole run: the service's own retries never register her twice
    data = youth_from_json(read_json(args.json))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    record = youths.register_youth(core, actor, data, operation_id=operation_id)
    print(record.id)
    return 0


def youth_find(args: argparse.Namespace) -> int:
    from girlscourt.services.registry import youths

    core = open_core(args)
    actor = sign_in(core, args)
    page = youths.find_youths(core, actor, args.text)
    if args.json:
        rows = [
            {
                "id": r.id,
                "legal_first_name": r.legal_first_name,
                "legal_last_name": r.legal_last_name,
                "preferred_name": r.preferred_name,
                "aliases": list(r.aliases),
                "dob": r.dob.isoformat(),
                "score": r.score,
                "sealed": r.sealed,  # true only ever for the sealed-records custodian
            }
            for r in page.rows
        ]
        print_json({"results": rows, "truncated": page.truncated})
        return 0
    for r in page.rows:
        aliases = f"  aka {', '.join(r.aliases)}" if r.aliases else ""
        sealed = "\tsealed" if r.sealed else ""  # only the custodian is shown a sealed youth
        print(f"{r.id}\t{r.display_name}\t{r.dob.isoformat()}{aliases}{sealed}")
    if not page.rows:
        print("no youth matches", file=sys.stderr)
    return 0


def youth_show(args: argparse.Namespace) -> int:
    from girlscourt.services.overview import record_view

    core = open_core(args)
    actor = sign_in(core, args)
    document = record_view.youth_document(core, actor, args.id)
    if args.json:
        print_json(document)
    else:
        for key, value in document.items():
            print(f"{key}: {value}")
    return 0


def youth_dependency(args: argparse.Namespace) -> int:
    from girlscourt.domain.dependency_rules import DependencyInput
    from girlscourt.domain.youth_rules import parse_date
    from girlscourt.services.registry import dependency

    since = parse_date("--since", args.since) if args.since else None
    data = DependencyInput(args.status, since, args.case_number)
    core = open_core(args)
    actor = sign_in(core, args)
    view = dependency.set_dependency(core, actor, args.id, data)
    current = view.current
    assert current is not None
    if args.json:
        print_json(
            {
                "youth_id": view.youth_id,
                "dependency_status": current.status,
                "effective_on": current.effective_on.isoformat(),
                "child_welfare_case_number": current.child_welfare_case_number,
            }
        )
    else:
        print(f"{view.youth_id}\t{current.label}\tsince {current.effective_on.isoformat()}")
    return 0
