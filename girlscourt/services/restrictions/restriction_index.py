"""The in-memory restriction index each database keeps warm, brought up to date by change sequence,
so a desk check costs a look-up and not a table scan.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    ContactRestriction,
    CustodyEpisode,
)
from girlscourt.db.session import Database
from girlscourt.domain.contact_matching import (
    Match,
    Probe,
    RestrictedPerson,
    RestrictionIndex,
)
from girlscourt.domain.restriction_rules import (
    admission_block_effective,
)
from girlscourt.services.kernel.core import Core

DELTA_LIMIT = 5000  # changed rows kept as an overlay before every row is loaded again


# --------------------------------------------------------------------------- the index cache


@dataclass(frozen=True, slots=True)
class _Live:
    """One restriction as the desk needs it: its person for the index, the rest for judging."""

    restriction_id: int
    youth_id: int
    person: RestrictedPerson
    person_name: str
    channels: tuple[str, ...]
    starts_on: dt.date
    ends_on: dt.date | None
    lifted: bool
    approved: bool
    admission_blocked: bool
    withhold_location: bool
    change_seq: int


@dataclass(frozen=True, slots=True)
class _Rows:
    """Every restriction that can still apply (base), overlaid with every row changed since.

    ``seq``/``max_id`` say how current it is; rows changed after the base are in ``changed``
    (lifted and ended ones too, so the base's old version is never used).
    """

    base: Mapping[int, _Live]
    base_by_youth: Mapping[int, tuple[int, ...]]
    base_seq: int
    base_max_id: int
    changed: Mapping[int, _Live]
    changed_by_youth: Mapping[int, tuple[int, ...]]
    seq: int
    max_id: int

    def get(self, restriction_id: int) -> _Live | None:
        """The current version of a restriction (None: lifted or ended before the base)."""
        return self.changed.get(restriction_id) or self.base.get(restriction_id)

    def of_youth(self, youth_id: int) -> list[_Live]:
        """The current versions of a youth's restrictions."""
        rows = [self.base[r] for r in self.base_by_youth.get(youth_id, ()) if r not in self.changed]
        return rows + [self.changed[r] for r in self.changed_by_youth.get(youth_id, ())]

    def __len__(self) -> int:
        return len(self.base) + sum(1 for r in self.changed if r not in self.base)


@dataclass(frozen=True, slots=True)
class _Scoped:
    """An index over the restrictions of the youth in custody, plus the changes since it."""

    base_token: tuple[int, int]  # the _Rows base it was built from
    indexed: frozenset[int]  # the youth whose restrictions ``index`` holds
    youths: frozenset[int]  # those and the youth admitted since (their rows are in ``delta``)
    built: tuple[int, int]  # _Rows (seq, max_id) when ``index`` was built
    index: RestrictionIndex
    current: tuple[int, int]  # _Rows (seq, max_id) that ``delta`` brings it up to
    delta: RestrictionIndex
    stale: frozenset[int]  # restrictions whose entries in ``index`` are out of date

    def matches(self, probe: Probe) -> list[Match]:
        """Every match: from the index (minus stale entries) and from the delta."""
        found = [
            m
            for m in self.index.check(probe, max_matches=_ALL).matches
            if m.restriction_id not in self.stale
        ]
        if self.stale:
            found += self.delta.check(probe, max_matches=_ALL).matches
        return found


_ALL = 1_000_000  # the matcher's cap on matches; scope and dates are applied afterwards
_EMPTY_INDEX = RestrictionIndex.build(())
SCOPED_DELTA_LIMIT = 200  # changed rows carried as a delta before the scoped index is rebuilt
_COLUMNS = (
    ContactRestriction.id,
    ContactRestriction.youth_id,
    ContactRestriction.person_name,
    ContactRestriction.aliases,
    ContactRestriction.phones,
    ContactRestriction.handles,
    ContactRestriction.channels,
    ContactRestriction.starts_on,
    ContactRestriction.ends_on,
    ContactRestriction.lifted_at,
    ContactRestriction.approved_by,
    ContactRestriction.blocks_admission_calls,
    ContactRestriction.admission_block_reason,
    ContactRestriction.admission_block_signoff_by,
    ContactRestriction.do_not_disclose_location,
    ContactRestriction.change_seq,
)


def _live(row: Any) -> _Live:
    return _Live(
        restriction_id=row.id,
        youth_id=row.youth_id,
        person=RestrictedPerson(
            row.id,
            (row.person_name, *(row.aliases or ())),
            tuple(row.phones or ()),
            tuple(row.handles or ()),
        ),
        person_name=row.person_name,
        channels=tuple(row.channels),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        lifted=row.lifted_at is not None,
        approved=row.approved_by is not None,
        admission_blocked=admission_block_effective(
            row.blocks_admission_calls, row.admission_block_reason, row.admission_block_signoff_by
        ),
        withhold_location=row.do_not_disclose_location,
        change_seq=int(row.change_seq or 0),
    )


def _by_youth(rows: Iterable[_Live]) -> dict[int, tuple[int, ...]]:
    grouped: dict[int, list[int]] = {}
    for row in rows:
        grouped.setdefault(row.youth_id, []).append(row.restriction_id)
    return {youth: tuple(ids) for youth, ids in grouped.items()}


def _index(rows: Iterable[_Live], today: dt.date) -> RestrictionIndex:
    """Index the rows that can still apply (dates are checked again at each check)."""
    return RestrictionIndex.build(
        r.person for r in rows if not r.lifted and (r.ends_on is None or r.ends_on >= today)
    )


def _fingerprint(session: Session) -> tuple[int, int]:
    """(max change_seq, max id): two index look-ups, however many restrictions there are."""
    seq = select(func.max(ContactRestriction.change_seq)).scalar_subquery()
    top = select(func.max(ContactRestriction.id)).scalar_subquery()
    found = session.execute(select(seq, top)).one()
    return int(found[0] or 0), int(found[1] or 0)


class _Cache:
    """One database's current rows and in-custody index; each replaced whole under the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: _Rows | None = None
        self.scoped: _Scoped | None = None


_CACHES: weakref.WeakKeyDictionary[Database, _Cache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache_for(db: Database) -> _Cache:
    with _CACHES_LOCK:
        cache = _CACHES.get(db)
        if cache is None:
            cache = _CACHES[db] = _Cache()
        return cache


def _full(session: Session, seq: int, max_id: int, today: dt.date) -> _Rows:
    """Every restriction not lifted and not ended, in one query."""
    cr = ContactRestriction
    rows = [
        _live(r)
        for r in session.execute(
            select(*_COLUMNS).where(
                cr.lifted_at.is_(None), or_(cr.ends_on.is_(None), cr.ends_on >= today)
            )
        )
    ]
    return _Rows(
        base={r.restriction_id: r for r in rows},
        base_by_youth=_by_youth(rows),
        base_seq=seq,
        base_max_id=max_id,
        changed={},
        changed_by_youth={},
        seq=seq,
        max_id=max_id,
    )


def _with_changes(session: Session, old: _Rows, seq: int, max_id: int) -> _Rows | None:
    """``old`` plus the rows changed since it was current; None once the overlay is too big."""
    cr = ContactRestriction
    fresh = [
        _live(r)
        for r in session.execute(
            select(*_COLUMNS)
            .where(or_(cr.change_seq > old.seq, cr.id > old.max_id))
            .limit(DELTA_LIMIT + 1)
        )
    ]
    changed = dict(old.changed)
    changed.update((r.restriction_id, r) for r in fresh)
    if len(changed) > DELTA_LIMIT:
        return None
    return replace(
        old, changed=changed, changed_by_youth=_by_youth(changed.values()), seq=seq, max_id=max_id
    )


def _rows(core: Core, session: Session) -> _Rows:
    """The cached rows, brought up to date with the database first if it changed."""
    cache = _cache_for(core.db)
    seq, max_id = _fingerprint(session)
    current = cache.rows
    if current is not None and (current.seq, current.max_id) == (seq, max_id):
        return current
    with cache.lock:
        current = cache.rows
        if current is not None and (current.seq, current.max_id) == (seq, max_id):
            return current
        fresh = _with_changes(session, current, seq, max_id) if current else None
        if fresh is None:
            fresh = _full(session, seq, max_id, core.today())
        cache.rows = fresh
        return fresh


def _moved(rows: _Rows, old: _Scoped, covered: frozenset[int]) -> list[_Live]:
    """Rows ``old.index`` lacks or has stale: changed since it was built, or of youth added."""
    built_seq, built_max = old.built
    moved = [
        r
        for r in rows.changed.values()
        if (r.change_seq > built_seq or r.restriction_id > built_max) and r.youth_id in old.indexed
    ]
    return moved + [r for youth in sorted(covered - old.indexed) for r in rows.of_youth(youth)]


def _scoped(core: Core, rows: _Rows, youths: frozenset[int]) -> _Scoped:
    """The in-custody index for ``youths``: reused, brought up to date, or built afresh.

    A youth released since it was built stays in it (matches are filtered by scope); a youth
    admitted since and every changed row go into the small delta index. A rebuilt base, a
    delta past ``SCOPED_DELTA_LIMIT`` rows, or an index twice the size it needs, means building
    it again.
    """
    cache = _cache_for(core.db)
    token = (rows.base_seq, rows.base_max_id)
    now = (rows.seq, rows.max_id)
    today = core.today()
    with cache.lock:
        old = cache.scoped
        if old is not None and old.base_token == token:
            covered = old.youths | youths
            if covered == old.youths and old.current == now:
                return old
            moved = _moved(rows, old, covered)
            if len(moved) <= SCOPED_DELTA_LIMIT and len(covered) <= 2 * len(youths) + 50:
                fresh = replace(
                    old,
                    youths=covered,
                    current=now,
                    delta=_index(moved, today),
                    stale=frozenset(r.restriction_id for r in moved),
                )
                cache.scoped = fresh
                return fresh
        members = [r for youth in sorted(youths) for r in rows.of_youth(youth)]
        fresh = _Scoped(
            base_token=token,
            indexed=youths,
            youths=youths,
            built=now,
            index=_index(members, today),
            current=now,
            delta=_EMPTY_INDEX,
            stale=frozenset(),
        )
        cache.scoped = fresh
        return fresh


def _custody(session: Session) -> frozenset[int]:
    """The youth in custody now (an open custody episode)."""
    return frozenset(
        session.execute(
            select(CustodyEpisode.youth_id).where(CustodyEpisode.released_at.is_(None)).distinct()
        ).scalars()
    )


def prepare_index(core: Core) -> int:
    """Load the restrictions and index those of the youth in custody now (e.g. at start-up).

    Returns how many restrictions the cache holds. Later checks only apply what changed.
    """
    with core.read() as session:
        rows = _rows(core, session)
        _scoped(core, rows, _custody(session))
    return len(rows)
