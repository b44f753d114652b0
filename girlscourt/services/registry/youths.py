"""The youth registry: register, edit, find and view a youth, each audited.

A youth whose every petition is sealed (WIC 786) is hidden from everyone but the sealed-records
custodian: she is left out of search, lists, counts and duplicate checks, and opening or editing
her record is refused as NotFound (and audited). The custodian sees her, flagged ``sealed``, and
must give a reason code to open the record; the reason is audited.

A read-only partner (DA, defender, advocate) finds, lists, counts and opens only the youth
assigned to her (``partner_access``); opening any other is refused and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from girlscourt.db.models import Youth, YouthAlias
from girlscourt.domain import sealing_rules
from girlscourt.domain.names import initials, tokens
from girlscourt.domain.permissions import Action
from girlscourt.domain.youth_rules import YouthInput, age_on, validate_youth
from girlscourt.errors import ConflictError, NotFound, ValidationError
from girlscourt.services.kernel import partner_scope, retry
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youth_search
from girlscourt.services.registry.youth_search import Candidate, SearchQuery
from girlscourt.services.security import sealing

SEARCH_LIMIT = 200
DUPLICATE_THRESHOLD = 80.0
_INPUT_FIELDS = [f.name for f in fields(YouthInput) if f.name != "aliases"]


@dataclass(frozen=True)
class YouthSummary:
    """A search-result row."""

    id: int
    legal_first_name: str
    legal_last_name: str
    preferred_name: str | None
    dob: dt.date
    aliases: tuple[str, ...]
    score: float
    sealed: bool = False  # only the custodian ever sees a sealed youth

    @property
    def display_name(self) -> str:
        """``Last, First`` with the preferred name in quotes when it differs."""
        name = f"{self.legal_last_name}, {self.legal_first_name}"
        if self.preferred_name and self.preferred_name != self.legal_first_name:
            name += f" “{self.preferred_name}”"
        return name


@dataclass(frozen=True)
class YouthRecord:
    """A youth's demographic record, with the version an edit must name."""

    id: int
    version: int
    data: YouthInput
    initials: str
    age: int
    created_at: dt.datetime
    updated_at: dt.datetime

    def summary(self) -> YouthSummary:
        """This record as a result row."""
        d = self.data
        return YouthSummary(
            self.id,
            d.legal_first_name,
            d.legal_last_name,
            d.preferred_name,
            d.dob,
            d.aliases,
            100.0,
        )


@dataclass(frozen=True)
class SearchPage:
    """Ranked results; ``truncated`` says more matched than were returned."""

    rows: tuple[YouthSummary, ...]
    truncated: bool


def _to_record(youth: Youth, aliases: list[str], today: dt.date) -> YouthRecord:
    data = YouthInput(
        **{name: getattr(youth, name) for name in _INPUT_FIELDS}, aliases=tuple(aliases)
    )
    return YouthRecord(
        id=youth.id,
        version=youth.version,
        data=data,
        initials=initials(youth.legal_first_name, youth.legal_last_name, youth.initials_override),
        age=age_on(youth.dob, today),
        created_at=youth.created_at,
        updated_at=youth.updated_at,
    )


def _aliases(session: Session, youth_id: int) -> list[str]:
    return list(
        session.execute(
            select(YouthAlias.alias).where(YouthAlias.youth_id == youth_id).order_by(YouthAlias.id)
        ).scalars()
    )


YOUTH_KIND = "youth"


def register_youth(
    core: Core, actor: Actor, data: YouthInput, *, operation_id: str | None = None
) -> YouthRecord:
    """Add a youth to the registry (callers show possible duplicates first).

    ``operation_id`` (a UUID generated once per registration, sent again on a retry) makes it
    exactly-once: a registration already committed under that id returns the same youth.
    """
    digest = retry.request_digest(data)
    return retry.apply_once(
        core,
        actor,
        YOUTH_KIND,
        operation_id,
        lambda op: _register_youth(core, actor, data, op, digest),
        lambda applied: _replay_registration(core, actor, applied.record_id),
        digest=digest,
    )


def _register_youth(
    core: Core, actor: Actor, data: YouthInput, operation_id: str, digest: str | None = None
) -> YouthRecord:
    core.require(actor, Action.YOUTH_CREATE)
    clean = validate_youth(data, core.today(), core.settings.youth_age_limits)
    with core.write() as session:
        youth = Youth(**{name: getattr(clean, name) for name in _INPUT_FIELDS})
        session.add(youth)
        session.flush()
        retry.record(session, operation_id, YOUTH_KIND, youth.id, actor, digest)
        session.add_all(YouthAlias(youth_id=youth.id, alias=a) for a in clean.aliases)
        youth_search.reindex(session, youth, clean.aliases)
        core.audit(session, actor, "youth.create", record_kind="youth", record_id=youth.id)
        session.flush()
        return _to_record(youth, list(clean.aliases), core.today())


