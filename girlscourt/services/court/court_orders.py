"""Writing the court's orders with a hearing's outcome, in the outcome's transaction: the
detention order and findings, the ground of a continuance, and, when the court releases a youth
at the detention hearing, the release on her custody episode (so the board and the clocks agree).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import CourtCase, CustodyEpisode, Hearing
from girlscourt.domain.court_orders import RELEASED, CourtOrderInput
from girlscourt.services.kernel.core import Actor, Core

COURT_RELEASE = "court_order"


def apply_orders(
    session: Session, core: Core, actor: Actor, row: Hearing, orders: CourtOrderInput
) -> None:
    """Store the checked orders on the hearing; a court release ends the running episode."""
    row.detention_order = orders.detention_order
    row.findings = orders.findings()
    row.continuance_basis = orders.continuance_basis
    row.time_waiver_until = orders.time_waiver_until
    if orders.detention_order != RELEASED or row.scheduled_at > core.now():
        return
    case = session.get(CourtCase, row.case_id)
    assert case is not None
    episode = session.execute(
        select(CustodyEpisode)
        .where(
            CustodyEpisode.youth_id == case.youth_id,
            CustodyEpisode.custody_start_at <= row.scheduled_at,
            CustodyEpisode.released_at.is_(None),
        )
        .order_by(CustodyEpisode.custody_start_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if episode is None:
        return
    episode.released_at, episode.release_type = row.scheduled_at, COURT_RELEASE
    episode.updated_at = core.now()
    core.audit(
        session,
        actor,
        "episode.release",
        record_kind="episode",
        record_id=episode.id,
        detail=f"released by the court at hearing {row.id}",
    )
