"""Printing a hearing's minute order under a document id: read in one short transaction, laid
out outside it, audited once the document exists (the pattern of the other printouts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from girlscourt.db.models import Hearing, Youth
from girlscourt.domain.court_orders import BASIS_TEXT, FINDINGS_636
from girlscourt.domain.hearing_rules import OUTCOME_LABELS, docket_name, long_date
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound
from girlscourt.printing.base import DocumentMeta
from girlscourt.printing.minute_order import FORM_VERSION, MinuteOrder, minute_order_pdf
from girlscourt.services.court.hearing_records import HearingRecord
from girlscourt.services.court.hearings import get_hearing
from girlscourt.services.documents import document_outputs
from girlscourt.services.documents.documents import (
    OutPath,
    audit_document,
    delivered,
    new_document_id,
)
from girlscourt.services.kernel.core import Actor, Core

COURT = "Superior Court of California, County Juvenile Court"
KIND = "minute_order"


@dataclass(frozen=True)
class PrintedMinuteOrder:
    """A laid-out minute order and its document id."""

    document_id: str
    pdf: bytes


def _orders(row: Hearing, following: Hearing | None, tz: dt.tzinfo) -> tuple[str, ...]:
    lines: list[str] = []
    findings = row.findings or {}
    if row.detention_order:
        lines.append(f"The court orders the minor {row.detention_order} (WIC 635, 636).")
    for key, text in FINDINGS_636.items():
        if key in findings.get("wic_636", {}):
            found = findings["wic_636"][key]
            lines.append(f"The court {'finds' if found else 'does not find'} that {text}.")
    for code, finding in findings.get("counts", {}).items():
        lines.append(f"Count {code}: {finding}.")
    lines += [f"Disposition: {o}." for o in findings.get("disposition_orders", [])]
    if row.outcome == "continued" and following is not None:
        when = following.scheduled_at.astimezone(tz)
        ground = BASIS_TEXT.get(row.continuance_basis or "", "continued")
        if row.continuance_basis is None and row.youth_consented:
            ground = BASIS_TEXT["consent"]
        line = f"Hearing {ground} to {long_date(when.date())} at {when:%H:%M}"
        if row.time_waiver_until is not None:
            waived_by = findings.get("time_waived_by", "the youth")
            line += f"; time waived by {waived_by} until {long_date(row.time_waiver_until)}"
        lines.append(
            line + (f". Reason: {row.continuance_reason}" if row.continuance_reason else ".")
        )
    return tuple(lines)


def _appearances(record: HearingRecord) -> tuple[tuple[str, str], ...]:
    people = (
        ("Judicial officer", record.judicial_officer),
        ("Deputy district attorney", record.prosecutor),
        ("Counsel for the minor", record.defence_counsel),
        ("Probation officer", record.probation_officer),
        ("Interpreter", record.interpreter_language),
    )
    return tuple((role, name) for role, name in people if name)


def print_minute_order(
    core: Core, actor: Actor, hearing_id: int, *, out: OutPath | None = None
) -> PrintedMinuteOrder:
    """The minute order of a hearing that has its outcome (sealed ones answer as unknown)."""
    core.require(actor, Action.PRINT)
    record = get_hearing(core, actor, hearing_id)  # checks, audits the view, hides sealed
    if record.outcome is None:
        raise NotFound(f"hearing {hearing_id}: no outcome recorded yet, so no minute order")
    tz = core.settings.timezone
    with delivered(core, actor, out) as output:
        with core.read() as session:
            row = session.get(Hearing, hearing_id)
            youth = session.get(Youth, record.youth_id)
            assert row is not None and youth is not None
            following = session.get(Hearing, row.continued_to_id) if row.continued_to_id else None
            minor = docket_name(
                youth.legal_first_name, youth.legal_last_name, youth.initials_override
            )
            orders = _orders(row, following, tz)
        when = record.scheduled_at.astimezone(tz)
        order = MinuteOrder(
            court=COURT,
            case_number=record.case_number,
            petition_number=record.petition_number,
            minor=minor,
            hearing=f"{record.hearing_type} – {record.hearing_label}",
            held_on=f"{long_date(when.date())} at {when:%H:%M}",
            department=record.department_code,
            appearances=_appearances(record),
            outcome=OUTCOME_LABELS.get(record.outcome, record.outcome),
            orders=orders,
            notes=record.notes,
        )
        document_id = new_document_id(core, KIND)
        meta = DocumentMeta(
            title=f"Minute order {record.case_number}",
            document_id=document_id,
            printed_by=f"{actor.display_name} ({actor.username})",
            printed_at=core.now().astimezone(tz),
            form_version=FORM_VERSION,
        )
        pdf = minute_order_pdf(meta, order)
        output.write(pdf, f"{KIND} {document_id}")
        with core.write() as session:
            audit_document(core, session, actor, KIND, document_id)
    return PrintedMinuteOrder(document_id, pdf)


def record_minute_order_output(core: Core, actor: Actor, document_id: str, how: str) -> None:
    """Audit a further printed or saved copy of an issued minute order."""
    document_outputs.check_output(document_id, how)
    core.require(actor, Action.DOCKET_VIEW)
    core.require(actor, Action.PRINT)
    document_outputs.record_output(core, actor, document_id, how, KIND)
