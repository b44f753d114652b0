"""Further copies of an issued document (the preview's Print and Save as PDF), each audited.

A document is issued once by its printing service, which audits it under the document id printed
on every page. Every further printed or saved copy is recorded here before it happens, under the
same id, so the log knows of every copy that left the building. The caller checks that the
actor may print that kind of document (the same permissions as issuing it).
"""

from __future__ import annotations

import re

from girlscourt.errors import ValidationError
from girlscourt.services.kernel.core import Actor, Core

DOCUMENT_ID = re.compile(r"^[A-Z]{1,4}-\d{8}-[0-9A-F]{6}$")
OUTPUTS = ("print", "save")


def check_output(document_id: str, how: str) -> None:
    """Refuse anything but a print or a save of an id shaped like the ones this app issues."""
    if how not in OUTPUTS:
        raise ValidationError("how", "must be print or save")
    if not isinstance(document_id, str) or not DOCUMENT_ID.match(document_id):
        raise ValidationError("document_id", "is not a document id issued by this app")


def record_output(
    core: Core,
    actor: Actor,
    document_id: str,
    how: str,
    kind: str,
    *,
    record_kind: str | None = None,
    record_id: int | None = None,
) -> None:
    """Audit one more copy (``document.print`` or ``document.save``) of ``document_id``."""
    check_output(document_id, how)
    with core.write() as session:
        core.audit(
            session,
            actor,
            f"document.{how}",
            record_kind=record_kind,
            record_id=record_id,
            detail=f"{kind} {document_id}",
        )
