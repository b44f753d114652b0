"""Later events of a custody episode (petition filed, detention hearing, release, 631(b) approval):
recorded on the episode, and the clocks refreshed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from girlscourt.db.models import (
    CustodyEpisode,
)
from girlscourt.domain.intake_rules import (
    require_aware,
)
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConflictError, NotFound, ValidationError
from girlscourt.services.clocks import legal_deadlines
from girlscourt.services.codes.intake_codes import intake_codes
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

EPISODE_TIME_FIELDS = (
    "petition_filed_at",
    "detention_hearing_at",
    "jurisdiction_at",
    "released_at",
)


@dataclass(frozen=True)
class EpisodeEvents:
    """The later events of one custody episode, as the desk edits them (with the version to
    send back so a concurrent edit is caught)."""

    id: int
    youth_id: int
    version: int
    custody_start_at: dt.datetime
    petition_filed_at: dt.datetime | None
    detention_hearing_at: dt.datetime | None
    jurisdiction_at: dt.datetime | None
    released_at: dt.datetime | None
    release_type: str | None
    housing_unit: str | None


def episode_events(core: Core, actor: Actor, episode_id: int) -> EpisodeEvents:
    """Read an episode's later events for editing (audited; hidden like its sealed record)."""
    core.require(actor, Action.INTAKE_RECORD, record_kind="episode", record_id=episode_id)
    with core.write() as session:
        episode = session.get(CustodyEpisode, episode_id)
        if episode is None or (
            not actor.may(Action.SEALED_ACCESS)
            and sealing.youth_is_sealed(session, episode.youth_id)
        ):
            raise NotFound(f"episode {episode_id}: no such custody episode")
        core.audit(session, actor, "intake.view", record_kind="episode", record_id=episode_id)
        return EpisodeEvents(
            episode.id,
            episode.youth_id,
            episode.version,
            episode.custody_start_at,
            episode.petition_filed_at,
            episode.detention_hearing_at,
            episode.jurisdiction_at,
            episode.released_at,
            episode.release_type,
            episode.housing_unit,
        )


def update_episode(
    core: Core, actor: Actor, episode_id: int, expected_version: int, changes: Mapping[str, Any]
) -> int:
    """Record later events (petition filed, hearing held, release); returns the new version."""
    core.require(actor, Action.INTAKE_RECORD, record_kind="episode", record_id=episode_id)
    allowed = {*EPISODE_TIME_FIELDS, "release_type", "housing_unit", "review_631b_at"}
    for key, value in changes.items():
        if key not in allowed:
            raise ValidationError(key, "cannot be changed here")
        if isinstance(value, dt.datetime):
            require_aware(key, value)
    if (
        changes.get("released_at")
        and changes.get("release_type") not in intake_codes().release_types
    ):
        raise ValidationError("release_type", "choose how the youth was released")
    with core.write() as session:
        episode = session.get(CustodyEpisode, episode_id)
        if episode is None:
            raise NotFound(f"episode {episode_id}: no such custody episode")
        sealing.refuse_if_sealed(  # her episode goes with her (as in ``episode_events``)
            core,
            session,
            actor,
            episode.youth_id,
            action="intake.update",
            unknown=lambda: NotFound(f"episode {episode_id}: no such custody episode"),
            record_kind="episode",
            record_id=episode_id,
        )
        if episode.version != expected_version:
            raise ConflictError(
                f"episode {episode_id}: someone else saved it first",
                current_version=episode.version,
            )
        for key, value in changes.items():
            if (
                key in EPISODE_TIME_FIELDS
                and value is not None
                and value < episode.custody_start_at
            ):
                raise ValidationError(key, "is before custody started")
            setattr(episode, key, value)
        if "review_631b_at" in changes:
            episode.review_631b_by = actor.user_id
        core.audit(session, actor, "intake.update", record_kind="episode", record_id=episode_id)
        session.flush()
        legal_deadlines.refresh(core, session, episode_ids=[episode_id])
        return episode.version
