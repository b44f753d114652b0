"""Exports of the CSEC report (CSV, JSON, PDF): always suppressed, formula-safe, and audited.

With ``out`` the export is written (temporary file, fsync) before its audit event commits and
renamed into place after: an export that could not be written is never audited as exported.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from girlscourt.domain.permissions import Action
from girlscourt.errors import ValidationError
from girlscourt.printing.base import DocumentMeta
from girlscourt.printing.csec_report import render_csec_report
from girlscourt.readmodels.csec_report import PERCENT, CsecReport, Period
from girlscourt.services.documents.documents import OutPath, delivered, issue_document_id
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.reports.csec_metrics import compute, configured_threshold
from girlscourt.services.reports.publication import finish

FORMATS = ("csv", "json", "pdf")
SUPPRESSED = "*"
# RELIABILITY 35: a spreadsheet runs a cell that starts like a formula. A leading apostrophe
# makes it text. Tab and carriage return count too, and so does a byte-order mark before any.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOM = "\ufeff"


def neutralise(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet could read it as a formula."""
    bare = cell.lstrip(_BOM)
    if bare.startswith(_FORMULA_START) or bare.lstrip(" ").startswith(_FORMULA_START[:4]):
        return "'" + cell
    return cell


@dataclass(frozen=True)
class ExportedReport:
    """An export, ready to write: its bytes, the document id it carries, and what it shows."""

    document_id: str
    format: str
    content: bytes
    report: CsecReport

    @property
    def suggested_name(self) -> str:
        """``csec-2026-01-01-2026-03-31.pdf``."""
        p = self.report.period
        return f"csec-{p.start.isoformat()}-{p.end.isoformat()}.{self.format}"


def _plain(value: float | int | None, kind: str, hidden: bool) -> str:
    if hidden:
        return SUPPRESSED
    if value is None:
        return ""
    if isinstance(value, float) and kind != "count":
        return f"{value:.1f}"
    return str(int(value))


def to_csv(report: CsecReport, document_id: str) -> bytes:
    """The report as one CSV of blocks (metadata, figures, then each table), UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def row(*cells: object) -> None:
        writer.writerow([neutralise("" if c is None else str(c)) for c in cells])

    period = report.period
    row("Girls Court CSEC report")
    row("document", document_id)
    row("from", period.start.isoformat())
    row("to", period.end.isoformat())
    row("unit", period.unit or "all units")
    row("generated", report.generated_at.isoformat(timespec="seconds"))
    row("small-cell threshold", report.threshold)
    row(
        "note",
        f"{SUPPRESSED} = suppressed: a count below {report.threshold}, or hidden so that such a "
        "count cannot be worked out from the totals",
    )
    row()
    row("Headline figures")
    row("figure", "value", "numerator", "denominator", "kind")
    for f in report.figures:
        shown = _plain(f.value, f.kind, f.suppressed)
        num = "" if f.suppressed or f.kind != PERCENT else f.numerator
        den = "" if f.suppressed or f.kind != PERCENT else f.denominator
        row(f.label, shown, num, den, f.kind)
    for table in report.tables:
        row()
        row(table.title)
        row(table.row_header, *(c.label for c in table.columns))
        for r in table.rows:
            values = [
                _plain(v, c.kind, hidden)
                for v, c, hidden in zip(r.values, table.columns, r.suppressed, strict=True)
            ]
            row(r.label, *values)
        if table.note:
            row("note", table.note)
    row()
    for term, meaning in report.definitions:
        row(term, meaning)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _rounded(value: float | int | None) -> float | int | None:
    return round(value, 2) if isinstance(value, float) else value


def to_document(report: CsecReport, document_id: str) -> dict[str, Any]:
    """The report as a JSON-ready dict (suppressed values are null with ``suppressed`` true)."""
    period = report.period
    return {
        "report": "csec",
        "document_id": document_id,
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "unit": period.unit,
        },
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "small_cell_threshold": report.threshold,
        "suppressed": report.suppressed,
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "kind": f.kind,
                "value": _rounded(f.value),
                "numerator": None if f.suppressed else f.numerator,
                "denominator": None if f.suppressed else f.denominator,
                "suppressed": f.suppressed,
            }
            for f in report.figures
        ],
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "row_header": t.row_header,
                "note": t.note,
                "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in t.columns],
                "rows": [
                    {
                        "key": r.key,
                        "label": r.label,
                        "total": r.is_total,
                        "values": [_rounded(v) for v in r.values],
                        "suppressed": list(r.suppressed),
                    }
                    for r in t.rows
                ],
            }
            for t in report.tables
        ],
        "definitions": [{"term": k, "definition": v} for k, v in report.definitions],
    }


def to_json(report: CsecReport, document_id: str) -> bytes:
    """The report as UTF-8 JSON."""
    text = json.dumps(to_document(report, document_id), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def export_csec_report(
    core: Core,
    actor: Actor,
    period: Period,
    fmt: str = "csv",
    *,
    threshold: int | None = None,
    out: OutPath | None = None,
) -> ExportedReport:
    """Export the report as CSV, JSON or PDF. Whoever asks, the export is suppressed; it carries
    a document id and is audited as ``report.export`` (with ``out``: once written there)."""
    if fmt not in FORMATS:
        raise ValidationError("format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
    core.require(actor, Action.REPORT_AGGREGATE)
    configured = configured_threshold(core)
    limit = configured if threshold is None else threshold
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < configured:
        raise ValidationError("threshold", f"must be a whole number of at least {configured}")
    tz = core.settings.timezone
    with (
        delivered(core, actor, out, record_kind="report", action="report.export") as output,
        core.write() as session,
    ):
        metrics = compute(session, period, tz=tz, now=core.now())
        report = finish(metrics, suppress=True, threshold=limit)
        kind = f"csec-report {period.start.isoformat()}..{period.end.isoformat()} {fmt}"
        document_id = issue_document_id(
            core, session, actor, kind, record_kind="report", action="report.export"
        )
        if fmt == "csv":
            content = to_csv(report, document_id)
        elif fmt == "json":
            content = to_json(report, document_id)
        else:
            meta = DocumentMeta(
                title=f"CSEC report {period.start.isoformat()} – {period.end.isoformat()}",
                document_id=document_id,
                printed_by=actor.display_name,
                printed_at=core.now().astimezone(tz),
            )
            content = render_csec_report(report, meta)
        output.write(content, f"{kind} {document_id}")
    return ExportedReport(document_id, fmt, content, report)
