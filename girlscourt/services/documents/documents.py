"""Document ids for printed and exported records: each print is audited under its id.

A print that goes to a file (``out``) is audited only once the whole file is written and fsynced
beside its target, and it is renamed into place only after that audit commits
(``output_files.staged``): a failed write leaves no "printed" event for a document id that was
never produced, and no file leaves without its event.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterator

from sqlalchemy.orm import Session

from girlscourt.services.documents import output_files
from girlscourt.services.kernel.core import Actor, Core

OutPath = str | os.PathLike[str]
log = logging.getLogger(__name__)


def new_document_id(core: Core, kind: str) -> str:
    """A fresh id such as ``REFE-20261207-3FA2C1`` (kind, county date, random), not yet audited."""
    stamp = core.now().astimezone(core.settings.timezone).strftime("%Y%m%d")
    return f"{kind.upper()[:4]}-{stamp}-{secrets.token_hex(3).upper()}"


def audit_document(
    core: Core,
    session: Session,
    actor: Actor,
    kind: str,
    document_id: str,
    *,
    record_kind: str | None = None,
    record_id: int | None = None,
    action: str = "document.print",
) -> None:
    """Audit the issue of ``document_id`` in the caller's transaction."""
    core.audit(
        session,
        actor,
        action,
        record_kind=record_kind,
        record_id=record_id,
        detail=f"{kind} {document_id}",
    )


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
    document_id = new_document_id(core, kind)
    audit_document(
        core,
        session,
        actor,
        kind,
        document_id,
        record_kind=record_kind,
        record_id=record_id,
        action=action,
    )
    return document_id


class Output:
    """Where an issued document goes: nowhere but the caller's memory, or a file (``out``)."""

    def __init__(self, staged: output_files.StagedFile | None) -> None:
        self._staged = staged
        self.document: str | None = None  # "referral REFE-20261207-3FA2C1", once written

    def write(self, content: bytes, document: str) -> None:
        """Write the whole ``document`` (kind and id) beside its target, before its audit
        event commits."""
        if self._staged is not None:
            self._staged.write(content)
        self.document = document


@contextlib.contextmanager
def delivered(
    core: Core,
    actor: Actor,
    out: OutPath | None,
    *,
    record_kind: str | None = None,
    record_id: int | None = None,
    action: str = "document.print",
) -> Iterator[Output]:
    """Around a print: the block renders, ``write``s and commits its audit event; then the file
    is renamed into place. Without ``out`` the document stays in memory (the GUI's preview).

    The target is checked before anything is read or audited. If the rename fails after the
    audit committed (the target changed meanwhile), a ``failure`` event under the same action
    says the document was not written.
    """
    if out is None:
        yield Output(None)
        return
    with output_files.staged(out) as pending:
        result = Output(pending)
        yield result
        if result.document is None:  # a printing service that forgot to write: a bug, loudly
            raise RuntimeError("a print to a file committed without writing the document")
        try:
            pending.put_in_place()
        except Exception:
            _record_unwritten(core, actor, action, record_kind, record_id, result.document)
            raise


def _record_unwritten(
    core: Core,
    actor: Actor,
    action: str,
    record_kind: str | None,
    record_id: int | None,
    document: str | None,
) -> None:
    try:
        with core.write() as session:
            core.audit(
                session,
                actor,
                action,
                record_kind=record_kind,
                record_id=record_id,
                outcome="failure",
                detail=f"{document or 'document'} not written",
            )
    except Exception:  # the user is shown the write error; this note is best effort
        log.exception("failed print not recorded in the audit log")
