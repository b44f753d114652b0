"""What every printed page shares: the embedded Unicode font, escaping, the confidentiality
banner, the document id, and "page X of Y".

Every user string goes through ``text()`` before it meets Paragraph markup, so a name such as
``<font size=90>X`` or ``<img src="/etc/passwd"/>`` prints literally instead of being obeyed.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from girlscourt.resources import resource

CONFIDENTIAL = (
    "CONFIDENTIAL – Juvenile record (Welf. & Inst. Code §827) – Do not copy or redistribute"
)
PUBLIC_BANNER = (
    "PUBLIC CALENDAR – hearings open to the public only (Welf. & Inst. Code §676) – no names"
)
PART2_BANNER = (
    "42 CFR Part 2 – This record is protected by federal confidentiality rules; "
    "further disclosure is prohibited without the written consent it permits"
)
FONT, FONT_BOLD, FONT_CONDENSED, FONT_CONDENSED_BOLD = (
    "GCSans", "GCSans-Bold", "GCSansCondensed", "GCSansCondensed-Bold"
)  # fmt: skip


@functools.cache
def register_fonts() -> None:
    """Embed DejaVu (shipped in resources/fonts) so Nguyễn, Zoë and O’Brien print right."""
    files = {
        FONT: "DejaVuSans.ttf",
        FONT_BOLD: "DejaVuSans-Bold.ttf",
        FONT_CONDENSED: "DejaVuSansCondensed.ttf",
        FONT_CONDENSED_BOLD: "DejaVuSansCondensed-Bold.ttf",
    }
    for name, filename in files.items():
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    pdfmetrics.registerFontFamily(
        FONT_CONDENSED,
        normal=FONT_CONDENSED,
        bold=FONT_CONDENSED_BOLD,
        italic=FONT_CONDENSED,
        boldItalic=FONT_CONDENSED_BOLD,
    )


def text(value: object) -> str:
    """Escape any user value for Paragraph markup; None prints as an empty string."""
    if value is None:
        return ""
    cleaned = "".join(c for c in str(value) if c in "\n\t" or ord(c) >= 32)
    return escape(cleaned).replace("\n", "<br/>")


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    """The few paragraph styles every document uses."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, splitLongWords=True)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "cell": ParagraphStyle(
            "cell", parent=body, fontName=FONT_CONDENSED, fontSize=8, leading=9.6
        ),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=body, fontName=FONT_CONDENSED_BOLD, fontSize=8, leading=9.6
        ),
        "label": ParagraphStyle("label", parent=body, fontName=FONT_BOLD, fontSize=8.5, leading=11),
        "title": ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=4
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            textColor=colors.HexColor("#1f3a5f"),
        ),
        "banner": ParagraphStyle(
            "banner", parent=body, fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_CENTER
        ),
    }


@dataclass(frozen=True)
class DocumentMeta:
    """What the header and footer of every page say."""

    title: str
    document_id: str
    printed_by: str
    printed_at: dt.datetime  # aware; shown in the county's time zone
    form_version: str = ""
    part2: bool = False
    landscape: bool = False
    public: bool = False  # the WIC 676 posting list: meant to be posted, so no "do not copy"

    @property
    def banner(self) -> str:
        """The line at the top and bottom of every page."""
        return PUBLIC_BANNER if self.public else CONFIDENTIAL


class _NumberedCanvas(pdf_canvas.Canvas):  # type: ignore[misc]  # ReportLab is untyped
    """Holds pages until the end so each footer can say "page X of Y"."""

    meta: DocumentMeta

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_frame(number, total)
            super().showPage()
        super().save()

    def _draw_frame(self, number: int, total: int) -> None:
        meta = self.meta
        width, height = self._pagesize
        self.saveState()
        self.setFillColor(colors.HexColor("#1f3a5f" if meta.public else "#7a1020"))
        self.rect(0.5 * inch, height - 0.55 * inch, width - inch, 0.26 * inch, stroke=0, fill=1)
        self.setFillColor(colors.white)
        self.setFont(FONT_BOLD, 8.5)
        self.drawCentredString(width / 2, height - 0.47 * inch, meta.banner)
        if meta.part2:
            self.setFillColor(colors.HexColor("#7a1020"))
            self.setFont(FONT_BOLD, 7)
            self.drawCentredString(width / 2, height - 0.68 * inch, PART2_BANNER)
        self.setFillColor(colors.black)
        self.setFont(FONT, 7.5)
        printed = meta.printed_at.strftime("%Y-%m-%d %H:%M %Z")
        left = f"{meta.title}  ·  document {meta.document_id}"
        if meta.form_version:
            left += f"  ·  form {meta.form_version}"
        right = f"printed by {meta.printed_by}, {printed}  ·  page {number} of {total}"
        gap = 12  # points between the two halves; when they would touch, stack them
        fits = self.stringWidth(left) + self.stringWidth(right) + gap <= width - inch
        self.drawString(0.5 * inch, 0.4 * inch if fits else 0.52 * inch, left)
        self.drawRightString(width - 0.5 * inch, 0.4 * inch, right)
        self.setFont(FONT_BOLD, 7)
        self.drawCentredString(width / 2, 0.24 * inch, meta.banner)
        self.restoreState()


def build_pdf(meta: DocumentMeta, story: Sequence[Flowable]) -> bytes:
    """Lay out ``story`` on Letter pages with the shared header and footer; return the PDF."""
    register_fonts()
    buffer = io.BytesIO()
    pagesize = landscape(LETTER) if meta.landscape else LETTER
    top = 0.95 * inch if meta.part2 else 0.8 * inch
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=top,
        bottomMargin=0.7 * inch,
        title=meta.title,
        author="Girls Court",
        subject=meta.banner,
        creator=f"Girls Court document {meta.document_id}",
    )

    def make_canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        made = _NumberedCanvas(*args, **kwargs)
        made.meta = meta
        return made

    document.build(list(story), canvasmaker=make_canvas)
    return buffer.getvalue()


def para(value: object, style: str = "body") -> Paragraph:
    """A paragraph of escaped user text."""
    return Paragraph(text(value), styles()[style])
