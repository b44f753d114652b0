"""What every page and dialog of a signed-in session needs: the core and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass

from girlscourt.domain.permissions import ROLE_LABELS, Action
from girlscourt.services.kernel.core import Actor, Core


@dataclass(frozen=True)
class AppContext:
    """The open core plus the signed-in actor, handed to each page instead of globals."""

    core: Core
    actor: Actor

    def may(self, action: Action) -> bool:
        """Whether the signed-in role allows ``action`` (the service checks again)."""
        return self.actor.may(action)

    @property
    def role_label(self) -> str:
        """The role as staff call it."""
        return ROLE_LABELS.get(self.actor.role, str(self.actor.role))
