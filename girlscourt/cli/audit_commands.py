"""``girlscourt audit``: checking the tamper-evident trail against this workstation's anchor."""

from __future__ import annotations

import argparse
from typing import Any

from girlscourt.cli.context import open_core, sign_in


def register(sub: Any) -> None:
    """Add ``audit verify``."""
    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True
    )
    audit.add_parser(
        "verify",
        help="recompute the hash chain and compare its tail with this workstation's anchor",
    ).set_defaults(handler=audit_verify)


def audit_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain is whole, 1 (with the first broken event) when it is not."""
    from girlscourt.services.security import audit_trail

    core = open_core(args)
    actor = sign_in(core, args)
    report = audit_trail.verify(core, actor)
    if report.ok:
        anchor = (
            f"tail matches this workstation's anchor (event {report.anchor_event_id})"
            if report.anchor_checked
            else "no anchor on this workstation yet, tail not checked"
        )
        print(f"audit chain intact: {report.events} events; {anchor}")
        return 0
    where = f" at event {report.first_broken_id}" if report.first_broken_id else ""
    print(f"girlscourt: audit chain broken{where}: {report.problem}")
    return 1
