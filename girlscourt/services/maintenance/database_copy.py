"""``db copy``: every table of this database into an empty one, in one transaction, verified.

Rows stream in primary-key order in batches (bounded memory at any size), tables in foreign-key
order. The target is upgraded first when it is empty, and refused when it holds a record or an
older schema. The copy is all-or-nothing: one transaction on the target, one consistent snapshot
of the source (REPEATABLE READ on PostgreSQL, one read transaction on SQLite). It ends by
comparing row counts table by table and verifying the target's audit chain; the copy itself is
an audit event on both databases. PostgreSQL sequences are moved past the copied ids.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)

from girlscourt.db import migrate
from girlscourt.db.base import Base
from girlscourt.db.session import Database
from girlscourt.domain.permissions import Action
from girlscourt.errors import ConfigurationError, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import audit_trail

BATCH = 2000  # rows per fetch and per INSERT
# Seeded by the first migration (the chain's genesis head): replaced by the source's row.
_SEEDED = {"audit_chain_head"}

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class CopyReport:
    """What was copied, how fast, and whether the target verified."""

    target: str
    tables: tuple[tuple[str, int], ...]
    seconds: float
    chain_events: int

    @property
    def rows(self) -> int:
        """Rows copied in all."""
        return sum(n for _, n in self.tables)

    @property
    def rows_per_second(self) -> float:
        """Throughput of the copy (counts and verification included)."""
        return self.rows / self.seconds if self.seconds > 0 else float(self.rows)


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _prepare(engine: Engine, display: str) -> None:
    """Upgrade an empty target; refuse an older schema or one that holds any record."""
    state = migrate.status(engine)
    if state.current is None:
        migrate.upgrade(engine)
    elif state.current != state.head:
        raise ValidationError(
            "--to",
            f"{display} has schema {state.current}, not {state.head}: give an empty database",
        )
    with engine.connect() as connection:
        for table in _tables():
            if table.name in _SEEDED:
                continue
            if connection.execute(select(func.count()).select_from(table)).scalar_one():
                raise ValidationError(
                    "--to", f"{display} is not empty (table {table.name} holds rows)"
                )


def _source_snapshot(connection: Connection) -> Connection:
    if connection.dialect.name == "postgresql":
        return connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def _copy_table(source: Connection, target: Connection, table: Table, progress: Progress) -> int:
    """Stream one table across. A column pointing into its own table (a hearing's
    ``continued_to_id``) is written empty first and filled once every row is in, so a row may
    name one with a higher id."""
    order = list(table.primary_key.columns) or list(table.columns)
    own = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
    later: list[dict[str, object]] = []
    result = source.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*order)
    )
    copied = 0
    for part in result.partitions(BATCH):
        rows = [dict(row._mapping) for row in part]
        for row in rows:
            values = {name: row[name] for name in own if row[name] is not None}
            if values:
                later.append({"_id": row["id"], **{f"_{k}": v for k, v in values.items()}})
                row.update(dict.fromkeys(values))
        target.execute(insert(table), rows)
        copied += len(rows)
        progress(table.name, copied)
    for name in own:
        fill = [
            {"_id": row["_id"], f"_{name}": row[f"_{name}"]} for row in later if f"_{name}" in row
        ]
        for start in range(0, len(fill), BATCH):
            target.execute(
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({name: bindparam(f"_{name}")}),
                fill[start : start + BATCH],
            )
    return copied


def _reset_sequences(target: Connection) -> None:
    """PostgreSQL: each table's id sequence continues after the highest copied id."""
    if target.dialect.name != "postgresql":
        return
    for table in _tables():
        column = table.c.get("id")
        if column is None or not column.primary_key:
            continue
        target.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 1), "
                f"(SELECT max(id) FROM {table.name}) IS NOT NULL) "
                "WHERE pg_get_serial_sequence(:table, 'id') IS NOT NULL"
            ),
            {"table": table.name},
        )


def copy_database(
    core: Core,
    actor: Actor,
    to_url: str,
    *,
    progress: Progress | None = None,
    action: str = "database.copy",
    audit_source: bool = True,
) -> CopyReport:
    """Copy this database into the empty database at ``to_url`` (an administrator's job).

    ``action`` names the events (a backup and a restore are copies too); ``audit_source`` False
    leaves the source unwritten (a restore reads a backup it must not change).
    """
    core.require(actor, Action.DATABASE_COPY)
    started = time.monotonic()
    target_db = Database.open(to_url, source="--to")
    try:
        display = target_db.target.display
        if display == core.db.target.display:
            raise ValidationError("--to", "is the database being copied")
        _prepare(target_db.engine, display)
        counts: list[tuple[str, int]] = []
        report = progress or (lambda _table, _rows: None)
        with (
            _source_snapshot(core.db.engine.connect()) as source,
            source.begin(),
            target_db.engine.begin() as target,
        ):
            for table in _tables():
                if table.name in _SEEDED:
                    target.execute(delete(table))
                counts.append((table.name, _copy_table(source, target, table, report)))
            _reset_sequences(target)
            _compare_counts(target, counts, display)
        target_core = Core(
            target_db, settings=core.settings, clock=core.clock, workstation=core.workstation
        )
        rows = sum(n for _, n in counts)
        with target_core.write() as session:
            source_shown = core.db.target.display
            detail = f"{rows} rows copied from {source_shown}"
            target_core.audit(session, actor, action, detail=detail)
        verified = audit_trail.verify(target_core, actor)
        if not verified.ok:
            raise ConfigurationError(f"{display}: the copied audit chain does not verify")
        if audit_source:
            with core.write() as session:
                core.audit(session, actor, action, detail=f"copied to {display}")
        return CopyReport(display, tuple(counts), time.monotonic() - started, verified.events)
    finally:
        target_db.dispose()


def _compare_counts(target: Connection, counts: list[tuple[str, int]], display: str) -> None:
    """Every table holds exactly what was copied (inside the copy's transaction)."""
    names = set(inspect(target).get_table_names())
    for table in _tables():
        if table.name not in names:
            raise ConfigurationError(f"{display}: table {table.name} is missing")
    expected = dict(counts)
    for table in _tables():
        found = target.execute(select(func.count()).select_from(table)).scalar_one()
        if found != expected[table.name]:
            raise ConfigurationError(
                f"{display}: table {table.name} holds {found} rows, {expected[table.name]} copied"
            )
