"""Printing a housing unit's no-contact list and the desk check log, each under a document id.

The data is read in one short transaction and the PDF laid out outside any, so a long log never
holds the database while it is drawn; the print (its document id) is audited once the document
exists: after it is laid out and, with ``out``, written in full beside its target, which it
replaces only after the audit event commits. A document that was never produced is never
audited as printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import check_id
from girlscourt.errors import ValidationError
from girlscourt.printing.base import DocumentMeta
from girlscourt.printing.restriction_list import (
    LIST_FORM_VERSION,
    LOG_FORM_VERSION,
    check_log_pdf,
    restriction_list_pdf,
)
from girlscourt.services.documents import document_outputs
from girlscourt.services.documents.documents import (
    OutPath,
    audit_document,
    delivered,
    new_document_id,
)
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.restrictions.restriction_lists import check_log_in, unit_list_in


@dataclass(frozen=True)
class PrintedDocument:
    """A laid-out PDF and the document id printed on each of its pages."""

    document_id: str
    pdf: bytes
    rows: int


def _meta(core: Core, actor: Actor, title: str, document_id: str, form: str) -> DocumentMeta:
    return DocumentMeta(
        title=title,
        document_id=document_id,
        printed_by=f"{actor.display_name} ({actor.username})",
        printed_at=core.now().astimezone(core.settings.timezone),
        form_version=form,
        landscape=True,
    )


def print_unit_list(
    core: Core, actor: Actor, unit: str, *, out: OutPath | None = None
) -> PrintedDocument:
    """The no-contact list of every youth in custody on ``unit`` (youth by initials)."""
    core.require(actor, Action.RESTRICTION_CHECK)
    core.require(actor, Action.PRINT)
    if not unit or not unit.strip():
        raise ValidationError("unit", "name a housing unit")
    with delivered(core, actor, out) as output:
        with core.read() as session:  # youth hidden by sealing are left out (custodian excepted)
            listing = unit_list_in(
                session, unit, core.today(), include_sealed=actor.may(Action.SEALED_ACCESS)
            )
        document_id = new_document_id(core, "restriction_list")
        meta = _meta(
            core, actor, f"No-contact list, unit {listing.unit}", document_id, LIST_FORM_VERSION
        )
        pdf = restriction_list_pdf(meta, listing)
        output.write(pdf, f"restriction_list {document_id}")
        with core.write() as session:
            audit_document(core, session, actor, "restriction_list", document_id)
    return PrintedDocument(document_id, pdf, len(listing.rows))


def print_check_log(
    core: Core,
    actor: Actor,
    start: dt.date,
    end: dt.date,
    *,
    youth_id: int | None = None,
    out: OutPath | None = None,
) -> PrintedDocument:
    """The check log from ``start`` to ``end`` (county dates, inclusive) as evidence."""
    core.require(actor, Action.AUDIT_VIEW)
    core.require(actor, Action.PRINT)
    if youth_id is not None:
        check_id("youth_id", youth_id)
    record_kind = "youth" if youth_id is not None else None
    with delivered(core, actor, out, record_kind=record_kind, record_id=youth_id) as output:
        with core.read() as session:
            entries = check_log_in(
                core,
                session,
                start,
                end,
                youth_id,
                include_sealed=actor.may(Action.SEALED_ACCESS),
            )
        document_id = new_document_id(core, "check_log")
        scope = "every check" if youth_id is None else f"checks for youth ID {youth_id}"
        meta = _meta(core, actor, "Check log (evidence)", document_id, LOG_FORM_VERSION)
        pdf = check_log_pdf(
            meta, entries, start=start, end=end, zone=core.settings.timezone, scope=scope
        )
        output.write(pdf, f"check_log {document_id}")
        with core.write() as session:
            audit_document(
                core,
                session,
                actor,
                "check_log",
                document_id,
                record_kind=record_kind,
                record_id=youth_id,
            )
    return PrintedDocument(document_id, pdf, len(entries))


def record_check_log_output(
    core: Core, actor: Actor, document_id: str, how: str, *, youth_id: int | None = None
) -> None:
    """Audit a further printed or saved copy of an issued check log (same permissions)."""
    document_outputs.check_output(document_id, how)
    core.require(actor, Action.AUDIT_VIEW)
    core.require(actor, Action.PRINT)
    document_outputs.record_output(
        core,
        actor,
        document_id,
        how,
        "check_log",
        record_kind="youth" if youth_id is not None else None,
        record_id=youth_id,
    )


def record_unit_list_output(core: Core, actor: Actor, document_id: str, how: str) -> None:
    """Audit a further printed or saved copy of an issued unit list (same permissions)."""
    document_outputs.check_output(document_id, how)
    core.require(actor, Action.RESTRICTION_CHECK)
    core.require(actor, Action.PRINT)
    document_outputs.record_output(core, actor, document_id, how, "restriction_list")