def _replay_registration(core: Core, actor: Actor, youth_id: int) -> YouthRecord:
    """The youth a registration already committed under this operation id (its answer was
    lost on the way back); handing her record back again is audited as a replay."""
    core.require(actor, Action.YOUTH_CREATE)
    with core.write() as session:
        youth = session.get(Youth, youth_id)
        if youth is None:
            raise NotFound(f"youth {youth_id}: no such youth")
        core.audit(
            session,
            actor,
            "operation.replay",
            record_kind="youth",
            record_id=youth_id,
            detail=YOUTH_KIND,
        )
        return _to_record(youth, _aliases(session, youth_id), core.today())


def update_youth(
    core: Core, actor: Actor, youth_id: int, expected_version: int, data: YouthInput
) -> YouthRecord:
    """Save edits made to ``expected_version``; a newer saved version raises ConflictError."""
    core.require(actor, Action.YOUTH_EDIT, record_kind="youth", record_id=youth_id)
    clean = validate_youth(data, core.today(), core.settings.youth_age_limits)
    with core.write() as session:
        youth = sealing.visible_youth(
            core,
            session,
            actor,
            youth_id,
            action="youth.edit",
            unknown=lambda: NotFound(f"youth {youth_id}: no such youth"),
        )
        if youth.version != expected_version:
            core.audit(
                session,
                actor,
                "youth.edit",
                record_kind="youth",
                record_id=youth_id,
                outcome="conflict",
            )
            session.commit()
            raise ConflictError(
                f"youth {youth_id}: someone else saved this record (version {youth.version}) "
                f"after you opened it (version {expected_version}); nothing was overwritten",
                current_version=youth.version,
            )
        old = (
            session.execute(select(YouthAlias).where(YouthAlias.youth_id == youth_id))
            .scalars()
            .all()
        )
        if [a.alias for a in old] != list(clean.aliases):
            for alias in old:
                session.delete(alias)
            session.add_all(YouthAlias(youth_id=youth_id, alias=a) for a in clean.aliases)
        for name in _INPUT_FIELDS:
            setattr(youth, name, getattr(clean, name))
        youth.updated_at = core.now()  # always bump the version, even for an alias-only edit
        youth_search.reindex(session, youth, clean.aliases)
        core.audit(session, actor, "youth.edit", record_kind="youth", record_id=youth_id)
        session.flush()
        return _to_record(youth, list(clean.aliases), core.today())


def get_youth(
    core: Core, actor: Actor, youth_id: int, access_reason: str | None = None
) -> YouthRecord:
    """Open a youth's record; every view is audited.

    A sealed youth is NotFound for everyone but the custodian (the refusal is audited); the
    custodian must pass ``access_reason``, a code from ``sealing_rules.ACCESS_REASONS``.
    """
    core.require(actor, Action.YOUTH_VIEW, record_kind="youth", record_id=youth_id)
    custodian = actor.may(Action.SEALED_ACCESS)
    reason = sealing_rules.access_reason(access_reason) if access_reason is not None else None
    with core.write() as session:
        found = session.execute(
            select(Youth, sealing.sealed_flag(Youth.id)).where(Youth.id == youth_id)
        ).first()
        if found is None:
            raise NotFound(f"youth {youth_id}: no such youth")
        youth, sealed = found[0], bool(found[1])
        if not sealed or custodian:
            if sealed and reason is None:
                raise ValidationError(
                    "access_reason", "this record is sealed: give the reason for opening it"
                )
            detail = f"sealed access: {reason}" if sealed else None
            core.audit(
                session, actor, "youth.view", record_kind="youth", record_id=youth_id, detail=detail
            )
            return _to_record(youth, _aliases(session, youth_id), core.today())
    core.refuse(actor, "youth.view", record_kind="youth", record_id=youth_id, detail="sealed")
    raise NotFound(f"youth {youth_id}: no such youth")


def _summaries(
    query: SearchQuery, candidates: list[Candidate], sealed: set[int] | None = None
) -> list[YouthSummary]:
    rows = [
        YouthSummary(
            c.id,
            c.legal_first_name,
            c.legal_last_name,
            c.preferred_name,
            c.dob,
            c.aliases,
            youth_search.rank(query, c),
            sealed=sealed is not None and c.id in sealed,
        )
        for c in candidates
    ]
    rows.sort(
        key=lambda r: (-r.score, r.legal_last_name.casefold(), r.legal_first_name.casefold(), r.id)
    )
    return rows


def _scope(
    core: Core, actor: Actor
) -> Callable[[ColumnElement[int]], ColumnElement[bool] | None] | None:
    """A WHERE-clause builder for the search's id column: sealing for all but the custodian,
    and a partner's scope (None: neither applies). Both act before the candidate limit, so
    hidden youth neither crowd the visible ones out nor show as "more results"."""
    hide_sealed = not actor.may(Action.SEALED_ACCESS)
    if not hide_sealed and not actor.partner:
        return None

    def clause(column: ColumnElement[int]) -> ColumnElement[bool] | None:
        parts = [sealing.visible_youth_filter(column)] if hide_sealed else []
        if actor.partner:
            scoped = partner_scope.scope_filter(core, actor, column)
            if scoped is not None:
                parts.append(scoped)
        return and_(*parts) if parts else None

    return clause


