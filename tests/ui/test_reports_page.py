"""The reports page on a small hand-built county: tables with charts, "*" for small cells, exports."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from girlscourt.db.models import CustodyEpisode
from girlscourt.readmodels.csec_report import CsecReport
from girlscourt.services.clocks import legal_deadlines
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts
from tests.db.test_csec_metrics import NOW, PERIOD, build_county
from ui.context import AppContext
from ui.models.report_table_model import SuppressedRole
from ui.pages.reports_page import ReportsPage


def analyst_context(core: Core, admin: Actor) -> AppContext:
    accounts.create_user(core, admin, "ana", "analyst", "analyst pass phrase 1", "Ana Lyst")
    return AppContext(core, accounts.authenticate(core, "ana", "analyst pass phrase 1"))


def test_report_shows_tables_charts_and_suppressed_cells(
    qtbot: QtBot, core: Core, admin: Actor, tmp_path: Path
) -> None:
    core.clock = lambda: NOW
    build_county(core, admin)
    with core.write() as session:  # the fixture writes episodes directly: store their deadlines
        episodes = session.execute(select(CustodyEpisode.id)).scalars().all()
        legal_deadlines.refresh(core, session, episode_ids=episodes)
    page = ReportsPage(analyst_context(core, admin))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.set_period(PERIOD.start, PERIOD.end)
    with qtbot.waitSignal(page.report_shown, timeout=10000) as shown:
        page.run()
    report: CsecReport = shown.args[0]
    assert report.suppressed and report.period == PERIOD
    assert page.blocks and len(page.blocks) == len(report.tables)
    charted = [b for b in page.blocks if b.chart_view is not None]
    assert charted, "at least one table has its chart beside it"
    chart = charted[0].chart_view
    assert chart is not None and chart.chart().series()
    # Court deadline compliance is a table with its chart, like the others.
    deadlines = next(b for b in page.blocks if b.model.table.key == "deadlines")
    assert deadlines.chart_view is not None and deadlines.chart_view.chart().series()
    rules = [r.key for r in deadlines.model.table.body]
    assert rules == ["WIC631", "WIC631b", "WIC632a", "WIC657", "WIC702"]
    assert deadlines.model.index(0, 5).data() == "*"  # 6 WIC 631 deadlines: under 11

    stars = []
    for block in page.blocks:
        model = block.model
        assert model.rowCount() == len(block.model.table.rows)
        for r in range(model.rowCount()):
            for c in range(1, model.columnCount()):
                index = model.index(r, c)
                if index.data(SuppressedRole):
                    stars.append(index)
    assert stars, "the small county has cells under the threshold"
    assert all(i.data() == "*" for i in stars)
    assert "fewer than 11" in stars[0].data(3)  # ToolTipRole

    target = tmp_path / "q1.csv"
    with qtbot.waitSignal(page.exported, timeout=10000) as done:
        page.export_to("csv", str(target))
    exported, path = done.args
    assert path == str(target) and target.read_bytes() == exported.content
    assert exported.document_id in page.message.text()

    target = tmp_path / "q1.json"
    with qtbot.waitSignal(page.exported, timeout=10000):
        page.export_to("json", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))


def test_reports_page_is_only_for_aggregate_roles(context: AppContext) -> None:
    from ui.pages.reports_page import REPORTS_FEATURE

    assert not REPORTS_FEATURE.allowed(context)  # an intake officer
