"""The intake kept on this workstation while the database is away: what the officer is told,
and the one keeper that writes the copy (``girlscourt.services.intake.recovery_drafts``) off the GUI
thread, always to the same draft, newest copy winning.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal

from girlscourt.services.intake import recovery_drafts
from girlscourt.services.intake.recovery_drafts import RecoveryDraft
from ui import workers
from ui.context import AppContext
from ui.formatting import format_timestamp

UNAVAILABLE_TEXT = (
    "Database unavailable — your entry is kept on this workstation. Try saving again when the "
    "connection is back."
)
MEMORY_ONLY_TEXT = (
    "Database unavailable — your entry is kept on this workstation, but only until the app "
    "closes: there is no secure keyring here to keep it on disk. Keep this window open and try "
    "saving again when the connection is back."
)
NOT_KEPT_TEXT = (
    "Database unavailable — your entry is still on screen, but it could not be kept on this "
    "workstation ({reason}). Keep this window open and try saving again when the connection "
    "is back."
)


def kept_status(draft: RecoveryDraft, tz: ZoneInfo) -> str:
    """The line by the Save button once a copy is kept."""
    when = format_timestamp(draft.saved_at, tz)
    where = "on this workstation" if draft.on_disk else "in memory (until the app closes)"
    return f"The database cannot be reached; your entry was kept {where} at {when}."


def recovery_offer_text(kept: Sequence[RecoveryDraft], tz: ZoneInfo) -> str:
    """The question on the draft bar about the newest of ``kept`` (not empty)."""
    newest = kept[0]
    youth = (newest.content.get("youth") or {}).get("name") or "no youth chosen yet"
    where = "on this workstation" if newest.on_disk else "in memory on this workstation"
    more = len(kept) - 1
    tail = f" ({more} more kept too)" if more else ""
    return (
        f"An intake that had not reached the database was kept {where}: {youth}, kept "
        f"{format_timestamp(newest.saved_at, tz)}. Resume it and save it again?{tail}"
    )


class RecoveryKeeper(QObject):
    """Writes the page's form to one recovery draft; ``kept`` or ``failed`` after each write.

    A write that has started finishes even if the page closes meanwhile, so closing the page
    during an outage still keeps the last copy asked for.
    """

    kept = Signal(object)  # RecoveryDraft
    failed = Signal(object)  # the error

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.draft_id: str | None = None  # the recovery draft this form goes to

    def keep(self, content: dict[str, Any], db_draft_id: int | None) -> None:
        """Keep ``content`` now (a copy taken later always wins over this one)."""
        if self.draft_id is None:
            self.draft_id = recovery_drafts.new_id()
        workers.run(
            recovery_drafts.save,
            self.context.core,
            self.context.actor,
            content,
            draft_id=self.draft_id,
            revision=time.monotonic_ns(),
            db_draft_id=db_draft_id,
            on_done=self._done,
            on_error=self.failed.emit,
            context=self,
        )

    def _done(self, draft: RecoveryDraft | None) -> None:
        if draft is not None and draft.id == self.draft_id:
            self.kept.emit(draft)

    def adopt(self, draft: RecoveryDraft) -> None:
        """Go on writing to ``draft`` (it was resumed)."""
        self.draft_id = draft.id

    def release(self) -> None:
        """Stop writing to the current draft and leave it kept (the form was emptied)."""
        self.draft_id = None

    def forget(self) -> None:
        """Remove the current draft: its entry is saved in the database now."""
        draft_id, self.draft_id = self.draft_id, None
        if draft_id is not None:
            self.discard(draft_id)

    def discard(
        self,
        draft_id: str,
        on_done: Callable[[object], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
    ) -> None:
        """Remove the recovery draft ``draft_id`` (a leftover one is offered again, never lost)."""
        workers.run(
            recovery_drafts.discard,
            self.context.core,
            self.context.actor,
            draft_id,
            on_done=on_done,
            on_error=on_error or (lambda _e: None),
            context=self,
        )
