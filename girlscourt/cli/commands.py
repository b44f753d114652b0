"""The CLI's command groups; each area keeps its commands in a module of its own."""

from __future__ import annotations

from typing import Any

from girlscourt.cli import (
    audit_commands,
    checklist_commands,
    court_commands,
    db_commands,
    demo_commands,
    import_commands,
    intake_commands,
    referral_commands,
    report_commands,
    restriction_commands,
    user_commands,
    youth_commands,
)

GROUPS = [
    db_commands,
    user_commands,
    demo_commands,
    youth_commands,
    import_commands,
    audit_commands,
    intake_commands,
    checklist_commands,
    restriction_commands,
    court_commands,
    referral_commands,
    report_commands,
]


def register(sub: Any) -> None:
    """Add every command group to the parser."""
    for group in GROUPS:
        group.register(sub)
