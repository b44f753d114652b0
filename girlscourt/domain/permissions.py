"""Who may do what: the role × action table every service checks (GUI, CLI and tests alike).

Partner roles (WIC 827: persons with a legitimate role in the youth's case) are read-only and
scoped: they search and open only the youth they are assigned to (``partner_assignment``;
``services/kernel/partner_scope.py`` applies the scope in ``Core.require`` and in every list). They
never write, print or export (WIC 827 inspection is not copying) and get no aggregates. What
each reads, by the actions below (the record document leaves out what a role may not see and
names the section in ``withheld_sections``):

==========================================  =====  =====  ========  =================
section (action)                            DA     PD     advocate  staff with lookup
==========================================  =====  =====  ========  =================
search, browse (YOUTH_SEARCH)               yes    yes    yes       yes
record: identity, custody episodes,         yes    yes    yes       yes
deadlines, cases, petitions, hearings,
Girls Court assignment (YOUTH_VIEW)
screening result level and the CSEC         no     no     yes       yes
protocol checklist: the CSEC flag
(SCREENING_VIEW_RESULT)
screening item responses                    no     no     no        intake, supervisor
(SCREENING_VIEW_DETAIL)
referrals to advocacy, victim services,     no     no     yes       intake, supervisor
education, housing (REFERRAL_VIEW)
health referrals: medical, mental health,   no     no     no        intake, supervisor
substance use, and consents covering them
(REFERRAL_VIEW_HEALTH)
contact restrictions (RESTRICTION_VIEW)     no     no     no        yes
dockets, roster, custody board              no     no     no        per role
(DOCKET_VIEW; the board lists assigned
youth only, by YOUTH_SEARCH)
print, export, reports                      no     no     no        per role
==========================================  =====  =====  ========  =================

The DA and the defender see the court side of their youth's case and nothing about
exploitation or health; the advocate, who works the CSEC response with the youth, also sees the
screening result, the protocol checklist and the non-health referrals. None sees the restricted
persons (exploiters' names and numbers) or any health record. No day's docket: it lists every
youth on calendar; their youth's hearings are in her record.
"""

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
    PROSECUTOR = "prosecutor"
    PUBLIC_DEFENDER = "public_defender"
    ADVOCATE = "advocate"


class Action(StrEnum):
    """Things a service can be asked to do."""

    YOUTH_SEARCH = "youth.search"
    YOUTH_VIEW = "youth.view"
    YOUTH_CREATE = "youth.create"
    YOUTH_EDIT = "youth.edit"
    INTAKE_RECORD = "intake.record"
    SCREENING_RECORD = "screening.record"
    SCREENING_VIEW_RESULT = "screening.view_result"  # the result level and protocol checklist
    SCREENING_VIEW_DETAIL = "screening.view_detail"  # item responses, not just the result level
    DETENTION_DECIDE = "detention.decide"
    OVERRIDE_APPROVE = "override.approve"
    CHECKLIST_UPDATE = "checklist.update"
    REFERRAL_MANAGE = "referral.manage"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_VIEW_HEALTH = "referral.view_health"  # medical, mental health, substance use
    CONSENT_MANAGE = "consent.manage"
    AGENCY_MANAGE = "agency.manage"
    RESTRICTION_MANAGE = "restriction.manage"
    RESTRICTION_APPROVE = "restriction.approve"
    RESTRICTION_CHECK = "restriction.check"
    RESTRICTION_VIEW = "restriction.view"
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
    PARTNER_ASSIGN = "partner.assign"
    DEMO_SEED = "demo.seed"
    AUDIT_VIEW = "audit.view"
    DATABASE_COPY = "database.copy"  # every table, sealed records included: administrators
    YOUTH_IMPORT = "youth.import"  # a spreadsheet of youths into the registry: administrators


_LOOKUP = {
    Action.YOUTH_SEARCH,
    Action.YOUTH_VIEW,
    Action.SCREENING_VIEW_RESULT,
    Action.RESTRICTION_VIEW,
}
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
    Action.REFERRAL_VIEW_HEALTH,
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
            Action.PARTNER_ASSIGN,
        }
    ),
    Role.COURT_CLERK: frozenset(_CLERK),
    Role.ANALYST: frozenset({Action.REPORT_AGGREGATE}),
    Role.CUSTODIAN: frozenset(_LOOKUP | {Action.SEALED_ACCESS, Action.SEAL_PETITION, Action.PRINT}),
    # Read-only partners, scoped to their assigned youth (table in the module docstring).
    Role.PROSECUTOR: frozenset({Action.YOUTH_SEARCH, Action.YOUTH_VIEW}),
    Role.PUBLIC_DEFENDER: frozenset({Action.YOUTH_SEARCH, Action.YOUTH_VIEW}),
    Role.ADVOCATE: frozenset(
        {
            Action.YOUTH_SEARCH,
            Action.YOUTH_VIEW,
            Action.SCREENING_VIEW_RESULT,
            Action.REFERRAL_VIEW,
        }
    ),
}

PARTNER_ROLES: frozenset[Role] = frozenset({Role.PROSECUTOR, Role.PUBLIC_DEFENDER, Role.ADVOCATE})

# Why a partner may read a youth's record (WIC 827(a)(1)); one is recorded with each assignment.
PARTNER_REASONS: dict[str, str] = {
    "prosecutor_of_record": "District attorney on the youth's petition",
    "counsel_for_minor": "Attorney for the youth",
    "mdt_member": "Member of the youth's multidisciplinary team",
    "advocacy_services": "Agency providing advocacy or treatment to the youth",
    "court_order_jv570": "Designated by the juvenile court (JV-570)",
}

ROLE_LABELS: dict[Role, str] = {
    Role.ADMINISTRATOR: "Administrator",
    Role.INTAKE_OFFICER: "Probation intake officer",
    Role.SUPERVISOR: "Supervisor",
    Role.COURT_CLERK: "Court clerk",
    Role.ANALYST: "Analyst (aggregates only)",
    Role.CUSTODIAN: "Sealed-records custodian",
    Role.PROSECUTOR: "District attorney (assigned youth, read-only)",
    Role.PUBLIC_DEFENDER: "Public defender (assigned youth, read-only)",
    Role.ADVOCATE: "CSEC advocate (assigned youth, read-only)",
}


def is_partner(role: Role | str) -> bool:
    """Whether ``role`` is a read-only partner role, limited to the youth it is assigned."""
    try:
        return Role(role) in PARTNER_ROLES
    except ValueError:
        return False


def allowed(role: Role | str, action: Action) -> bool:
    """Whether ``role`` may perform ``action``."""
    try:
        return action in PERMISSIONS[Role(role)]
    except ValueError:
        return False
