"""The intake kept as a draft: how often, in which format, and how a kept one is offered."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from girlscourt.services.intake.intake_drafts import DraftView
from ui.formatting import format_timestamp

DRAFT_DELAY_MS = 1500  # autosave this long after the last edit
DRAFT_FORMAT = 1


def offer_text(others: Sequence[DraftView], tz: ZoneInfo) -> str:
    """The question on the draft bar about the newest of ``others`` (not empty)."""
    newest = others[0]
    youth = (newest.content.get("youth") or {}).get("name") or "no youth chosen yet"
    more = f" ({len(others) - 1} older draft{'s' if len(others) > 2 else ''} kept too)"
    return (
        f"An unfinished intake was kept: {youth}, last changed "
        f"{format_timestamp(newest.updated_at, tz)}. Resume it?" + (more if len(others) > 1 else "")
    )
