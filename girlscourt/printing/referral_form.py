"""The printed referral form a provider can act on (DOMAIN.md 5.2), built from plain values.

Every user value goes through ``text()`` (escaped) and any value too long for a table cell is
moved out of the table into paragraphs that split across pages, so a 20,000-character narrative or
a 5,000-character unbroken token lays out instead of failing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from girlscourt.printing.base import DocumentMeta, build_pdf, styles, text

FORM_ID = "GC-REF-1"
FORM_VERSION = "2026.1"
CELL_LIMIT = 400  # characters; longer values leave the table (a table row cannot split)
CELL_LINES = 8
WIDTH = 7.5 * inch
_BOX = "\u2610"  # ballot box
_CHECKED = "\u2612"
_NAVY = colors.HexColor("#1f3a5f")
_TINT = colors.HexColor("#eef2f7")
_GRID = colors.HexColor("#9aa7b8")
_ALERT = colors.HexColor("#7a1020")


@dataclass(frozen=True)
class RestrictedPersonLine:
    """Someone who must not learn where the youth is."""

    name: str
    aliases: tuple[str, ...] = ()
    relationship: str | None = None


@dataclass(frozen=True)
class ConsentBlock:
    """The consent on file, as printed."""

    signer_role: str  # label, e.g. "Youth", "Parent"
    signer_name: str | None
    court_order_number: str | None
    legal_basis: str  # label with citation
    legal_basis_code: str
    scope: tuple[str, ...]  # labels
    recipient: str | None
    purpose: str
    information: str
    signed_on: dt.date
    expires_on: dt.date | None
    state: str  # valid, expired, revoked, not_yet
    part2: bool
    youth_cosigned: bool = False


@dataclass(frozen=True)
class ReferralFormData:
    """Everything the form prints; the service fills it, the form only lays it out."""

    referral_id: int
    provider_copy: bool
    issuing_agency: str
    youth_initials: str
    youth_id: int
    dob: dt.date
    age: int
    referral_type: str  # label
    receiving_agency: str
    urgency: str  # label
    due_at: dt.datetime  # aware, already in the county's time zone
    referring_officer: str
    youth_full_name: str | None = None  # printed only on the provider copy
    gender_identity: str | None = None
    pronouns: str | None = None
    primary_language: str | None = None
    interpreter_needed: bool = False
    case_numbers: tuple[str, ...] = ()
    custody_status: str = ""
    housing_unit: str | None = None
    caregivers: tuple[str, ...] = ()
    representative: str | None = None
    agency_phone: str | None = None
    agency_email: str | None = None
    agency_fax: str | None = None
    agency_hours: str | None = None
    reasons: tuple[str, ...] = ()
    reason_text: str | None = None
    status: str = ""
    screening_level: str | None = None
    screening_note: str | None = None  # instrument and date, never items
    restricted_persons: tuple[RestrictedPersonLine, ...] = ()
    youth_agrees_to_contact: bool | None = None
    consent: ConsentBlock | None = None
    lawful_exception: str | None = None
    exception_justification: str | None = None
    part2: bool = False
    part2_notice: str = ""
    revocation_statement: str = ""
    redisclosure_statement: str = ""
    referring_officer_user: str | None = None


Pair = tuple[str, object]


def _fits(value: str) -> bool:
    return len(value) <= CELL_LIMIT and value.count("\n") <= CELL_LINES


def _show(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return "; ".join(_show(v) for v in value)
    return str(value)


def _cell(value: str, style: str = "cell") -> Paragraph:
    return Paragraph(text(value), styles()[style])


@functools.cache
def _keep_styles() -> dict[str, ParagraphStyle]:
    """Headings that stay on the page of what they introduce, and the form's subtitle."""
    base = styles()
    made = {
        name: ParagraphStyle(f"referral_{name}", parent=base[name], keepWithNext=1)
        for name in ("heading", "label")
    }
    made["subtitle"] = ParagraphStyle(
        "referral_subtitle", parent=base["heading"], fontSize=12.5, leading=15, spaceBefore=0
    )
    return made


def _section(title: str) -> Paragraph:
    return Paragraph(text(title), _keep_styles()["heading"])


