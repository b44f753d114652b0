"""Restriction reviews: what to act on, soonest first, the record one key away; the unit list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.db.models import AuditEvent, CustodyEpisode
from girlscourt.domain.restriction_rules import RestrictionInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.restrictions import restrictions
from ui.context import AppContext
from ui.pages.restriction_reviews_page import RestrictionReviewsPage

from .conftest import add_youth, save_copy


class Opened:
    """A stand-in navigator that remembers which record was asked for."""

    def __init__(self) -> None:
        self.youth_ids: list[int] = []

    def open_youth(self, youth_id: int) -> object:
        self.youth_ids.append(youth_id)
        return None


def test_reviews_due_soonest_first_and_enter_opens_the_record(
    qtbot: QtBot, core: Core, officer: Actor, context: AppContext, tmp_path: Path
) -> None:
    today = core.today()
    zoe = add_youth(core, officer, "Zoë", "O’Brien", "2011-04-18").id
    ana = add_youth(core, officer, "Ana", "Ashbrook", "2010-02-01").id
    with core.write() as session:  # Zoë is detained on unit B-East
        session.add(
            CustodyEpisode(
                youth_id=zoe,
                custody_start_at=core.now() - dt.timedelta(hours=3),
                housing_unit="B-East",
            )
        )
    base = {"channels": ("visit", "phone"), "basis": "mdt_safety_plan"}
    restrictions.add_restriction(
        core,
        officer,
        RestrictionInput(zoe, "Marcus Talford", review_on=today + dt.timedelta(days=3), **base),
    )
    restrictions.add_restriction(
        core,
        officer,
        RestrictionInput(ana, "Dion Preble", review_on=today + dt.timedelta(days=20), **base),
    )
    opened = Opened()
    page = RestrictionReviewsPage(context, opened)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.show()
    shown = [
        tuple(page.model.index(r, c).data() for c in (0, 1, 2, 4))
        for r in range(page.model.rowCount())
    ]
    # Both await a supervisor's approval and owe their Title 15 notices from today; Marcus's
    # review is in 3 days. Dion's review (20 days) is beyond the default look-ahead of 14 days.
    assert shown == [
        ("Supervisor approval", "Z.O.", "Marcus Talford", "today"),
        ("Title 15 notice owed", "Z.O.", "Marcus Talford", "today"),
        ("Supervisor approval", "A.A.", "Dion Preble", "today"),
        ("Title 15 notice owed", "A.A.", "Dion Preble", "today"),
        ("Review due", "Z.O.", "Marcus Talford", "in 3 days"),
    ]
    assert page.count.text().startswith("5 to act on as of")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.within.setValue(30)
    assert ("Review due", "A.A.", "Dion Preble", "in 20 days") in [
        tuple(page.model.index(r, c).data() for c in (0, 1, 2, 4))
        for r in range(page.model.rowCount())
    ]

    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.youth_ids == [zoe]

    # The unit list: only units holding a youth now; the preview's saved copy is audited.
    assert [page.unit.itemText(i) for i in range(page.unit.count())] == ["B-East"]
    with qtbot.waitSignal(page.preview_opened, timeout=10_000) as shown_preview:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    preview = shown_preview.args[0]
    assert preview.document.pageCount() >= 1
    target = tmp_path / "unit.pdf"
    save_copy(qtbot, preview, target)
    with core.read() as session:
        saves = session.query(AuditEvent.detail).filter(AuditEvent.action == "document.save").all()
    assert [s[0] for s in saves] == [f"restriction_list {preview.document_id}"]
    preview.reject()