def find_youths(core: Core, actor: Actor, text: str, limit: int = SEARCH_LIMIT) -> SearchPage:
    """As-you-type search; an empty query returns nothing (use ``list_youths`` to browse)."""
    core.require(actor, Action.YOUTH_SEARCH)
    query = youth_search.parse_query(text or "")
    if query.empty:
        return SearchPage((), False)
    with core.read() as session:
        candidates = youth_search.query_candidates(session, query, _scope(core, actor))
        sealed = sealing.sealed_youth_ids(session, [c.id for c in candidates])
    matched = len(candidates)
    if sealed and not actor.may(Action.SEALED_ACCESS):
        candidates = [c for c in candidates if c.id not in sealed]
    rows = _summaries(query, candidates, sealed)
    truncated = matched >= youth_search.CANDIDATE_LIMIT or len(rows) > limit
    shown = rows[:limit]
    with core.write() as session:  # RELIABILITY 16: searches are audited, never their names
        core.audit(session, actor, "youth.search", detail=_shown_detail(len(shown), truncated))
    return SearchPage(tuple(shown), truncated)


def _shown_detail(count: int, more: bool) -> str:
    """What a search audit says: how many youths were shown, never what was typed."""
    noun = "youth" if count == 1 else "youths"
    return f"{count} {noun} shown" + (", more not shown" if more else "")


def list_youths(core: Core, actor: Actor, offset: int, limit: int) -> tuple[YouthSummary, ...]:
    """A page of the whole registry in name order (for browsing with a lazy list)."""
    core.require(actor, Action.YOUTH_SEARCH)
    custodian = actor.may(Action.SEALED_ACCESS)
    statement = select(Youth.id)
    if not custodian:
        statement = statement.where(sealing.visible_youth_filter(Youth.id))
    scoped = partner_scope.scope_filter(core, actor, Youth.id)
    if scoped is not None:
        statement = statement.where(scoped)
    with core.read() as session:
        ids = list(
            session.execute(
                statement.order_by(Youth.legal_last_name, Youth.legal_first_name, Youth.id)
                .offset(offset)
                .limit(limit)
            ).scalars()
        )
        by_id = {c.id: c for c in youth_search.load_candidates(session, ids)}
        sealed = sealing.sealed_youth_ids(session, ids) if custodian else set()
    if ids:
        with core.write() as session:
            detail = f"rows {offset + 1}-{offset + len(ids)} of the registry shown"
            core.audit(session, actor, "youth.browse", detail=detail)
    empty = SearchQuery((), ())
    return tuple(_summaries(empty, [by_id[i]], sealed)[0] for i in ids)


def count_youths(core: Core, actor: Actor) -> int:
    """How many youths the registry holds (sealed ones count for the custodian only)."""
    core.require(actor, Action.YOUTH_SEARCH)
    statement = select(func.count(Youth.id))
    if not actor.may(Action.SEALED_ACCESS):
        statement = statement.where(sealing.visible_youth_filter(Youth.id))
    scoped = partner_scope.scope_filter(core, actor, Youth.id)
    if scoped is not None:
        statement = statement.where(scoped)
    with core.read() as session:
        return int(session.execute(statement).scalar_one())


def possible_duplicates(core: Core, actor: Actor, data: YouthInput) -> tuple[YouthSummary, ...]:
    """Youths who may already be this one: similar names in either order, aliases, same DOB."""
    core.require(actor, Action.YOUTH_SEARCH)
    full = SearchQuery(tuple(tokens(f"{data.legal_first_name} {data.legal_last_name}")), ())
    if not full.name_tokens:
        return ()
    queries = [full, SearchQuery((), (data.dob,))]
    if data.preferred_name:
        queries.append(
            SearchQuery(tuple(tokens(f"{data.preferred_name} {data.legal_last_name}")), ())
        )
    queries += [SearchQuery(tuple(tokens(a)), ()) for a in data.aliases if tokens(a)]
    with core.read() as session:
        ids: set[int] = set()
        for query in queries:
            statement = youth_search.candidate_ids_query(query, 200, _scope(core, actor))
            ids.update(session.execute(statement).scalars())
        sealed = sealing.sealed_youth_ids(session, ids)
        if sealed and not actor.may(Action.SEALED_ACCESS):
            ids -= sealed
        ranked = _summaries(full, youth_search.load_candidates(session, sorted(ids)), sealed)
    found = [
        r for r in ranked if r.score >= DUPLICATE_THRESHOLD or (r.dob == data.dob and r.score >= 60)
    ]
    return tuple(sorted(found, key=lambda r: (r.dob != data.dob, -r.score)))
