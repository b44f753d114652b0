"""The CJIS login banner gates the sign-in fields, and its acknowledgement is audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import audit_trail, session_security
from ui.dialogs.login_dialog import LoginDialog

SHOTS = Path("/tmp/sec-shots")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def save_shot(widget: object, name: str) -> None:
    """Keep a picture for review (best effort: the test does not depend on it)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def make_login(qtbot: QtBot, core: Core) -> LoginDialog:
    dialog = LoginDialog(core)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_banner_must_be_acknowledged_before_signing_in(
    qtbot: QtBot, core: Core, admin: Actor
) -> None:
    dialog = make_login(qtbot, core)
    assert dialog.banner.text() == session_security.login_banner()
    assert dialog.banner.isVisible()
    assert not dialog.username.isEnabled()
    assert not dialog.password.isEnabled()
    assert not dialog.sign_in_button.isEnabled()
    save_shot(dialog, "login-banner")

    with qtbot.waitSignal(dialog.banner_recorded, timeout=5000):
        qtbot.mouseClick(dialog.acknowledge_button, Qt.MouseButton.LeftButton)
    assert dialog.username.isEnabled() and dialog.password.isEnabled()
    assert dialog.sign_in_button.isEnabled()
    assert dialog.focusWidget() is dialog.username
    events = audit_trail.list_events(core, admin, limit=50).rows
    acks = [e for e in events if e.action == "login.banner_ack"]
    assert len(acks) == 1 and acks[0].user_id is None
    assert acks[0].detail is not None and acks[0].detail.startswith("os user ")


def test_the_banner_acknowledged_before_the_database_opens_is_audited_once_it_does(
    qtbot: QtBot, core: Core, admin: Actor
) -> None:
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.acknowledge_button, Qt.MouseButton.LeftButton)
    assert dialog.username.isEnabled() and not dialog.sign_in_button.isEnabled()
    with qtbot.waitSignal(dialog.banner_recorded, timeout=5000):
        dialog.set_core(core)
    events = audit_trail.list_events(core, admin, limit=50).rows
    assert [e.action for e in events].count("login.banner_ack") == 1
