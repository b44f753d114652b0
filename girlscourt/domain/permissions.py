"""Who may do what: the role × action table every service checks (GUI, CLI and tests alike)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """App roles (WIC 827 categories)."""

    ADMINISTRATOR = "administrator"
    INTAKE_OFFICER = "intake_officer"
    SUPERVISOR = "supervisor"
    COURT_CLERK = "court_clerk"
    ANALYST = "analyst"
    CUSTODIAN = "custodian"


class Action(StrEnum):
    """Things a service can be asked to do."""

    YOUTH_SEARCH = "youth.search"
    YOUTH_VIEW = "youth.view"
    YOUTH_CREATE = "youth.create"
    YOUTH_EDIT = "youth.edit"
    USER_MANAGE = "user.manage"
    DEMO_SEED = "demo.seed"
    AUDIT_VIEW = "audit.view"


_CASEWORK = {Action.YOUTH_SEARCH, Action.YOUTH_VIEW, Action.YOUTH_CREATE, Action.YOUTH_EDIT}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMINISTRATOR: frozenset(Action),
    Role.INTAKE_OFFICER: frozenset(_CASEWORK),
    Role.SUPERVISOR: frozenset(_CASEWORK | {Action.AUDIT_VIEW}),
    Role.COURT_CLERK: frozenset({Action.YOUTH_SEARCH, Action.YOUTH_VIEW}),
    Role.ANALYST: frozenset(),
    Role.CUSTODIAN: frozenset({Action.YOUTH_SEARCH, Action.YOUTH_VIEW}),
}

ROLE_LABELS: dict[Role, str] = {
    Role.ADMINISTRATOR: "Administrator",
    Role.INTAKE_OFFICER: "Probation intake officer",
    Role.SUPERVISOR: "Supervisor",
    Role.COURT_CLERK: "Court clerk",
    Role.ANALYST: "Analyst (aggregates only)",
    Role.CUSTODIAN: "Sealed-records custodian",
}


def allowed(role: Role | str, action: Action) -> bool:
    """Whether ``role`` may perform ``action``."""
    try:
        return action in PERMISSIONS[Role(role)]
    except ValueError:
        return False
