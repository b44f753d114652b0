"""The minute order of one hearing: who appeared, what happened, and the court's orders (the
detention order with its WIC 636 findings, counts found, disposition orders, a continuance with
its ground). Printing defines its own input so it never reaches into the services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from girlscourt.printing.base import DocumentMeta, build_pdf, para

FORM_VERSION = "MO 2026.12"


@dataclass(frozen=True)
class MinuteOrder:
    """What the minute order prints, already in words."""

    court: str
    case_number: str
    petition_number: str | None
    minor: str
    hearing: str
    held_on: str
    department: str
    appearances: tuple[tuple[str, str], ...]
    outcome: str
    orders: tuple[str, ...]
    notes: str | None


def _facts(order: MinuteOrder) -> Table:
    rows = [
        [para("Case", "label"), para(order.case_number, "body")],
        [para("Petition", "label"), para(order.petition_number or "—", "body")],
        [para("Minor", "label"), para(order.minor, "body")],
        [para("Hearing", "label"), para(order.hearing, "body")],
        [para("Date and time", "label"), para(order.held_on, "body")],
        [para("Department", "label"), para(order.department, "body")],
    ]
    table = Table(rows, colWidths=[1.6 * 72, 5.8 * 72])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8c8c8")),
            ]
        )
    )
    return table


def _list(items: Sequence[str]) -> list[Flowable]:
    return [para(f"• {item}", "body") for item in items]


def minute_order_pdf(meta: DocumentMeta, order: MinuteOrder) -> bytes:
    """Lay out the minute order on Letter paper."""
    story: list[Flowable] = [
        para(order.court, "heading"),
        para("Minute order", "title"),
        _facts(order),
        para("Appearances", "heading"),
    ]
    story += _list([f"{role}: {name}" for role, name in order.appearances] or ["None recorded"])
    story += [para("Proceedings", "heading"), para(order.outcome, "body")]
    story += [para("Orders and findings", "heading")]
    story += _list(order.orders or ("No orders recorded with this hearing.",))
    if order.notes:
        story += [para("Notes", "heading"), para(order.notes, "body")]
    story += [Spacer(1, 36), para("Judicial officer: ______________________________", "body")]
    return build_pdf(meta, story)
