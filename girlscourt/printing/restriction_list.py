"""The printed no-contact list for a housing unit, and the desk check log as evidence.

Both are landscape tables built from service results. Every user value goes through ``text()``;
very long alias or handle lists are cut in the cell with a pointer to the record, because a
table row cannot split across pages.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from girlscourt.domain.restriction_rules import ADMISSION_CALL, BASIS_LABELS, CHANNEL_LABELS
from girlscourt.printing.base import DocumentMeta, build_pdf, styles, text
from girlscourt.readmodels.restriction_list import CheckLogEntry, UnitList, UnitListRow

LIST_FORM_VERSION = "GC-RST-1 2026.1"
LOG_FORM_VERSION = "GC-RCL-1 2026.1"
CELL_LIMIT = 500  # characters of one list in one cell before it is cut
_NAVY = colors.HexColor("#1f3a5f")
_TINT = colors.HexColor("#eef2f7")
_GRID = colors.HexColor("#9aa7b8")
_BLOCK = colors.HexColor("#7a1020")
_REVIEW = colors.HexColor("#f3c74f")
_CLEAR = colors.HexColor("#e3f1e3")


@functools.cache
def _result_style(result: str) -> ParagraphStyle:
    """Bold cell text; white on the dark BLOCK background."""
    colour = colors.white if result == "BLOCK" else colors.black
    return ParagraphStyle(f"result_{result}", parent=styles()["cell_bold"], textColor=colour)


def _p(value: object, style: str = "cell") -> Paragraph:
    return Paragraph(text(value), styles()[style])


def _lines(parts: Sequence[str], record: str) -> str:
    """Join values one per line, cut politely when the cell would grow too tall."""
    out: list[str] = []
    used = 0
    for index, part in enumerate(parts):
        if used + len(part) > CELL_LIMIT and out:
            out.append(f"… and {len(parts) - index} more on {record}")
            break
        out.append(part)
        used += len(part)
    return "\n".join(out)


def _date(value: dt.date | None, empty: str = "") -> str:
    return value.isoformat() if value else empty


def _person_cell(row: UnitListRow) -> Paragraph:
    record = f"restriction #{row.restriction_id}"
    body = f"<b>{text(row.person_name)}</b>"
    if row.relationship:
        body += f"<br/>{text(row.relationship)}"
    if row.aliases:
        body += "<br/>aka " + text(_lines(row.aliases, record))
    return Paragraph(body, styles()["cell"])


def _notes(row: UnitListRow) -> str:
    notes = [f"#{row.restriction_id}"]
    if row.status == "scheduled":
        notes.append(f"starts {row.starts_on.isoformat()}")
    if not row.approved:
        notes.append("awaiting supervisor approval (still enforced)")
    if row.withhold_location:
        notes.append("do not disclose the youth's location")
    if row.admission_calls_blocked:
        notes.append("admission calls also blocked (signed off)")
    return "\n".join(notes)


def _review_cell(review_on: dt.date, as_of: dt.date) -> Paragraph:
    """The review date; an overdue review stands out."""
    if review_on < as_of:
        return Paragraph(
            f'<font color="#7a1020"><b>{review_on.isoformat()}<br/>overdue</b></font>',
            styles()["cell"],
        )
    return _p(review_on.isoformat())


def _list_table(rows: Sequence[UnitListRow], as_of: dt.date) -> Table:
    header = [
        _p(h, "cell_bold")
        for h in (
            "Youth",
            "Restricted person",
            "Phones and handles",
            "Channels",
            "Basis",
            "Until",
            "Review by",
            "Notes",
        )
    ]
    data: list[list[Flowable]] = [header]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), _TINT),
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    previous: int | None = None
    for row in rows:
        first = row.youth_id != previous
        previous = row.youth_id
        youth = f"<b>{text(row.youth_initials)}</b><br/>ID {row.youth_id}" if first else ""
        contact = _lines([*row.phones, *row.handles], f"restriction #{row.restriction_id}") or "–"
        basis = BASIS_LABELS.get(row.basis, row.basis)
        if row.court_order_number:
            basis += f"\n{row.court_order_number}"
        data.append(
            [
                Paragraph(youth, styles()["cell"]),
                _person_cell(row),
                _p(contact),
                _p(", ".join(CHANNEL_LABELS.get(c, c) for c in row.channels)),
                _p(basis),
                _p(_date(row.ends_on, "until lifted")),
                _review_cell(row.review_on, as_of),
                _p(_notes(row)),
            ]
        )
        if first and len(data) > 2:
            style.append(("LINEABOVE", (0, len(data) - 1), (-1, len(data) - 1), 1.2, _NAVY))
    widths = [0.75, 2.05, 1.6, 1.2, 1.4, 0.95, 0.75, 1.3]
    table = Table(data, colWidths=[w * inch for w in widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def restriction_list_pdf(meta: DocumentMeta, listing: UnitList) -> bytes:
    """The no-contact list of one housing unit: youth by initials, who, how, until when."""
    youth_count = len({r.youth_id for r in listing.rows})
    story: list[Flowable] = [
        Paragraph(f"No-contact list · housing unit {text(listing.unit)}", styles()["title"]),
        Paragraph(
            f"As of {listing.as_of.isoformat()}: {listing.youths_in_unit} youth in custody on "
            f"this unit, {youth_count} with restrictions, {len(listing.rows)} restriction(s) "
            "in force or scheduled. Check every visitor and caller at the desk first; use this "
            "list only when the app is not available. Keep it out of sight of youth and visitors.",
            styles()["body"],
        ),
        Spacer(1, 6),
    ]
    if listing.rows:
        story.append(_list_table(listing.rows, listing.as_of))
    else:
        story.append(
            Paragraph(
                "No youth in custody on this unit has a restriction in force.", styles()["body"]
            )
        )
    story += [
        Spacer(1, 8),
        Paragraph(
            "A match on any name, alias, phone or handle: do not allow the contact, tell the "
            "supervisor on duty, and record the check in the app when it is back. The youth, "
            "the person denied and the facility administrator must be told of any denial "
            "(Title 15 §1374). The two admission calls (WIC 627) are never stopped unless the "
            "notes say they are blocked with a supervisor's sign-off.",
            styles()["small"],
        ),
    ]
    return build_pdf(meta, story)


def _channel(channel: str | None) -> str:
    if channel is None:
        return "any"
    if channel == ADMISSION_CALL:
        return "admission call"
    return CHANNEL_LABELS.get(channel, channel)


def _entered(entry: CheckLogEntry) -> str:
    parts = []
    if entry.probe_name:
        parts.append(f"name: {entry.probe_name}")
    if entry.probe_phone:
        parts.append(f"phone: {entry.probe_phone}")
    if entry.probe_handle:
        parts.append(f"handle: {entry.probe_handle}")
    return "\n".join(parts)


def _matches(entry: CheckLogEntry) -> str:
    lines = [
        f"#{m.restriction_id} {entry.match_initials.get(m.youth_id or 0, '')} "
        f"{m.field} {m.score:g} {m.grade}"
        for m in entry.matches
    ]
    return "\n".join(lines) or "–"


def _log_table(entries: Sequence[CheckLogEntry], zone: ZoneInfo) -> Table:
    header = [
        _p(h, "cell_bold")
        for h in ("Check", "Time", "Staff", "Youth", "Channel", "Entered", "Result", "Matches")
    ]
    data: list[list[Flowable]] = [header]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), _TINT),
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    colours = {"BLOCK": _BLOCK, "REVIEW": _REVIEW, "CLEAR": _CLEAR}
    for number, entry in enumerate(entries, start=1):
        scope = (
            f"{entry.youth_initials or '?'} (ID {entry.youth_id})"
            if entry.youth_id is not None
            else "all in custody"
        )
        data.append(
            [
                _p(f"#{entry.id}"),
                _p(entry.checked_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")),
                _p(entry.staff),
                _p(scope),
                _p(_channel(entry.channel)),
                _p(_entered(entry)),
                Paragraph(text(entry.result), _result_style(entry.result)),
                _p(_matches(entry)),
            ]
        )
        style.append(("BACKGROUND", (6, number), (6, number), colours[entry.result]))
    widths = [0.55, 1.2, 1.45, 0.95, 0.85, 2.3, 0.65, 2.05]
    table = Table(data, colWidths=[w * inch for w in widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def check_log_pdf(
    meta: DocumentMeta,
    entries: Sequence[CheckLogEntry],
    *,
    start: dt.date,
    end: dt.date,
    zone: ZoneInfo,
    scope: str,
) -> bytes:
    """The check log for a period, as an evidence copy for investigators."""
    counts = Counter(e.result for e in entries)
    span = f"checks #{entries[0].id} to #{entries[-1].id}" if entries else "no checks"
    story: list[Flowable] = [
        Paragraph("Visitor and call check log · evidence copy", styles()["title"]),
        Paragraph(
            f"Period {start.isoformat()} to {end.isoformat()} (county time, {text(zone.key)}); "
            f"scope: {text(scope)}. {len(entries)} check(s): BLOCK {counts['BLOCK']}, "
            f"REVIEW {counts['REVIEW']}, CLEAR {counts['CLEAR']} ({span}).",
            styles()["body"],
        ),
        Paragraph(
            "Each row is one check exactly as staff entered it and as the app answered. The log "
            "is append-only: the app has no way to change or delete an entry, and each check "
            "also has an event in the hash-chained audit trail. Matches read: restriction "
            "number, youth initials, field matched, score (0–100), grade.",
            styles()["small"],
        ),
        Spacer(1, 6),
    ]
    if entries:
        story.append(_log_table(entries, zone))
    else:
        story.append(Paragraph("No checks were logged in this period.", styles()["body"]))
    story += [
        Spacer(1, 18),
        Paragraph(
            "Certified a true copy of the check log by: ______________________________ "
            "(name, title)      Date: ______________",
            styles()["body"],
        ),
        Spacer(1, 10),
        Paragraph(
            "Received by: ______________________________ (name, agency)      Date: ______________",
            styles()["body"],
        ),
    ]
    return build_pdf(meta, story)
