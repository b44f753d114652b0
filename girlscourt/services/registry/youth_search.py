"""Finding youths as the officer types: names, preferred names, aliases, dates of birth.

Candidates come from an indexed key table (one row per folded name token): a query token matches
a key by prefix (as-you-type) or by sound-alike key (small misspellings); every query token must
match some name of the youth, in any order (so first and last names may be swapped). The few
hundred candidates are then ranked with rapidfuzz against the youth's full names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, Select, and_, delete, or_, select
from sqlalchemy.orm import Session

from girlscourt.db.models import Youth, YouthAlias, YouthNameKey
from girlscourt.domain.names import fold, phonetic_key, tokens

CANDIDATE_LIMIT = 200  # the most a result list shows; ranking more costs time, not answers
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("m", "d", "y")),
)


@dataclass(frozen=True)
class SearchQuery:
    """A typed query split into name tokens and dates of birth."""

    name_tokens: tuple[str, ...]
    dates: tuple[dt.date, ...]

    @property
    def empty(self) -> bool:
        """True when there is nothing to search for."""
        return not self.name_tokens and not self.dates


def parse_query(text: str) -> SearchQuery:
    """Split what was typed into folded name tokens and dates (YYYY-MM-DD or MM/DD/YYYY)."""
    names: list[str] = []
    dates: list[dt.date] = []
    for raw in text.split():
        date = _as_date(raw)
        if date is not None:
            dates.append(date)
        else:
            names.extend(tokens(raw))
    return SearchQuery(tuple(names), tuple(dates))


def _as_date(raw: str) -> dt.date | None:
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def name_keys(
    youth_id: int, legal: Iterable[str], preferred: str | None, aliases: Iterable[str]
) -> list[YouthNameKey]:
    """The key rows for one youth's names."""
    seen: set[tuple[str, str]] = set()
    rows: list[YouthNameKey] = []
    sources = [("legal", n) for n in legal] + [("preferred", preferred or "")]
    sources += [("alias", a) for a in aliases]
    for source, name in sources:
        for token in tokens(name):
            if (token, source) not in seen:
                seen.add((token, source))
                rows.append(
                    YouthNameKey(
                        youth_id=youth_id,
                        token=token[:100],
                        source=source,
                        phonetic=phonetic_key(token),
                    )
                )
    return rows


def reindex(session: Session, youth: Youth, aliases: Sequence[str]) -> None:
    """Replace a youth's key rows after her names changed (same transaction as the change)."""
    session.execute(delete(YouthNameKey).where(YouthNameKey.youth_id == youth.id))
    legal = [youth.legal_first_name, youth.legal_middle_name or "", youth.legal_last_name]
    session.add_all(name_keys(youth.id, legal, youth.preferred_name, aliases))


def _token_condition(token: str) -> Select[int]:
    """Youth ids with a name token that starts with ``token`` or sounds like it."""
    prefix = and_(YouthNameKey.token >= token, YouthNameKey.token < token + "\U0010ffff")
    condition = (
        or_(prefix, YouthNameKey.phonetic == phonetic_key(token)) if len(token) >= 3 else prefix
    )
    return select(YouthNameKey.youth_id).where(condition)


def candidate_ids_query(
    query: SearchQuery,
    limit: int = CANDIDATE_LIMIT,
    within: Callable[[ColumnElement[int]], ColumnElement[bool] | None] | None = None,
) -> Select[int]:
    """SQL for the ids of youths matching every token and every date (no ranking).

    ``within`` gives a WHERE clause for the id column (a partner's scope), applied before the
    limit so a partner's youth are never crowded out by others of the same name.
    """
    statement: Select[int]
    column: ColumnElement[int]
    if query.name_tokens:
        parts = [_token_condition(t) for t in dict.fromkeys(query.name_tokens)]
        ids = parts[0].intersect(*parts[1:]) if len(parts) > 1 else parts[0].distinct()
        subquery = ids.subquery()
        column = subquery.c.youth_id
        statement = select(column)
        if query.dates:
            statement = statement.join(Youth, Youth.id == subquery.c.youth_id).where(
                Youth.dob.in_(query.dates)
            )
    else:
        column = Youth.id.expression
        statement = select(Youth.id).where(Youth.dob.in_(query.dates))
    clause = within(column) if within is not None else None
    if clause is not None:
        statement = statement.where(clause)
    return statement.limit(limit)


class Candidate(NamedTuple):
    """A matched youth's names, enough to rank and to show a result row (a tuple: cheap to make)."""

    id: int
    legal_first_name: str
    legal_middle_name: str | None
    legal_last_name: str
    preferred_name: str | None
    dob: dt.date
    aliases: tuple[str, ...]


_CANDIDATE_COLUMNS = (
    Youth.id,
    Youth.legal_first_name,
    Youth.legal_middle_name,
    Youth.legal_last_name,
    Youth.preferred_name,
    Youth.dob,
    YouthAlias.alias,
)


def _rows_to_candidates(rows: Iterable[Any]) -> list[Candidate]:
    """Fold youth ⟕ alias rows (ordered by youth) into one candidate per youth."""
    found: dict[int, tuple[Any, list[str]]] = {}
    for row in rows:
        entry = found.get(row[0])
        if entry is None:
            entry = found[row[0]] = (row, [])
        if row[6] is not None:
            entry[1].append(row[6])
    return [
        Candidate(row[0], row[1], row[2], row[3], row[4], row[5], tuple(aliases))
        for row, aliases in found.values()
    ]


def query_candidates(
    session: Session,
    query: SearchQuery,
    within: Callable[[ColumnElement[int]], ColumnElement[bool] | None] | None = None,
) -> list[Candidate]:
    """One statement: the matching ids joined to their youths and aliases."""
    ids = candidate_ids_query(query, CANDIDATE_LIMIT, within).subquery()
    statement = (
        select(*_CANDIDATE_COLUMNS)
        .join_from(ids, Youth, Youth.id == ids.c[0])
        .outerjoin(YouthAlias, YouthAlias.youth_id == Youth.id)
        .order_by(Youth.id, YouthAlias.id)
    )
    return _rows_to_candidates(session.execute(statement))


def load_candidates(session: Session, ids: Sequence[int]) -> list[Candidate]:
    """Candidates for known ids, in one statement (youths joined to their aliases)."""
    if not ids:
        return []
    statement = (
        select(*_CANDIDATE_COLUMNS)
        .outerjoin(YouthAlias, YouthAlias.youth_id == Youth.id)
        .where(Youth.id.in_(ids))
        .order_by(Youth.id, YouthAlias.id)
    )
    return _rows_to_candidates(session.execute(statement))


def rank(query: SearchQuery, candidate: Candidate) -> float:
    """0–100: how well the typed names fit the youth's best name (legal, preferred or alias)."""
    if not query.name_tokens:
        return 100.0
    typed = " ".join(query.name_tokens)
    first, last = candidate.legal_first_name, candidate.legal_last_name
    names = [f"{first} {last}", f"{candidate.preferred_name or first} {last}", *candidate.aliases]
    best = 0.0
    for name in names:
        folded = fold(name)
        score = max(
            fuzz.token_sort_ratio(typed, folded), fuzz.partial_token_sort_ratio(typed, folded) - 5
        )
        best = max(best, score)
    return round(best, 1)
