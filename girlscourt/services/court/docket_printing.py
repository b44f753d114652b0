"""Printing the docket and the transport list: permission, document id and audit, then the PDF.

With ``out`` the PDF is written (temporary file, fsync) before the print's audit event commits and
renamed into place after it: a docket that could not be written is never audited as printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from girlscourt.domain.permissions import Action
from girlscourt.errors import ValidationError
from girlscourt.printing.base import DocumentMeta
from girlscourt.printing.docket import (
    INITIALS,
    INTERNAL,
    PUBLIC,
    VARIANTS,
    render_docket,
    render_public,
    render_transport,
)
from girlscourt.readmodels.docket import PublicCalendar, TransportList
from girlscourt.services.court.dockets import load_docket, public_rows, transport_rows
from girlscourt.services.documents import document_outputs
from girlscourt.services.documents.documents import OutPath, delivered, issue_document_id
from girlscourt.services.kernel.core import Actor, Core


@dataclass(frozen=True)
class PrintedDocument:
    """A rendered PDF and the document id printed on each of its pages."""

    document_id: str
    pdf: bytes
    rows: int


def print_docket(
    core: Core,
    actor: Actor,
    day: dt.date,
    department_id: int | None = None,
    variant: str = INITIALS,
    *,
    out: OutPath | None = None,
) -> PrintedDocument:
    """The day's docket as a PDF: ``initials`` (default), ``internal`` (full names; needs
    DOCKET_PRINT_INTERNAL) or ``public`` (open hearings only, no names). Sealed petitions never
    print, whoever asks. Each print is audited with its document id and variant; with ``out``
    the PDF is written there too, and audited only once it is written in full."""
    if variant not in VARIANTS:
        raise ValidationError("variant", f"{variant!r} is not one of {', '.join(VARIANTS)}")
    core.require(actor, Action.DOCKET_VIEW)
    core.require(actor, Action.PRINT)
    if variant == INTERNAL:
        core.require(actor, Action.DOCKET_PRINT_INTERNAL)
    tz = core.settings.timezone
    with delivered(core, actor, out) as output, core.write() as session:
        found = load_docket(
            core,
            session,
            actor,
            day,
            department_id,
            full_names=variant == INTERNAL,
            include_sealed=False,
        )
        code = found.department.code if found.department else "all"
        kind = f"docket-{variant} {day.isoformat()} dept={code}"
        document_id = issue_document_id(core, session, actor, kind)
        title = f"Docket {day.isoformat()} · Dept {code} · {variant} copy"
        meta = DocumentMeta(
            title=title if variant != PUBLIC else f"Open hearings {day.isoformat()} · Dept {code}",
            document_id=document_id,
            printed_by=actor.display_name,
            printed_at=core.now().astimezone(tz),
            landscape=True,
            public=variant == PUBLIC,
        )
        if variant == PUBLIC:
            listed = public_rows(found)
            pdf = render_public(PublicCalendar(day, found.department, listed), meta)
            rows = len(listed)
        else:
            pdf = render_docket(found, meta, variant)
            rows = len(found.rows)
        output.write(pdf, f"{kind} {document_id}")
    return PrintedDocument(document_id, pdf, rows)


def record_docket_output(
    core: Core, actor: Actor, document_id: str, how: str, variant: str
) -> None:
    """Audit a further printed or saved copy of an issued docket (same permissions as printing
    that variant)."""
    document_outputs.check_output(document_id, how)
    if variant not in VARIANTS:
        raise ValidationError("variant", f"{variant!r} is not one of {', '.join(VARIANTS)}")
    core.require(actor, Action.DOCKET_VIEW)
    core.require(actor, Action.PRINT)
    if variant == INTERNAL:
        core.require(actor, Action.DOCKET_PRINT_INTERNAL)
    document_outputs.record_output(core, actor, document_id, how, f"docket-{variant}")


def print_transport_list(
    core: Core,
    actor: Actor,
    day: dt.date,
    *,
    full_names: bool = False,
    out: OutPath | None = None,
) -> PrintedDocument:
    """The JJC's in-custody transport list (initials unless ``full_names``, which needs
    DOCKET_PRINT_INTERNAL); audited with its document id (with ``out``: once written there)."""
    core.require(actor, Action.DOCKET_VIEW)
    core.require(actor, Action.PRINT)
    if full_names:
        core.require(actor, Action.DOCKET_PRINT_INTERNAL)
    variant = INTERNAL if full_names else INITIALS
    with delivered(core, actor, out) as output, core.write() as session:
        found = load_docket(
            core, session, actor, day, None, full_names=full_names, include_sealed=False
        )
        rows = transport_rows(found)
        kind = f"transport-{variant} {day.isoformat()}"
        document_id = issue_document_id(core, session, actor, kind)
        meta = DocumentMeta(
            title=f"Transport list {day.isoformat()} · {variant} copy",
            document_id=document_id,
            printed_by=actor.display_name,
            printed_at=core.now().astimezone(core.settings.timezone),
            landscape=True,
        )
        pdf = render_transport(TransportList(day, rows, full_names), meta)
        output.write(pdf, f"{kind} {document_id}")
    return PrintedDocument(document_id, pdf, len(rows))
