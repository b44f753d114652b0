"""The clerk's docket on paper: initials and internal copies, public list, transport list."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from girlscourt.domain.hearing_rules import long_date
from girlscourt.printing.base import (
    FONT_CONDENSED,
    FONT_CONDENSED_BOLD,
    DocumentMeta,
    build_pdf,
    styles,
    text,
)
from girlscourt.readmodels.department_record import DepartmentRecord
from girlscourt.readmodels.docket import Docket, DocketRow, PublicCalendar, TransportList

INITIALS, INTERNAL, PUBLIC = "initials", "internal", "public"
VARIANTS = (INITIALS, INTERNAL, PUBLIC)

_INK = colors.HexColor("#1f3a5f")
_RULE = colors.HexColor("#9aa5b1")
_SHADE = colors.HexColor("#eef1f5")
_OVER = colors.HexColor("#a8071a")
_CAPTION_BG = colors.HexColor("#dde4ee")

VARIANT_LINES = {
    INITIALS: "Initials copy: minors shown by first name and last initial (CRC 8.401 convention)",
    INTERNAL: "INTERNAL COPY – full names – court and probation staff only; do not post or share",
    PUBLIC: "Public posting list (Welf. & Inst. Code §676): only hearings open to the public",
}


@dataclass(frozen=True)
class _Column:
    """A table column; a ``plain`` cell is short fixed text drawn without Paragraph layout."""

    title: str
    width: float  # points
    cell: Callable[[DocketRow], str]  # Paragraph markup (already escaped), or plain text
    plain: bool = False
    bold: bool = False


def _people(name: str | None, kind: str | None = None) -> str:
    if not name:
        return ""
    return text(name) + (f" <font size=7>({text(kind)})</font>" if kind else "")


def _custody(row: DocketRow) -> str:
    return row.custody_status + ("\ntransport" if row.transport_needed else "")


def _deadline(row: DocketRow) -> str:
    flag = row.deadline
    if flag is None:
        return ""
    words = text(flag.text[:1].upper() + flag.text[1:])
    if flag.over:
        return f'<font color="#a8071a"><b>{words}<br/>OVER</b></font>'
    if flag.day >= flag.of - 2:
        return f"<b>{words}</b>"
    return words


def _hearing(row: DocketRow) -> str:
    return f"<b>{text(row.hearing_type)}</b><br/><font size=7>{text(row.hearing_label)}</font>"


def _case(row: DocketRow) -> str:
    """The case number, and the petition (its suffix when it repeats the case number)."""
    cell = text(row.case_number)
    petition = row.petition_number
    if not petition:
        return cell
    if petition.startswith(row.case_number) and len(petition) > len(row.case_number):
        petition = petition[len(row.case_number) :].lstrip("-–/ ") or petition
    return cell + f"<br/><font size=7>pet. {text(petition)}</font>"


DOCKET_COLUMNS: tuple[_Column, ...] = (
    _Column("Time", 30, lambda r: f"{r.scheduled_at:%H:%M}", plain=True, bold=True),
    _Column("Dept", 26, lambda r: r.department_code, plain=True),
    _Column("Case no.", 58, _case),
    _Column("Minor", 84, lambda r: f"<b>{text(r.minor)}</b>"),
    _Column("Hearing", 38, lambda r: r.hearing_type, plain=True, bold=True),
    _Column("Custody", 40, _custody, plain=True, bold=True),
    _Column("Judge", 62, lambda r: _people(r.judicial_officer)),
    _Column("DA", 62, lambda r: _people(r.prosecutor)),
    _Column("Defence", 80, lambda r: _people(r.defence_counsel, r.defence_type)),
    _Column("PO", 62, lambda r: _people(r.probation_officer)),
    _Column("Interp.", 50, lambda r: text(r.interpreter_language)),
    _Column("Deadline", 44, _deadline),
    _Column("GC", 18, lambda r: "GC" if r.girls_court else "", plain=True, bold=True),
    _Column("Notes", 66, lambda r: text(r.docket_notes)),
)


@functools.cache
def _cell_styles() -> dict[str, ParagraphStyle]:
    """Table cell styles that break at a name's own hyphens before splitting a word."""
    base = styles()
    return {
        name: ParagraphStyle(f"docket_{name}", parent=base[name], embeddedHyphenation=1)
        for name in ("cell", "cell_bold", "body", "label")
    }


def _legend(rows: Sequence[DocketRow]) -> Paragraph:
    """The hearing codes used on this docket, spelled out once under the table."""
    used = sorted({(r.hearing_type, r.hearing_label) for r in rows})
    words = "; ".join(f"<b>{text(code)}</b> {text(label)}" for code, label in used)
    extra = " · <b>IN</b> in custody, <b>HS</b> home supervision, <b>OUT</b> out of custody"
    extra += " · <b>GC</b> Girls Court · Deadline: judicial days (detained) or calendar days"
    return Paragraph(f"Hearing codes: {words}{extra}", styles()["small"])


