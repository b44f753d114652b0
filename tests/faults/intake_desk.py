"""An intake desk on a fault database: a trained officer, a youth, and a full intake save that
writes every kind of child row, plus the census a fault test compares before and after.

A full intake here is an episode with two charges, a screening that starts the CSEC protocol
(checklist steps, once per youth), a scored risk instrument with a decision, its stored legal
deadlines, its operation id and its audit event: a crash that leaves any of them without the
others is a partial record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from girlscourt.db.base import Base
from girlscourt.db.models import (
    AppliedOperation,
    AuditEvent,
    Charge,
    ChecklistStep,
    CustodyEpisode,
    DetentionAssessment,
    LegalDeadline,
    Screening,
    Youth,
)
from girlscourt.domain.intake_rules import ChargeInput, DecisionInput, EpisodeInput
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.services.intake import intake
from girlscourt.services.intake.intake import IntakeRequest, IntakeResult, RiskInput, ScreeningInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from tests.support import risk_answers, screening_responses, train

NOW = dt.datetime(2026, 11, 25, 22, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
ADMIN_PASSWORD = "fault desk admin passphrase"
OFFICER_PASSWORD = "fault desk officer passphrase"


@dataclass(frozen=True)
class Desk:
    """A core with its clock frozen on a weeknight, the signed-in officer, and her youth."""

    core: Core
    officer: Actor
    youth_id: int


def freeze(core: Core) -> Core:
    """The desk's clock: always the same night, whatever day the suite runs."""
    core.clock = lambda: NOW.astimezone(dt.UTC)
    return core


def prepare(core: Core) -> Desk:
    """An administrator, an officer trained to screen, and one youth (a migrated database)."""
    freeze(core)
    accounts.create_user(core, None, "admin", "administrator", ADMIN_PASSWORD, "Ada Admin")
    admin = accounts.authenticate(core, "admin", ADMIN_PASSWORD)
    accounts.create_user(core, admin, "officer", "intake_officer", OFFICER_PASSWORD, "Olu Officer")
    officer = accounts.authenticate(core, "officer", OFFICER_PASSWORD)
    train(core, admin, "officer")
    youth = youths.register_youth(core, officer, youth_input(0))
    return Desk(core, officer, youth.id)


def sign_in_officer(core: Core) -> Actor:
    """The officer of :func:`prepare`, signed in again (another process)."""
    freeze(core)
    return accounts.authenticate(core, "officer", OFFICER_PASSWORD)


def youth_input(n: int) -> YouthInput:
    """A clearly fictional youth, different for each ``n``."""
    return YouthInput(
        legal_first_name=f"Faultia{n}",
        legal_last_name="Testcase",
        dob=dt.date(2010, 6, 1) + dt.timedelta(days=n % 300),
        aliases=(f"Fay{n}",),
    )


def full_intake(youth_id: int) -> IntakeRequest:
    """An intake that writes every child row an intake can have."""
    return IntakeRequest(
        EpisodeInput(
            youth_id=youth_id,
            custody_start_at=NOW - dt.timedelta(minutes=20),
            charges=(ChargeInput("PC 211"), ChargeInput("PC 459")),
        ),
        ScreeningInput("csec-screen-gc", screening_responses(ex_exchange_for_value="some")),
        RiskInput("detention-risk-example", risk_answers()),
        DecisionInput("release"),
    )


def save(desk: Desk, operation_id: str | None, youth_id: int | None = None) -> IntakeResult:
    """One full intake save through the product's service (for the desk's youth by default)."""
    request = full_intake(desk.youth_id if youth_id is None else youth_id)
    return intake.record_intake(desk.core, desk.officer, request, operation_id=operation_id)


CENSUS = {
    "youth": Youth.id,
    "episode": CustodyEpisode.id,
    "charge": Charge.id,
    "screening": Screening.id,
    "assessment": DetentionAssessment.id,
    "checklist_step": ChecklistStep.id,
    "legal_deadline": LegalDeadline.id,
    "applied_operation": AppliedOperation.id,
}


def census(core: Core) -> dict[str, int]:
    """How many rows of each kind an intake or a registration writes, and the audit events."""
    with core.read() as session:
        counts = {
            name: int(session.execute(select(func.count(column))).scalar_one())
            for name, column in CENSUS.items()
        }
        for action in ("intake.create", "youth.create"):
            counts[action] = int(
                session.execute(
                    select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
                ).scalar_one()
            )
    return counts