def _long(label: str, value: str) -> list[Flowable]:
    """A long value as its own paragraphs (one per line), free to split across pages."""
    st = styles()
    # Not keep-with-next: that would push the label and a many-page narrative to a fresh page.
    out: list[Flowable] = [CondPageBreak(0.7 * inch), Paragraph(text(label), st["label"])]
    for line in value.split("\n"):
        out.append(Paragraph(text(line), st["body"]) if line.strip() else Spacer(1, 4))
    return out


def _grid(pairs: Sequence[Pair], columns: int = 2) -> list[Flowable]:
    """Label/value pairs in a grid; values too long for a cell follow the grid in full."""
    overflow: list[tuple[str, str]] = []
    cells: list[Flowable] = []
    for label, raw in pairs:
        value = _show(raw)
        if not _fits(value):
            overflow.append((label, value))
            value = "(in full below)"
        cells += [_cell(label, "cell_bold"), _cell(value or "—")]
    per_row = 2 * columns
    while len(cells) % per_row:
        cells.append(_cell(""))
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    label_w = 1.15 * inch
    value_w = WIDTH / columns - label_w
    table = Table(rows, colWidths=[label_w, value_w] * columns, repeatRows=0)
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("BACKGROUND", (c, 0), (c, -1), _TINT) for c in range(0, per_row, 2)]
    table.setStyle(TableStyle(commands))
    out: list[Flowable] = [table]
    for label, value in overflow:
        out += [Spacer(1, 4), *_long(f"{label} (in full)", value)]
    return out


def _header(data: ReferralFormData, meta: DocumentMeta) -> list[Flowable]:
    st = styles()
    copy = (
        "PROVIDER COPY – contains the youth's full name"
        if data.provider_copy
        else "FILE COPY – initials only"
    )
    left = [
        Paragraph(text(data.issuing_agency), st["label"]),
        Paragraph("Referral for services", st["title"]),
        Paragraph(text(data.referral_type), _keep_styles()["subtitle"]),
        Paragraph(text(f"To: {data.receiving_agency}"), st["body"]),
    ]
    right = [
        Paragraph(text(f"Form {FORM_ID}, version {FORM_VERSION}"), st["cell_bold"]),
        Paragraph(text(f"Referral no. {data.referral_id}"), st["cell"]),
        Paragraph(text(f"Document {meta.document_id}"), st["cell"]),
        Paragraph(text(copy), st["cell_bold"]),
    ]
    table = Table([[left, right]], colWidths=[WIDTH - 2.3 * inch, 2.3 * inch])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (1, 0), (1, 0), 0.8, _NAVY),
                ("BACKGROUND", (1, 0), (1, 0), _TINT),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    urgency = Table(
        [
            [
                _cell(f"Urgency: {data.urgency}", "cell_bold"),
                _cell(f"First contact due by: {_show(data.due_at)}", "cell_bold"),
                _cell(f"Status: {data.status}", "cell"),
            ]
        ],
        colWidths=[WIDTH * 0.36, WIDTH * 0.40, WIDTH * 0.24],
    )
    urgency.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, _ALERT),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fbeef0")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    # The header's own values are short by construction but still user data: keep them bounded.
    header_values = (
        data.issuing_agency,
        data.receiving_agency,
        data.referral_type,
        data.urgency,
        data.status,
    )
    if not all(_fits(v) for v in header_values):
        return [
            *_long("From", data.issuing_agency),
            *_long("Referral for services", data.referral_type),
            *_long("To", data.receiving_agency),
            *right,
            *_grid([("Urgency", data.urgency), ("Due by", data.due_at), ("Status", data.status)]),
        ]
    return [table, Spacer(1, 6), urgency]


def _youth(data: ReferralFormData) -> list[Flowable]:
    name = data.youth_full_name if data.provider_copy else "(initials only on the file copy)"
    language = data.primary_language or ""
    interpreter = "Yes" if data.interpreter_needed else "No"
    if data.interpreter_needed and language:
        interpreter = f"Yes – {language}"
    custody = data.custody_status
    pairs: list[Pair] = [
        ("Name", name),
        ("Initials", data.youth_initials),
        ("Youth ID", data.youth_id),
        ("Case no.", data.case_numbers or "none on file"),
        ("Date of birth", data.dob),
        ("Age", data.age),
        ("Gender identity", data.gender_identity),
        ("Pronouns", data.pronouns),
        ("Preferred language", language),
        ("Interpreter needed", interpreter),
        ("Custody status", custody),
        ("Unit", data.housing_unit),
        ("Placement / caregiver", data.caregivers or "—"),
    ]
    return [_section("1. Youth"), *_grid(pairs)]


