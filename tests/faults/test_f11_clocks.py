"""F11: clocks (RELIABILITY.md (b); requirements 5, 9, 11 and 21).

Every clock here is injected: the services' (``core.clock``), the screen lock's (it reads the
same), and on SQLite the "server's" (this machine's, patched in ``audit_log``). Where the
server's clock is the truth (``users.created_at``, audit times), a test that moves the
services' clock moves those rows too. The nights are the US changes: 2026-11-01 01:30 Pacific
happens twice, 2027-03-14 02:30 Pacific never happens.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text, update

from girlscourt.config import defaults
from girlscourt.db.models import AuditEvent, User
from girlscourt.errors import ConfigurationError, LoginFailed
from girlscourt.services.kernel import audit_log
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts, session_security
from tests.faults.fault_table import FaultTable

FAULT = "F11 clocks"
PACIFIC = ZoneInfo("America/Los_Angeles")
RIGHT = "river stones at dawn"
WRONG = "not the password at all"
FALL_BACK = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)  # 01:00 PDT; 09:00Z is 01:00 PST
SPRING_FORWARD = dt.datetime(2027, 3, 14, 10, 0, tzinfo=dt.UTC)  # 02:00 PST is 03:00 PDT


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, now: dt.datetime) -> None:
        self.now = now


def minutes(start: dt.datetime, *offsets: float) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=m) for m in offsets]


@pytest.fixture
def clock(core: Core, admin: Actor) -> Clock:
    frozen = Clock(FALL_BACK - dt.timedelta(days=30))
    core.clock = frozen
    return frozen


def new_officer(core: Core, admin: Actor, clock: Clock, name: str, at: dt.datetime) -> int:
    """An officer created and last signed in at ``at``: the server-stamped rows moved there."""
    clock.set(at)
    made = accounts.create_user(core, admin, name, "intake_officer", RIGHT, name.title())
    with core.write() as session:
        session.execute(
            update(User).where(User.id == made.id).values(created_at=at, last_login_at=at)
        )
    return made.id


def user_row(core: Core, user_id: int) -> User:
    with core.read() as session:
        return session.execute(select(User).where(User.id == user_id)).scalar_one()


# -- the lockout window (requirement 5): 5 failures within 15 minutes, counted in real time ----

LOCKOUT_CASES = {
    # name: (failure times, locked?)
    "5 within 12 min": (minutes(FALL_BACK - dt.timedelta(days=2), 0, 3, 6, 9, 12), True),
    "5 spread over 16 min": (minutes(FALL_BACK - dt.timedelta(days=2), 0, 4, 8, 12, 16), False),
    # 01:48, 01:51, 01:54, 01:57 PDT, then 01:00 PST: the wall clock went back, 12 real minutes.
    "over the fall-back hour": (minutes(FALL_BACK, 48, 51, 54, 57, 60), True),
    # 01:40-01:46 PDT and 01:41 PST: one wall minute apart, 61 real minutes apart.
    "the repeated 01:4x hour": (minutes(FALL_BACK, 40, 42, 44, 46, 101), False),
    # 01:55, 01:58 PST, 03:01, 03:04, 03:07 PDT: 72 wall minutes, 12 real ones.
    "over the spring-forward gap": (minutes(SPRING_FORWARD, -5, -2, 1, 4, 7), True),
}


@pytest.mark.parametrize("case", list(LOCKOUT_CASES))
def test_the_lockout_window_counts_real_minutes_across_dst(
    case: str, core: Core, admin: Actor, clock: Clock, fault_table: FaultTable
) -> None:
    times, locks = LOCKOUT_CASES[case]
    user_id = new_officer(core, admin, clock, "olu", times[0] - dt.timedelta(hours=1))
    for when in times:
        clock.set(when)
        with pytest.raises(LoginFailed):
            accounts.authenticate(core, "olu", WRONG)
    row = user_row(core, user_id)
    assert (row.locked_at is not None) is locks, [t.astimezone(PACIFIC) for t in times]
    clock.set(times[-1] + dt.timedelta(minutes=16))
    if locks:
        assert row.locked_at == times[-1]
        for later in (dt.timedelta(minutes=16), dt.timedelta(days=1)):  # no automatic unlock
            clock.set(times[-1] + later)
            with pytest.raises(LoginFailed) as failed:
                accounts.authenticate(core, "olu", RIGHT)
            assert str(failed.value) == accounts.SIGN_IN_FAILED  # still locked
    else:
        assert accounts.authenticate(core, "olu", RIGHT).user_id == user_id
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend=core.db.dialect)


# -- 90 days without a sign-in disable the account (requirement 9) ------------------------------


def test_ninety_days_unused_disable_the_account_across_the_spring_change(
    core: Core, admin: Actor, clock: Clock, fault_table: FaultTable
) -> None:
    start = dt.datetime(2026, 12, 20, 8, 0, tzinfo=dt.UTC)  # 00:00 PST; +90 days is past DST
    signed_in = new_officer(core, admin, clock, "olu", start)
    never = new_officer(core, admin, clock, "nova", start)
    with core.write() as session:  # nova never signed in: her 90 days count from creation
        session.execute(update(User).where(User.id == never).values(last_login_at=None))

    clock.set(start + dt.timedelta(days=90) - dt.timedelta(seconds=1))
    assert accounts.disable_inactive_accounts(core, admin) == ()

    clock.set(start + dt.timedelta(days=90))  # 90 days of 24 real hours: 01:00 PDT on the wall
    assert start.astimezone(PACIFIC).hour == 0 and clock.now.astimezone(PACIFIC).hour == 1
    done = accounts.disable_inactive_accounts(core, admin)
    assert {u.id for u in done} == {signed_in, never}
    assert user_row(core, signed_in).disabled_at == clock.now
    for name in ("olu", "nova"):
        with pytest.raises(LoginFailed) as failed:
            accounts.authenticate(core, name, RIGHT)
        assert str(failed.value) == accounts.SIGN_IN_FAILED
    with core.read() as session:
        disabled = session.execute(
            select(AuditEvent.record_id).where(AuditEvent.action == "user.disable")
        ).scalars()
        assert sorted(disabled) == sorted([signed_in, never])
    fault_table.record(FAULT, rounds=2, survived=2, lost=0, partial=0, backend=core.db.dialect)


def test_a_sign_in_just_before_the_ninetieth_day_keeps_the_account(
    core: Core, admin: Actor, clock: Clock
) -> None:
    start = dt.datetime(2026, 12, 14, 8, 0, tzinfo=dt.UTC)
    user_id = new_officer(core, admin, clock, "olu", start)
    clock.set(start + dt.timedelta(days=89, hours=23))
    accounts.authenticate(core, "olu", RIGHT)  # activity: the 90 days start again
    clock.set(start + dt.timedelta(days=170))
    assert accounts.disable_inactive_accounts(core, admin) == ()
    assert user_row(core, user_id).disabled_at is None


# -- audit times are the server's, in UTC, in the chain's order (requirement 21) ----------------


def server_now(core: Core) -> dt.datetime:
    with core.read() as session:
        if core.db.dialect == "postgresql":
            value = session.execute(text("SELECT clock_timestamp()")).scalar_one()
            assert isinstance(value, dt.datetime)
            return value.astimezone(dt.UTC)
    return dt.datetime.now(dt.UTC)


def audit_events(core: Core) -> list[AuditEvent]:
    with core.read() as session:
        return list(session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())


@pytest.mark.parametrize("skew", [dt.timedelta(hours=5), dt.timedelta(hours=-7)])
def test_a_skewed_client_clock_does_not_change_audit_times(
    skew: dt.timedelta, core: Core, admin: Actor, fault_table: FaultTable
) -> None:
    core.clock = lambda: dt.datetime.now(dt.UTC) + skew
    before = server_now(core)
    session_security.acknowledge_banner(core, "desk-user")
    accounts.create_user(core, admin, "skewed", "analyst", RIGHT, "Skewed Desk")
    after = server_now(core)
    fresh = [e for e in audit_events(core) if e.occurred_at >= before]
    assert [e.action for e in fresh] == ["login.banner_ack", "user.create"]
    for event in fresh:
        assert event.occurred_at.utcoffset() == dt.timedelta(0)
        assert before <= event.occurred_at <= after
        assert abs(event.occurred_at - core.now()) > abs(skew) - dt.timedelta(minutes=1)
    with core.read() as session:
        assert audit_log.verify_chain(session).ok
    fault_table.record(FAULT, rounds=1, survived=1, lost=0, partial=0, backend=core.db.dialect)


class ServerClock:
    """This machine's clock as SQLite's "server" sees it, stepped through a list of times."""

    def __init__(self, times: list[dt.datetime]) -> None:
        self.times = iter(times)

    def __call__(self) -> dt.datetime:
        return next(self.times)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_audit_times_through_both_dst_nights_stay_utc_and_in_chain_order(
    core: Core,
    admin: Actor,
    monkeypatch: pytest.MonkeyPatch,
    fault_table: FaultTable,
) -> None:
    server_times = [
        *minutes(FALL_BACK, 29, 30, 59, 60, 90, 119),  # 01:29 PDT … 01:30 PST … 01:59 PST
        *minutes(SPRING_FORWARD, -31, -1, 0, 30, 60),  # 01:29, 01:59 PST, 03:00, 03:30 PDT
    ]
    monkeypatch.setattr(audit_log, "utcnow", ServerClock(server_times))
    # The client's clock reads the wall times that are doubled or missing; it must not matter.
    client = [
        dt.datetime(2026, 11, 1, 1, 30, tzinfo=PACIFIC),  # fold 0: the first 01:30 (PDT)
        dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=PACIFIC),  # the second (PST)
        dt.datetime(2027, 3, 14, 2, 30, tzinfo=PACIFIC),  # does not exist
    ]
    first_new = audit_events(core)[-1].id
    for index in range(len(server_times)):
        moment = client[index % len(client)]
        core.clock = lambda moment=moment: moment
        session_security.acknowledge_banner(core, f"desk-{index}")
    events = [e for e in audit_events(core) if e.id > first_new]
    assert [e.occurred_at for e in events] == server_times  # the server's, to the microsecond
    assert all(e.occurred_at.utcoffset() == dt.timedelta(0) for e in events)
    assert all(a.occurred_at < b.occurred_at for a, b in itertools.pairwise(events))
    with core.read() as session:
        assert audit_log.verify_chain(session).ok
    # Shown in the county's time the doubled hour reads the same twice; the order is the UTC's.
    first, second = events[1].occurred_at, events[4].occurred_at  # 08:30Z and 09:30Z
    shown = [t.astimezone(PACIFIC) for t in (first, second)]
    assert [t.strftime("%H:%M %Z") for t in shown] == ["01:30 PDT", "01:30 PST"]
    gap = [t.astimezone(PACIFIC).strftime("%H:%M") for t in server_times[-4:-2]]
    assert gap == ["01:59", "03:00"]  # 02:30 never appears
    fault_table.record(
        FAULT, rounds=len(server_times), survived=len(events), lost=0, partial=0, backend="sqlite"
    )


# -- the screen lock (requirement 11): at its limit, never more than 30 minutes ------------------


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_screen_lock_holds_its_limit_across_dst_and_clock_steps(
    qtbot: QtBot, core: Core, officer: Actor, fault_table: FaultTable
) -> None:
    from tests.ui.conftest import drain_workers
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.screen_lock import IdleWatch

    clock = Clock(FALL_BACK + dt.timedelta(minutes=50))  # 01:50 PDT
    core.clock = clock
    core.settings = core.settings.with_overrides(idle_lock_minutes=30)  # the most allowed
    window = MainWindow(AppContext(core, officer))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    rounds = 0
    try:
        with qtbot.waitSignal(window.search_page.results_shown, timeout=5000):
            window.start()
        lock = window.screen_lock
        assert lock.limit == dt.timedelta(minutes=30)
        start = clock.now
        clock.set(start + dt.timedelta(minutes=29, seconds=59))  # 01:19:59 PST: wall went back
        assert not lock.watch.check() and not lock.locked
        clock.set(start + dt.timedelta(minutes=30))
        assert lock.watch.check() and lock.locked and lock.panel.isVisible()
        rounds += 1

        watch = IdleWatch(clock, lock.limit)  # the same watch, alone, for clock steps
        try:
            watch.start()
            clock.set(clock.now - dt.timedelta(hours=1))  # a clock set back an hour
            assert watch.check()  # the idle time is unknown: lock now, never an hour late
            watch.start()
            clock.set(clock.now - dt.timedelta(seconds=30))  # a small correction is tolerated
            assert not watch.check()
            clock.set(clock.now + dt.timedelta(hours=3))  # set forward: locks at once too
            assert watch.check()
            rounds += 3
        finally:
            watch.stop()
    finally:
        window.screen_lock.stop()
        window.close()
        drain_workers()
    fault_table.record(FAULT, rounds=rounds, survived=rounds, lost=0, partial=0, backend="sqlite")


def test_no_setting_lets_the_idle_lock_pass_thirty_minutes() -> None:
    for minutes_asked in (31, 60, 600, 10**9):
        with pytest.raises(ConfigurationError, match="idle_lock_minutes"):
            session_security.idle_limit(defaults().with_overrides(idle_lock_minutes=minutes_asked))
    assert session_security.idle_limit(defaults()) == dt.timedelta(minutes=15)
