"""The composition of database, settings and clock that every service works over."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from girlscourt.config import Settings, defaults
from girlscourt.db.base import utcnow
from girlscourt.db.engine import workstation_name
from girlscourt.db.session import Database
from girlscourt.domain.permissions import Action, Role, allowed, is_partner
from girlscourt.errors import PermissionDenied
from girlscourt.services.kernel import audit_anchor, audit_log, partner_scope

Clock = Callable[[], dt.datetime]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """A signed-in user, as the services see them."""

    user_id: int
    username: str
    display_name: str
    role: Role
    must_change_password: bool = False  # after an admin reset: only change_password is open

    def may(self, action: Action) -> bool:
        """Whether this actor's role allows ``action`` (nothing while a password change is due)."""
        return not self.must_change_password and allowed(self.role, action)

    @property
    def partner(self) -> bool:
        """A read-only partner (DA, defender, advocate): limited to the youth assigned to them."""
        return is_partner(self.role)


@dataclass
class Core:
    """What every service needs: where the data is, the settings, the clock, the workstation."""

    db: Database
    settings: Settings = field(default_factory=defaults)
    clock: Clock = utcnow
    workstation: str = field(default_factory=workstation_name)
    anchor_file: Path | None = None  # None: the data folder, one file per database

    def anchor_path(self) -> Path | None:
        """Where this workstation records the database's audit chain head (None: in memory)."""
        if self.anchor_file is None and not audit_anchor.ephemeral(self.db.target):
            self.anchor_file = audit_anchor.anchor_path(self.db.target)
        return self.anchor_file

    def now(self) -> dt.datetime:
        """The current time in UTC (injectable for tests)."""
        return self.clock()

    def today(self) -> dt.date:
        """Today's date in the county's time zone."""
        return self.now().astimezone(self.settings.timezone).date()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (rows and their audit event commit together).

        Once a transaction that appended audit events commits, the new chain head is recorded
        outside the database (``audit_anchor``); a rolled-back one records nothing.
        """
        with self.db.session(write=True) as session:
            session.info[_ANCHOR_KEY] = self._record_anchor
            yield session

    def _record_anchor(self, event_id: int, entry_hash: str, base: tuple[int, str] | None) -> None:
        path = self.anchor_path()
        if path is not None:
            audit_anchor.record_head(path, event_id, entry_hash, self.db.target.display, base)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session."""
        with self.db.session(write=False) as session:
            yield session

    def audit(
        self,
        session: Session,
        actor: Actor | None,
        action: str,
        *,
        record_kind: str | None = None,
        record_id: int | None = None,
        outcome: str = "ok",
        detail: str | None = None,
    ) -> None:
        """Append one audit event inside the caller's transaction."""
        audit_log.append(
            session,
            actor_id=actor.user_id if actor else None,
            workstation=self.workstation,
            action=action,
            record_kind=record_kind,
            record_id=record_id,
            outcome=outcome,
            detail=detail,
        )

    def require(
        self,
        actor: Actor,
        action: Action,
        *,
        record_kind: str | None = None,
        record_id: int | None = None,
    ) -> None:
        """Refuse (and audit the refusal in its own transaction) unless the role allows it.

        An actor whose password was reset by an administrator is refused everything until they
        choose a new one (``accounts.change_password``). A partner naming a record (a youth, or
        a record that belongs to one) is also refused unless assigned to that youth
        (``partner_scope.require_in_scope``): every service that names its record here is
        scoped without further code. Staff pay nothing for this (no query).
        """
        if actor.may(action):
            if actor.partner and record_id is not None:
                partner_scope.require_in_scope(self, actor, str(action), record_kind, record_id)
            return
        self.refuse(actor, str(action), record_kind=record_kind, record_id=record_id)
        if actor.must_change_password:
            raise PermissionDenied(
                f"{actor.username}: choose a new password before doing anything else"
            )
        raise PermissionDenied(f"{actor.username} ({actor.role.value}) may not {action.value}")

    def refuse(
        self,
        actor: Actor | None,
        action: str,
        *,
        record_kind: str | None = None,
        record_id: int | None = None,
        detail: str | None = None,
    ) -> None:
        """Audit a refusal in a transaction of its own (the refused work never commits)."""
        if detail is None and actor is not None and actor.must_change_password:
            detail = "password change required"
        with self.write() as session:
            self.audit(
                session,
                actor,
                action,
                record_kind=record_kind,
                record_id=record_id,
                outcome="denied",
                detail=detail,
            )


_ANCHOR_KEY = "girlscourt.audit_anchor"


@event.listens_for(Session, "after_commit")
def _anchor_after_commit(session: Session) -> None:
    """Record the chain head once the events that moved it are durable."""
    head: Any = session.info.pop(audit_log.PENDING_HEAD, None)
    base: Any = session.info.pop(audit_log.PENDING_BASE, None)
    writer = session.info.get(_ANCHOR_KEY)
    if head is None or writer is None:
        return
    try:
        writer(head[0], head[1], base)
    except Exception:  # the records are committed; never turn that into an error
        log.exception("audit anchor not recorded")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    """Events rolled back never happened: nothing to anchor."""
    session.info.pop(audit_log.PENDING_HEAD, None)
    session.info.pop(audit_log.PENDING_BASE, None)