def _referral(data: ReferralFormData) -> list[Flowable]:
    st = styles()
    pairs: list[Pair] = [
        ("Referral type", data.referral_type),
        ("Receiving agency", data.receiving_agency),
        ("Designated contact", data.representative or "the agency's intake line"),
        ("Phone", data.agency_phone),
        ("Secure e-mail", data.agency_email),
        ("Secure fax", data.agency_fax),
        ("Hours", data.agency_hours),
        ("Urgency", data.urgency),
        ("Due by", data.due_at),
        ("Screening result", data.screening_level or "no screening on file"),
    ]
    out: list[Flowable] = [_section("2. Referral"), *_grid(pairs)]
    if data.screening_note:
        out += [Spacer(1, 2), Paragraph(text(data.screening_note), st["small"])]
    out.append(Spacer(1, 4))
    out.append(Paragraph("Reasons (coded)", _keep_styles()["label"]))
    for reason in data.reasons or ("none recorded",):
        out.append(Paragraph(f"•&nbsp;{text(reason)}", st["body"]))
    out.append(Spacer(1, 4))
    out += _long("Reason for referral", data.reason_text or "—")
    return out


def _safety(data: ReferralFormData) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [_section("3. Safety")]
    out.append(
        Paragraph(
            "<b>Do not tell these people where the youth is, or confirm that the youth is in "
            "your care:</b>",
            st["body"],
        )
    )
    if not data.restricted_persons:
        out.append(
            Paragraph(
                text(
                    "No person is recorded as barred from learning the youth's location. Ask "
                    "the referring officer before telling anyone where the youth is."
                ),
                st["body"],
            )
        )
    else:
        heads = ("Name", "Also known as", "Relationship to youth")
        rows: list[list[Flowable]] = [[_cell(h, "cell_bold") for h in heads]]
        spill: list[RestrictedPersonLine] = []
        for person in data.restricted_persons:
            aliases = ", ".join(person.aliases)
            values = (person.name, aliases, person.relationship or "")
            if all(_fits(v) for v in values):
                rows.append([_cell(v or "—") for v in values])
            else:
                spill.append(person)
        if len(rows) > 1:
            table = Table(rows, colWidths=[WIDTH * 0.36, WIDTH * 0.40, WIDTH * 0.24], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#fbeef0")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            out.append(table)
        for person in spill:
            out += _long("Name", person.name)
            if person.aliases:
                out += _long("Also known as", ", ".join(person.aliases))
            if person.relationship:
                out += _long("Relationship to youth", person.relationship)
    agrees = data.youth_agrees_to_contact
    yes = _CHECKED if agrees is True else _BOX
    no = _CHECKED if agrees is False else _BOX
    out += [
        Spacer(1, 4),
        Paragraph(
            text(f"Youth agreed to be contacted by this agency:  {yes} Yes   {no} No"), st["body"]
        ),
        Paragraph(
            text(
                "Safe contact method: arrange every contact through the referring officer "
                "below; never leave messages with family or callers who are not on file."
            ),
            st["body"],
        ),
    ]
    return out


def _signature_lines(labels: Sequence[str]) -> Table:
    rows = []
    for label in labels:
        rows.append([_cell(label, "cell_bold"), _cell(""), _cell("Date", "cell_bold"), _cell("")])
    table = Table(rows, colWidths=[2.2 * inch, 3.1 * inch, 0.5 * inch, 1.7 * inch])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 14),
            ]
        )
    )
    return table


def _signers(consent: ConsentBlock | None) -> list[str]:
    if consent is None:
        return ["Signature of youth", "Signature of parent or guardian"]
    if consent.legal_basis_code in {"COURT_ORDER", "JV220"}:
        return []
    if consent.legal_basis_code == "PARENT":
        lines = ["Signature of parent or guardian"]
        if consent.part2:
            lines.append("Signature of youth (42 CFR Part 2)")
        return lines
    return ["Signature of youth"]


