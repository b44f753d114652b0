"""A screening's item responses: a field-level permission (``screening.view_detail``), audited.

Every other service gives only the result level; the answers a youth gave about exploitation
leave the database through this one function, for roles the permission table names, and never
for a youth hidden by sealing unless the caller is the custodian with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from girlscourt.db.models import Screening
from girlscourt.domain import sealing_rules
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing


@dataclass(frozen=True)
class ScreeningDetail:
    """A completed screening with its item responses and domain scores."""

    id: int
    youth_id: int
    episode_id: int | None
    instrument_id: str
    instrument_version: str
    responses: tuple[tuple[str, str], ...]  # (item id, response), in item-id order
    domain_scores: tuple[tuple[str, float], ...]
    total_score: float
    computed_level: str
    result_level: str
    override_reason: str | None
    disclosure: bool
    completed_at: dt.datetime


def screening_detail(
    core: Core, actor: Actor, screening_id: int, access_reason: str | None = None
) -> ScreeningDetail:
    """The item responses of one screening, for a role with ``screening.view_detail``."""
    core.require(
        actor, Action.SCREENING_VIEW_DETAIL, record_kind="screening", record_id=screening_id
    )
    custodian = actor.may(Action.SEALED_ACCESS)
    reason = sealing_rules.access_reason(access_reason) if access_reason is not None else None
    with core.write() as session:
        row = session.execute(
            select(Screening).where(Screening.id == screening_id)
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"screening {screening_id}: no such screening")
        sealed = sealing.youth_is_sealed(session, row.youth_id)
        if not sealed or custodian:
            if sealed and reason is None:
                raise ValidationError(
                    "access_reason", "this record is sealed: give the reason for opening it"
                )
            core.audit(
                session,
                actor,
                "screening.view_detail",
                record_kind="screening",
                record_id=screening_id,
                detail=f"sealed access: {reason}" if sealed else None,
            )
            return ScreeningDetail(
                row.id,
                row.youth_id,
                row.episode_id,
                row.instrument_id,
                row.instrument_version,
                tuple(sorted((str(k), str(v)) for k, v in row.responses.items())),
                tuple(sorted((str(k), float(v)) for k, v in row.domain_scores.items())),
                row.total_score,
                row.computed_level,
                row.result_level,
                row.override_reason,
                row.disclosure,
                row.completed_at,
            )
    core.refuse(
        actor,
        "screening.view_detail",
        record_kind="screening",
        record_id=screening_id,
        detail="sealed",
    )
    raise NotFound(f"screening {screening_id}: no such screening")