def _base_style(header_rows: int) -> list[tuple[object, ...]]:
    return [
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), _CAPTION_BG),
        ("BACKGROUND", (0, 1), (-1, header_rows - 1), _INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, header_rows - 1), (-1, -1), 0.4, _RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, _INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]


def _header_cells(titles: Sequence[str], style: str = "cell_bold") -> list[Paragraph]:
    sheet = _cell_styles()[style]
    return [Paragraph(f'<font color="white">{text(t)}</font>', sheet) for t in titles]


def _caption(line: str, columns: int, style: str = "label") -> list[object]:
    return [Paragraph(line, styles()[style])] + [""] * (columns - 1)


def _title_block(title: str, subtitle: str, variant_line: str, summary: str) -> list[Flowable]:
    sheet = styles()
    block: list[Flowable] = [
        Paragraph(text(title), sheet["title"]),
        Paragraph(f"<b>{subtitle}</b>", sheet["body"]),
        Paragraph(text(variant_line), sheet["small"]),
    ]
    if summary:
        block.append(Paragraph(summary, sheet["small"]))
    block.append(Spacer(1, 6))
    return block


def _department_line(department: DepartmentRecord | None, day_text: str) -> str:
    if department is None:
        return f"All departments · {text(day_text)}"
    room = f" ({text(department.courtroom)})" if department.courtroom else ""
    return f"Dept {text(department.code)} – {text(department.name)}{room} · {text(day_text)}"


def _summary(rows: Sequence[DocketRow]) -> str:
    """``12 hearings · 4 in custody (4 to transport) · 5 Girls Court · interpreters: ...``."""
    if not rows:
        return ""
    custody = sum(1 for r in rows if r.custody_status == "IN")
    transport = sum(1 for r in rows if r.transport_needed)
    languages: dict[str, int] = {}
    for r in rows:
        if r.interpreter_language:
            languages[r.interpreter_language] = languages.get(r.interpreter_language, 0) + 1
    parts = [
        f"{len(rows)} hearing{'s' if len(rows) != 1 else ''}",
        f"{custody} in custody ({transport} to transport)",
        f"{sum(1 for r in rows if r.girls_court)} Girls Court",
    ]
    if languages:
        parts.append("interpreters: " + ", ".join(f"{k} {v}" for k, v in sorted(languages.items())))
    markup = " · ".join(text(p) for p in parts)
    over = sum(1 for r in rows if r.deadline and r.deadline.over)
    if over:
        markup += f' · <font color="#a8071a"><b>{over} past the statutory limit</b></font>'
    return markup


def _table(
    caption: str,
    columns: Sequence[_Column],
    rows: Sequence[DocketRow],
    cell_style: str = "cell",
) -> Table:
    sheet = _cell_styles()[cell_style]
    data: list[list[object]] = [
        _caption(caption, len(columns)),
        _header_cells([c.title for c in columns]),
    ]
    for row in rows:
        cells: list[object] = []
        for column in columns:
            value = column.cell(row)
            cells.append(value if column.plain or not value else Paragraph(value, sheet))
        data.append(cells)
    table = Table(data, colWidths=[c.width for c in columns], repeatRows=2)
    style = _base_style(2)
    for index, column in enumerate(columns):
        if column.plain:
            font = FONT_CONDENSED_BOLD if column.bold else FONT_CONDENSED
            style += [
                ("FONTNAME", (index, 2), (index, -1), font),
                ("FONTSIZE", (index, 2), (index, -1), sheet.fontSize),
                ("LEADING", (index, 2), (index, -1), sheet.leading),
            ]
    style += [("BACKGROUND", (0, i), (-1, i), _SHADE) for i in range(3, len(data), 2)]
    table.setStyle(TableStyle(style))
    return table


def _sections(found: Docket) -> list[tuple[DepartmentRecord | None, list[DocketRow]]]:
    """One section per department (a chosen department prints even when empty)."""
    if found.department is not None:
        return [(found.department, list(found.rows))]
    sections = [(d, [r for r in found.rows if r.department_id == d.id]) for d in found.departments]
    return [s for s in sections if s[1]] or [(None, [])]