def _consent(data: ReferralFormData) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [_section("4. Consent and release of information")]
    consent = data.consent
    if consent is None:
        missing = (
            "No consent is on file: this referral relies on the lawful exception below. Ask "
            "the youth to sign when it is safe to do so."
            if data.lawful_exception
            else "No consent is on file yet. The referral is not sent until a consent is "
            "signed, or a lawful exception is recorded."
        )
        out.append(Paragraph(text(missing), st["body"]))
    else:
        who = consent.signer_role
        if consent.signer_name:
            who = f"{who}: {consent.signer_name}"
        state = {"valid": "In force", "expired": "EXPIRED", "revoked": "REVOKED"}.get(
            consent.state, "Not yet in force"
        )
        pairs: list[Pair] = [
            ("Consent given by", who),
            ("Legal basis", consent.legal_basis),
            ("Court order no.", consent.court_order_number or "—"),
            ("Status", state),
            ("Covers", consent.scope),
            ("Released to", consent.recipient),
            ("Purpose", consent.purpose),
            ("Signed on", consent.signed_on),
            ("Expires", consent.expires_on or "when the court order ends"),
            ("42 CFR Part 2", "Yes – separate Part 2 consent" if consent.part2 else "No"),
        ]
        grid = _grid(pairs)
        out = [KeepTogether([*out, grid[0]]), *grid[1:]]
        out += [Spacer(1, 3), *_long("Information to be released", consent.information or "—")]
    if data.lawful_exception:
        out += [
            Spacer(1, 4),
            Paragraph(
                f"<b>Lawful exception recorded:</b> {text(data.lawful_exception)}", st["body"]
            ),
        ]
        if data.exception_justification:
            out += _long("Justification", data.exception_justification)
    out += [
        Spacer(1, 4),
        Paragraph("<b>Revocation.</b> " + text(data.revocation_statement), st["small"]),
    ]
    out.append(Paragraph("<b>Re-disclosure.</b> " + text(data.redisclosure_statement), st["small"]))
    if data.part2:
        notice = Table(
            [
                [Paragraph("Notice required by 42 CFR §2.32", st["label"])],
                [Paragraph(text(data.part2_notice), st["small"])],
            ],
            colWidths=[WIDTH],
        )
        notice.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 1.2, _ALERT),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fff7f7")),
                ]
            )
        )
        out += [Spacer(1, 4), notice]
    signers = _signers(consent)
    block: list[Flowable] = []
    if signers:
        block.append(_signature_lines(signers))
    block.append(Spacer(1, 6))
    block.append(
        Paragraph(
            text(f"{_BOX} Youth declined to consent. Reason: " + "_" * 60),
            st["body"],
        )
    )
    out.append(KeepTogether(block))
    return out


def _officer(data: ReferralFormData) -> list[Flowable]:
    st = styles()
    name = data.referring_officer
    if data.referring_officer_user:
        name = f"{name} ({data.referring_officer_user})"
    blank = "_" * 22
    pairs: list[Pair] = [
        ("Referring officer", name),
        ("Badge no.", blank),
        ("Unit", blank),
        ("Phone", blank),
    ]
    return [
        KeepTogether(
            [
                _section("5. Referring officer"),
                *_grid(pairs),
                _signature_lines(
                    ["Signature of referring officer", "Supervisor approval (if required)"]
                ),
            ]
        ),
        Spacer(1, 8),
        Paragraph(
            text(
                f"Released only to {data.receiving_agency}"
                + (f" ({data.representative})" if data.representative else "")
                + ". Do not pass this form or its contents to anyone else, including other "
                "agencies, family members or callers, except as the statements above allow."
            ),
            st["small"],
        ),
    ]


def referral_story(data: ReferralFormData, meta: DocumentMeta) -> list[Flowable]:
    """The form's flowables, in order (exposed for tests and previews)."""
    return [
        *_header(data, meta),
        *_youth(data),
        *_referral(data),
        *_safety(data),
        *_consent(data),
        *_officer(data),
    ]


def build_referral_form(data: ReferralFormData, meta: DocumentMeta) -> bytes:
    """The referral form as PDF bytes (banner, Part 2 banner when it applies, page X of Y)."""
    return build_pdf(meta, referral_story(data, meta))
