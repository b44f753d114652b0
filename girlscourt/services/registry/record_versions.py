"""The current version number of an open record, for desks to notice another desk's save.

A version number says nothing about the youth, so asking for it is not audited (an open record
page asks every few seconds); re-reading the record itself is, as always.
"""

from __future__ import annotations

from sqlalchemy import select

from girlscourt.db.models import Youth
from girlscourt.domain.permissions import Action
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing


def youth_version(core: Core, actor: Actor, youth_id: int) -> int:
    """The youth record's version now (0: no such record any more)."""
    core.require(actor, Action.YOUTH_VIEW, record_kind="youth", record_id=youth_id)
    query = select(Youth.version).where(Youth.id == youth_id)
    if not actor.may(Action.SEALED_ACCESS):  # a sealed youth is no such record, here too
        query = query.where(sealing.visible_youth_filter(Youth.id))
    with core.read() as session:
        version = session.execute(query).scalar_one_or_none()
    return int(version or 0)