_PARTIAL_EPISODES = text(
    """
    SELECT e.id FROM custody_episode e
    WHERE (SELECT count(*) FROM charge c WHERE c.episode_id = e.id) <> 2
       OR (SELECT count(*) FROM screening s WHERE s.episode_id = e.id) <> 1
       OR (SELECT count(*) FROM detention_assessment d WHERE d.episode_id = e.id) <> 1
       OR NOT EXISTS (SELECT 1 FROM checklist_step k WHERE k.youth_id = e.youth_id)
       OR NOT EXISTS (SELECT 1 FROM legal_deadline l WHERE l.episode_id = e.id)
       OR (SELECT count(*) FROM applied_operation o
           WHERE o.kind = 'intake' AND o.record_id = e.id) <> 1
       OR (SELECT count(*) FROM audit_event a
           WHERE a.action = 'intake.create' AND a.record_kind = 'episode'
             AND a.record_id = e.id) <> 1
    ORDER BY e.id
    """
)

_ORPHANS = text(
    """
    SELECT 'charge', count(*) FROM charge c
      WHERE NOT EXISTS (SELECT 1 FROM custody_episode e WHERE e.id = c.episode_id)
    UNION ALL SELECT 'screening', count(*) FROM screening s
      WHERE s.episode_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM custody_episode e WHERE e.id = s.episode_id)
    UNION ALL SELECT 'assessment', count(*) FROM detention_assessment d
      WHERE NOT EXISTS (SELECT 1 FROM custody_episode e WHERE e.id = d.episode_id)
    UNION ALL SELECT 'checklist_step', count(*) FROM checklist_step k
      WHERE k.episode_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM custody_episode e WHERE e.id = k.episode_id)
    UNION ALL SELECT 'legal_deadline', count(*) FROM legal_deadline l
      WHERE NOT EXISTS (SELECT 1 FROM custody_episode e WHERE e.id = l.episode_id)
    UNION ALL SELECT 'applied_intake', count(*) FROM applied_operation o
      WHERE o.kind = 'intake'
        AND NOT EXISTS (SELECT 1 FROM custody_episode e WHERE e.id = o.record_id)
    UNION ALL SELECT 'applied_youth', count(*) FROM applied_operation o
      WHERE o.kind = 'youth' AND NOT EXISTS (SELECT 1 FROM youth y WHERE y.id = o.record_id)
    UNION ALL SELECT 'youth_unregistered', count(*) FROM youth y
      WHERE NOT EXISTS (SELECT 1 FROM applied_operation o
                        WHERE o.kind = 'youth' AND o.record_id = y.id)
    UNION ALL SELECT 'alias', count(*) FROM youth_alias a
      WHERE NOT EXISTS (SELECT 1 FROM youth y WHERE y.id = a.youth_id)
    """
)


_PARTIAL_YOUTHS = text(
    """
    SELECT y.id FROM youth y
    WHERE NOT EXISTS (SELECT 1 FROM youth_name_key k WHERE k.youth_id = y.id)
       OR (SELECT count(*) FROM youth_alias a WHERE a.youth_id = y.id) <> 1
       OR (SELECT count(*) FROM applied_operation o
           WHERE o.kind = 'youth' AND o.record_id = y.id) <> 1
       OR (SELECT count(*) FROM audit_event a
           WHERE a.action = 'youth.create' AND a.record_kind = 'youth'
             AND a.record_id = y.id) <> 1
    ORDER BY y.id
    """
)


def partial_youths(core: Core) -> list[int]:
    """Youths registered here (one alias each) missing their search keys, alias, operation id
    or audit event."""
    with core.read() as session:
        return [int(row[0]) for row in session.execute(_PARTIAL_YOUTHS)]


def foreign_key_violations(core: Core) -> dict[str, int]:
    """Rows whose foreign key names a row that does not exist, for every foreign key of the
    schema (the constraints should make this empty; this checks that they held)."""
    found: dict[str, int] = {}
    with core.read() as session:
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                child = fk.parent
                parent = fk.column.table.alias("parent").c[fk.column.name]  # self-references too
                missing = (
                    select(func.count())
                    .select_from(table)
                    .where(child.is_not(None), ~select(parent).where(parent == child).exists())
                )
                n = int(session.execute(missing).scalar_one())
                if n:
                    found[f"{table.name}.{child.name}"] = n
    return found


def partial_intakes(core: Core) -> list[int]:
    """Episodes missing any child row a full intake writes (or holding extra ones)."""
    with core.read() as session:
        return [int(row[0]) for row in session.execute(_PARTIAL_EPISODES)]


def orphans(core: Core) -> dict[str, int]:
    """Child rows whose parent record is missing, by kind (only the kinds that have some)."""
    with core.read() as session:
        return {str(kind): int(n) for kind, n in session.execute(_ORPHANS) if n}
