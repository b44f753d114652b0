"""The login banner (CJIS AC-8) and the screen lock rules (AC-11), for the desktop front end.

The GUI shows ``login_banner()`` and keeps the password field disabled until the user explicitly
acknowledges it, then calls ``acknowledge_banner``. It locks the window when ``lock_due`` says so
(or on demand), records the lock with ``record_screen_lock`` and unlocks only after
``accounts.verify_password``. The CLI, used for batch work, shows no banner.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import cache

from girlscourt.config import Settings
from girlscourt.errors import ConfigurationError, ValidationError
from girlscourt.resources import resource
from girlscourt.services.kernel.core import Actor, Core

BANNER_FILE = ("security", "login_banner.txt")
IDLE_LOCK_MAX_MINUTES = 30  # CJIS AC-11: at most 30 minutes of inactivity
IDLE_LOCK_DEFAULT_MINUTES = 15


@cache
def login_banner() -> str:
    """The system-use notice with its four required statements, shipped as data."""
    return resource(*BANNER_FILE).read_text(encoding="utf-8").strip()


def acknowledge_banner(core: Core, workstation_username: str) -> None:
    """Audit the acknowledgement (before anyone has signed in, so the event has no app user).

    ``workstation_username`` is the operating-system account at the keyboard; it is recorded so
    the acknowledgement says who, even before the app knows.
    """
    if not isinstance(workstation_username, str):
        raise ValidationError("workstation_username", "must be text")
    name = workstation_username.strip()
    if len(name) > 64:
        raise ValidationError("workstation_username", "must be at most 64 characters")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationError("workstation_username", "must not contain control characters")
    with core.write() as session:
        core.audit(
            session, None, "login.banner_ack", detail=f"os user {name}" if name else "os user ?"
        )


def idle_limit(settings: Settings) -> dt.timedelta:
    """How long without input before the screen locks (1–30 minutes, from the settings)."""
    minutes = settings["idle_lock_minutes"]
    if not isinstance(minutes, int) or not 1 <= minutes <= IDLE_LOCK_MAX_MINUTES:
        raise ConfigurationError(
            f"idle_lock_minutes: must be between 1 and {IDLE_LOCK_MAX_MINUTES} (CJIS AC-11), "
            f"not {minutes!r}"
        )
    return dt.timedelta(minutes=minutes)


CLOCK_STEP_BACK = dt.timedelta(minutes=1)  # a clock set back further than this locks at once


def lock_due(last_input_at: dt.datetime, now: dt.datetime, limit: dt.timedelta) -> bool:
    """True once ``limit`` has passed since the last input: at the limit, never before it.

    A clock set back (by hand or by a time server's step) would otherwise hold the lock off
    for as long as it moved: the idle time is unknown then, so the screen locks (fail-safe).
    """
    idle = now - last_input_at
    return idle >= limit or idle < -CLOCK_STEP_BACK


def record_screen_lock(core: Core, actor: Actor, *, manual: bool) -> None:
    """Audit that the screen locked (by hand or after the idle limit)."""
    with core.write() as session:
        core.audit(
            session,
            actor,
            "screen.lock",
            record_kind="user",
            record_id=actor.user_id,
            detail="manual" if manual else "idle",
        )
