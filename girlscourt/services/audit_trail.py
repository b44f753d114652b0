"""Reading the audit trail: verifying the chain (and, for administrators, listing events)."""

from __future__ import annotations

from girlscourt.domain.permissions import Action
from girlscourt.services.audit_log import ChainReport, verify_chain
from girlscourt.services.core import Actor, Core


def verify(core: Core, actor: Actor) -> ChainReport:
    """Recompute every hash; the verification itself is audited."""
    core.require(actor, Action.AUDIT_VIEW)
    with core.read() as session:
        report = verify_chain(session)
    with core.write() as session:
        core.audit(
            session,
            actor,
            "audit.verify",
            outcome="ok" if report.ok else "broken",
            record_id=report.first_broken_id,
        )
    return report
