"""``girlscourt checklist``: a youth's protocol steps and custody clocks, and marking a step done
(a mandated report with who made it, to whom, and its number)."""

from __future__ import annotations

import argparse
from typing import Any

from girlscourt.cli.arguments import record_id
from girlscourt.cli.context import open_core, sign_in
from girlscourt.cli.output import print_json


def register(sub: Any) -> None:
    """Add ``checklist show`` and ``checklist done``."""
    checklist = sub.add_parser(
        "checklist", help="protocol steps and custody clocks"
    ).add_subparsers(dest="checklist_command", metavar="ACTION", required=True)
    show = checklist.add_parser("show", help="a youth's steps (soonest due first) and clocks")
    show.add_argument("youth", type=record_id)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=checklist_show)
    done = checklist.add_parser("done", help="mark a step done, by you, now")
    done.add_argument("step", type=record_id)
    done.add_argument(
        "--version", type=record_id, required=True, help="the version `checklist show` gave"
    )
    done.add_argument("--notes")
    done.add_argument("--reported-by", help="a mandated report: who made it")
    done.add_argument("--reported-to", help="a mandated report: the agency and person")
    done.add_argument("--report-number", help="a mandated report: the hotline's reference")
    done.set_defaults(handler=checklist_done)


def _step_json(entry: Any) -> dict[str, Any]:
    step = entry.step
    return {
        "id": step.id,
        "version": step.version,
        "step": step.step,
        "label": step.label,
        "episode_id": step.episode_id,
        "due_at": step.due_at.isoformat(),
        "state": entry.state,
        "done_at": step.done_at.isoformat() if step.done_at else None,
        "done_by": entry.done_by_name,
        "mandated_report": step.report_details,
        "reported_by": step.reported_by,
        "reported_to": step.reported_to,
        "report_number": step.report_number,
    }


def checklist_show(args: argparse.Namespace) -> int:
    from girlscourt.services.intake import protocol_checklist

    core = open_core(args)
    actor = sign_in(core, args)
    view = protocol_checklist.checklist_for_youth(core, actor, args.youth)
    steps = [_step_json(entry) for entry in view.steps]
    episodes: list[dict[str, Any]] = [
        {
            "episode_id": e.episode_id,
            "deadlines": [
                {
                    "rule": d.rule,
                    "citation": d.citation,
                    "due": d.due.isoformat(),
                    "state": d.state,
                }
                for d in e.deadlines
            ],
        }
        for e in view.episodes
    ]
    if args.json:
        print_json({"youth_id": view.youth_id, "steps": steps, "episodes": episodes})
        return 0
    for row in steps:
        print(f"{row['id']}\t{row['state']}\t{row['due_at']}\t{row['label']}")
    for episode in episodes:
        for d in episode["deadlines"]:
            print(f"episode {episode['episode_id']}\t{d['state']}\t{d['due']}\t{d['citation']}")
    return 0


def checklist_done(args: argparse.Namespace) -> int:
    from girlscourt.services.intake import protocol_checklist

    core = open_core(args)
    actor = sign_in(core, args)
    report = protocol_checklist.ReportDetails(
        args.reported_by, args.reported_to, args.report_number
    )
    step = protocol_checklist.complete_step(
        core, actor, args.step, args.version, args.notes, report
    )
    print(step.id)
    return 0