def docket_story(found: Docket, variant: str) -> list[Flowable]:
    """The docket's flowables: per department, a title block and a table whose two header rows
    (department and date, then the column titles) repeat on every page."""
    day_text = long_date(found.day)
    story: list[Flowable] = []
    for index, (department, rows) in enumerate(_sections(found)):
        if index:
            story.append(PageBreak())
        line = _department_line(department, day_text)
        story += _title_block("Juvenile Court docket", line, VARIANT_LINES[variant], _summary(rows))
        caption = f"{line} · {'internal copy' if variant == INTERNAL else 'initials copy'}"
        if rows:
            story.append(_table(caption, DOCKET_COLUMNS, rows))
            story.append(Spacer(1, 4))
            story.append(_legend(rows))
        else:
            story.append(Paragraph("No hearings are on calendar.", styles()["body"]))
    return story


def render_docket(found: Docket, meta: DocumentMeta, variant: str) -> bytes:
    """The initials or internal docket as a landscape PDF."""
    if variant not in (INITIALS, INTERNAL):
        raise ValueError(f"render_docket prints the initials or internal variant, not {variant!r}")
    if (variant == INTERNAL) != found.full_names:
        raise ValueError("the docket's names do not match the variant")
    return build_pdf(meta, docket_story(found, variant))


def render_public(calendar: PublicCalendar, meta: DocumentMeta) -> bytes:
    """The WIC 676 posting list: time, department, courtroom, hearing; no names, no case numbers."""
    sheet = styles()
    day_text = long_date(calendar.day)
    story: list[Flowable] = _title_block(
        "Open hearings – public calendar",
        _department_line(calendar.department, day_text),
        VARIANT_LINES[PUBLIC],
        "",
    )
    story.append(
        Paragraph(
            "Juvenile court hearings are closed to the public unless listed here. "
            "Names and case numbers are not shown.",
            sheet["small"],
        )
    )
    story.append(Spacer(1, 8))
    if not calendar.rows:
        story.append(Paragraph("No hearings open to the public are on calendar.", sheet["body"]))
        return build_pdf(meta, story)
    body = _cell_styles()["body"]
    widths = [1.1 * inch, 1.2 * inch, 3.4 * inch, 1.9 * inch, 2.4 * inch]
    data: list[list[object]] = [
        _caption(f"{_department_line(calendar.department, day_text)} · open hearings", 5),
        _header_cells(["Time", "Dept", "Department", "Courtroom", "Hearing"], "label"),
    ]
    for row in calendar.rows:
        data.append(
            [
                Paragraph(f"<b>{row.scheduled_at:%H:%M}</b>", body),
                Paragraph(text(row.department_code), body),
                Paragraph(text(row.department_name), body),
                Paragraph(text(row.courtroom), body),
                Paragraph(text(row.hearing_label), body),
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=2)
    style = _base_style(2)
    style += [("BACKGROUND", (0, i), (-1, i), _SHADE) for i in range(3, len(data), 2)]
    style += [("TOPPADDING", (0, 2), (-1, -1), 4), ("BOTTOMPADDING", (0, 2), (-1, -1), 5)]
    table.setStyle(TableStyle(style))
    story.append(table)
    return build_pdf(meta, story)


TRANSPORT_COLUMNS: tuple[_Column, ...] = (
    _Column("Time", 40, lambda r: f"{r.scheduled_at:%H:%M}", plain=True, bold=True),
    _Column("Dept", 40, lambda r: r.department_code, plain=True),
    _Column("Courtroom", 80, lambda r: text(r.courtroom)),
    _Column("Minor", 120, lambda r: f"<b>{text(r.minor)}</b>"),
    _Column("Housing unit", 80, lambda r: text(r.housing_unit)),
    _Column("Case no.", 80, _case),
    _Column("Hearing", 110, _hearing),
    _Column("Interpreter", 70, lambda r: text(r.interpreter_language)),
    _Column("Picked up / returned", 100, lambda r: ""),
)


def render_transport(transport: TransportList, meta: DocumentMeta) -> bytes:
    """The JJC's in-custody transport list for a day, by time, with a column to sign off."""
    variant = INTERNAL if transport.full_names else INITIALS
    day_text = long_date(transport.day)
    rows = list(transport.rows)
    summary = f"{len(rows)} youth to transport" if rows else ""
    story = _title_block(
        "In-custody transport list – Juvenile Justice Center",
        text(day_text),
        VARIANT_LINES[variant],
        text(summary),
    )
    if rows:
        copy = "internal copy" if transport.full_names else "initials copy"
        caption = f"Transport · {text(day_text)} · {copy}"
        table = _table(caption, TRANSPORT_COLUMNS, rows, "cell")
        table.setStyle(
            TableStyle(
                [("TOPPADDING", (0, 2), (-1, -1), 5), ("BOTTOMPADDING", (0, 2), (-1, -1), 9)]
            )
        )
        story.append(table)
    else:
        story.append(Paragraph("No youth in custody are on calendar.", styles()["body"]))
    return build_pdf(meta, story)
