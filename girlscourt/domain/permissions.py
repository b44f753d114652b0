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
    INTAKE_RECORD = "intake.record"
    SCREENING_RECORD = "screening.record"
    SCREENING_VIEW_DETAIL = "screening.view_detail"  # item responses, not just the result level
    DETENTION_DECIDE = "detention.decide"
    OVERRIDE_APPROVE = "override.approve"
    CHECKLIST_UPDATE = "checklist.update"
    REFERRAL_MANAGE = "referral.manage"
    REFERRAL_VIEW = "referral.view"
    CONSENT_MANAGE = "consent.manage"
    AGENCY_MANAGE = "agency.manage"
    RESTRICTION_MANAGE = "restriction.manage"
    RESTRICTION_APPROVE = "restriction.approve"
    RESTRICTION_CHECK = "restriction.check"
    COURT_CONFIGURE = "court.configure"
    CASE_MANAGE = "case.manage"
    GIRLS_COURT_ASSIGN = "girls_court.assign"
    HEARING_SCHEDULE = "hearing.schedule"
    DOCKET_VIEW = "docket.view"
    DOCKET_PRINT_INTERNAL = "docket.print_internal"
    PRINT = "document.print"
    REPORT_AGGREGATE = "report.aggregate"
    PARTNERSHIP_MANAGE = "partnership.manage"
    TRAINING_MANAGE = "training.manage"
    SEALED_ACCESS = "sealed.access"
    SEAL_PETITION = "sealed.seal"
    USER_MANAGE = "user.manage"
    DEMO_SEED = "demo.seed"
    AUDIT_VIEW = "audit.view"


_LOOKUP = {Action.YOUTH_SEARCH, Action.YOUTH_VIEW}
_INTAKE = _LOOKUP | {
    Action.YOUTH_CREATE,
    Action.YOUTH_EDIT,
    Action.INTAKE_RECORD,
    Action.SCREENING_RECORD,
    Action.SCREENING_VIEW_DETAIL,
    Action.DETENTION_DECIDE,
    Action.CHECKLIST_UPDATE,
    Action.REFERRAL_MANAGE,
    Action.REFERRAL_VIEW,
    Action.CONSENT_MANAGE,
    Action.RESTRICTION_MANAGE,
    Action.RESTRICTION_CHECK,
    Action.DOCKET_VIEW,
    Action.PRINT,
}
_CLERK = _LOOKUP | {
    Action.CASE_MANAGE,
    Action.GIRLS_COURT_ASSIGN,
    Action.HEARING_SCHEDULE,
    Action.DOCKET_VIEW,
    Action.DOCKET_PRINT_INTERNAL,
    Action.PRINT,
    Action.RESTRICTION_CHECK,
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    # Sealing and sealed records belong to the custodian alone (WIC 786; least privilege).
    Role.ADMINISTRATOR: frozenset(Action) - {Action.SEALED_ACCESS, Action.SEAL_PETITION},
    Role.INTAKE_OFFICER: frozenset(_INTAKE),
    Role.SUPERVISOR: frozenset(
        _INTAKE
        | {
            Action.OVERRIDE_APPROVE,
            Action.RESTRICTION_APPROVE,
            Action.AUDIT_VIEW,
            Action.REPORT_AGGREGATE,
            Action.PARTNERSHIP_MANAGE,
            Action.TRAINING_MANAGE,
            Action.DOCKET_PRINT_INTERNAL,
        }
    ),
    Role.COURT_CLERK: frozenset(_CLERK),
    Role.ANALYST: frozenset({Action.REPORT_AGGREGATE}),
    Role.CUSTODIAN: frozenset(_LOOKUP | {Action.SEALED_ACCESS, Action.SEAL_PETITION, Action.PRINT}),
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
