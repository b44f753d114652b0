"""An administrator is told when the password blocklist is older than a quarter (CJIS IA-5:
refreshed quarterly), by the core's clock: the warning is the product's, so no test turns red
merely because the calendar moved on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from girlscourt.cli.main import main
from girlscourt.db.base import utcnow
from girlscourt.domain import passwords
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts

PACIFIC = ZoneInfo("America/Los_Angeles")


def noon_on(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), PACIFIC).astimezone(dt.UTC)


def compiled() -> dt.date:
    day = accounts.blocklist_compiled_on()
    assert day is not None
    return day


def test_fresh_then_stale_with_its_date_for_administrators_only(
    core: Core, admin: Actor, officer: Actor
) -> None:
    core.clock = lambda: noon_on(compiled())
    assert accounts.blocklist_notice(core, admin) is None
    core.clock = lambda: noon_on(compiled() + dt.timedelta(days=passwords.BLOCKLIST_MAX_AGE_DAYS))
    assert accounts.blocklist_notice(core, admin) is None  # a quarter to the day: still fresh

    core.clock = lambda: noon_on(compiled() + dt.timedelta(days=93))
    notice = accounts.blocklist_notice(core, admin)
    assert notice is not None
    assert compiled().isoformat() in notice and "93 days ago" in notice
    assert "quarter" in notice
    assert accounts.blocklist_notice(core, officer) is None  # only administrators can act on it


def test_the_day_is_the_countys(core: Core, admin: Actor) -> None:
    """93 days later at 20:00 Pacific is already the next UTC day: the county's day counts."""
    late = dt.datetime.combine(compiled() + dt.timedelta(days=92), dt.time(20), PACIFIC).astimezone(
        dt.UTC
    )
    core.clock = lambda: late
    assert late.date() > (compiled() + dt.timedelta(days=92))
    assert accounts.blocklist_notice(core, admin) is None


def test_db_status_says_so_in_one_line(
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A CLI process takes the product's own clock; the list's date is moved instead."""
    county_today = utcnow().astimezone(PACIFIC).date()
    monkeypatch.setattr(accounts, "blocklist_compiled_on", lambda: county_today)
    assert main(["--database", db_url, "db", "status"]) == 0
    fresh = capsys.readouterr()
    assert "blocklist" not in fresh.out and fresh.err == ""

    old = county_today - dt.timedelta(days=120)
    monkeypatch.setattr(accounts, "blocklist_compiled_on", lambda: old)
    assert main(["--database", db_url, "db", "status"]) == 0
    stale = capsys.readouterr()
    (line,) = [x for x in stale.out.splitlines() if "blocklist" in x]
    assert line.startswith("warning: The password blocklist was compiled on ")
    assert old.isoformat() in line and "120 days ago" in line
    assert "status: up to date" in stale.out and stale.err == ""
