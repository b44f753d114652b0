"""The composition of database, settings and clock that every service works over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from girlscourt.config import Settings, defaults
from girlscourt.db.base import utcnow
from girlscourt.db.engine import workstation_name
from girlscourt.db.session import Database
from girlscourt.domain.permissions import Action, Role, allowed
from girlscourt.errors import PermissionDenied
from girlscourt.services import audit_log

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Actor:
    """A signed-in user, as the services see them."""

    user_id: int
    username: str
    display_name: str
    role: Role

    def may(self, action: Action) -> bool:
        """Whether this actor's role allows ``action``."""
        return allowed(self.role, action)


@dataclass
class Core:
    """What every service needs: where the data is, the settings, the clock, the workstation."""

    db: Database
    settings: Settings = field(default_factory=defaults)
    clock: Clock = utcnow
    workstation: str = field(default_factory=workstation_name)

    def now(self) -> dt.datetime:
        """The current time in UTC (injectable for tests)."""
        return self.clock()

    def today(self) -> dt.date:
        """Today's date in the county's time zone."""
        return self.now().astimezone(self.settings.timezone).date()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (rows and their audit event commit together)."""
        with self.db.session(write=True) as session:
            yield session

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
            fallback_now=self.now(),
        )

    def require(
        self,
        actor: Actor,
        action: Action,
        *,
        record_kind: str | None = None,
        record_id: int | None = None,
    ) -> None:
        """Refuse (and audit the refusal in its own transaction) unless the role allows it."""
        if actor.may(action):
            return
        with self.write() as session:
            self.audit(
                session,
                actor,
                str(action),
                record_kind=record_kind,
                record_id=record_id,
                outcome="denied",
            )
        raise PermissionDenied(f"{actor.username} ({actor.role.value}) may not {action.value}")
