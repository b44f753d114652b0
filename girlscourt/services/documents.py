"""Document ids for printed and exported records: each print is audited under its id."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from girlscourt.services.core import Actor, Core


def issue_document_id(
    core: Core,
    session: Session,
    actor: Actor,
    kind: str,
    *,
    record_kind: str | None = None,
    record_id: int | None = None,
    action: str = "document.print",
) -> str:
    """A new document id (printed on every page), audited in the caller's transaction."""
    stamp = core.now().astimezone(core.settings.timezone).strftime("%Y%m%d")
    document_id = f"{kind.upper()[:4]}-{stamp}-{secrets.token_hex(3).upper()}"
    core.audit(
        session,
        actor,
        action,
        record_kind=record_kind,
        record_id=record_id,
        detail=f"{kind} {document_id}",
    )
    return document_id
