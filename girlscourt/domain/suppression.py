"""Small-cell suppression, so no published count can single out a youth (WIC 827, DOMAIN 6.3.9)."""

# Rules, applied to a table of counts with its published totals:
#
# * **Primary**: every count from 1 to ``threshold - 1`` is hidden, totals included. A zero is
#   shown: it describes nobody, and hiding zeros would hide most of a sparse table for nothing.
# * **Complementary**: a hidden count must not be recoverable from the published totals. Each
#   published total makes a *line* (a row with its row total, a column with its column total, the
#   totals row with the grand total, the totals column with the grand total). A line with exactly
#   one hidden entry gives that entry away, so the smallest other entry of the line is hidden too
#   (non-zero entries first, inner cells before totals). That alone is not enough: hidden entries
#   joined in two cycles by a single entry (a "bridge") can still be solved from the lines, so any
#   bridge is closed by hiding the smallest entry that puts it on a cycle. Both steps repeat until
#   nothing changes.
#
# Seen as a graph, each line is a node and each entry an edge between the two lines it sits on; a
# line whose total is not published is no equation, so all such nodes merge into one free node. A
# hidden entry can be solved exactly when it is a bridge of the graph of hidden entries, so the
# fixed point here (no bridge, no line with a single hidden entry) leaves every hidden value
# undetermined: ``tests/unit/test_suppression.py`` checks that by solving the equations.
#
# Across tables (:func:`suppress_linked`): when several tables publish one quantity (the total of
# intakes in the breakdown by age and in the one by gender), it is hidden in all of them as soon
# as it is hidden in one, and each table then protects it like any of its own hidden entries;
# this repeats until no table changes. So a number is shown or hidden alike everywhere, and no
# table publishes what another hides.

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from girlscourt.errors import ValidationError

DEFAULT_THRESHOLD = 11

# An entry of the table: ("cell", row, column), ("row_total", row, -1), ("column_total", -1,
# column) or ("grand_total", -1, -1).
Entry = tuple[str, int, int]
_Node = tuple[str, int]
_GROUND: _Node = ("free", 0)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class SuppressedTable:
    """A table after suppression: ``None`` marks a hidden value (or an unpublished total)."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...] | None
    column_totals: tuple[int | None, ...] | None
    grand_total: int | None
    hidden: frozenset[Entry]
    threshold: int

    def is_hidden(self, entry: Entry) -> bool:
        """Whether ``entry`` is suppressed."""
        return entry in self.hidden


@dataclass
class _Graph:
    """Entries as edges between the lines they sit on; unconstrained lines merged."""

    edges: dict[Entry, tuple[_Node, _Node]]
    values: dict[Entry, int]
    incident: dict[_Node, list[Entry]]
    constrained: list[_Node]

    def cost(self, entry: Entry) -> tuple[int, int, int, Entry]:
        """Which entry to hide first: non-zero, inner cell, smallest, then table order."""
        value = self.values[entry]
        return (value == 0, entry[0] != "cell", value, entry)


def _build(
    values: Sequence[Sequence[int]], row_totals: bool, column_totals: bool
) -> tuple[_Graph, list[int], list[int], int]:
    n_rows, n_cols = len(values), len(values[0]) if values else 0
    grand = row_totals and column_totals
    row_sums = [sum(row) for row in values]
    col_sums = [sum(values[i][j] for i in range(n_rows)) for j in range(n_cols)]

    def node(kind: str, index: int, constrained: bool) -> _Node:
        return (kind, index) if constrained else _GROUND

    rows = [node("row", i, row_totals) for i in range(n_rows)]
    cols = [node("column", j, column_totals) for j in range(n_cols)]
    totals_row = node("totals_row", 0, column_totals and grand)
    totals_col = node("totals_column", 0, row_totals and grand)
    edges: dict[Entry, tuple[_Node, _Node]] = {}
    entry_values: dict[Entry, int] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            edges[("cell", i, j)] = (rows[i], cols[j])
            entry_values[("cell", i, j)] = values[i][j]
    if row_totals:
        for i in range(n_rows):
            edges[("row_total", i, -1)] = (rows[i], totals_col)
            entry_values[("row_total", i, -1)] = row_sums[i]
    if column_totals:
        for j in range(n_cols):
            edges[("column_total", -1, j)] = (totals_row, cols[j])
            entry_values[("column_total", -1, j)] = col_sums[j]
    if grand:
        edges[("grand_total", -1, -1)] = (totals_row, totals_col)
        entry_values[("grand_total", -1, -1)] = sum(row_sums)
    incident: dict[_Node, list[Entry]] = {}
    for entry, (a, b) in edges.items():
        incident.setdefault(a, []).append(entry)
        if b != a:
            incident.setdefault(b, []).append(entry)
    constrained = sorted(n for n in incident if n != _GROUND)
    graph = _Graph(edges, entry_values, incident, constrained)
    return graph, row_sums, col_sums, sum(row_sums)


def _lonely_lines(graph: _Graph, hidden: set[Entry]) -> bool:
    """Hide a partner for every line with exactly one hidden entry; True if anything changed."""
    changed = False
    for line in graph.constrained:
        entries = graph.incident[line]
        if sum(1 for e in entries if e in hidden) == 1:
            shown = [e for e in entries if e not in hidden]
            hidden.add(min(shown, key=graph.cost))
            changed = True
    return changed


def _find_bridge(graph: _Graph, hidden: set[Entry]) -> Entry | None:
    """A bridge of the multigraph of hidden entries (Tarjan, iterative), or None."""
    adjacency: dict[_Node, list[tuple[_Node, Entry]]] = {}
    for entry in sorted(hidden):
        a, b = graph.edges[entry]
        if a == b:
            continue  # both lines unpublished: a self-loop is never determined
        adjacency.setdefault(a, []).append((b, entry))
        adjacency.setdefault(b, []).append((a, entry))
    order: dict[_Node, int] = {}
    low: dict[_Node, int] = {}
    for root in sorted(adjacency):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[_Node, Entry | None, int]] = [(root, None, 0)]
        while stack:
            node, via, index = stack[-1]
            neighbours = adjacency[node]
            if index < len(neighbours):
                stack[-1] = (node, via, index + 1)
                child, edge = neighbours[index]
                if edge == via:
                    continue
                if child in order:
                    low[node] = min(low[node], order[child])
                else:
                    order[child] = low[child] = len(order)
                    stack.append((child, edge, 0))
                continue
            stack.pop()
            if stack and via is not None:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    return via
    return None


def _side(graph: _Graph, hidden: set[Entry], bridge: Entry, start: _Node) -> set[_Node]:
    """The nodes reachable from ``start`` over hidden entries other than ``bridge``."""
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        for entry in graph.incident.get(node, []):
            if entry == bridge or entry not in hidden:
                continue
            a, b = graph.edges[entry]
            other = b if a == node else a
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _close_bridge(graph: _Graph, hidden: set[Entry], bridge: Entry) -> None:
    """Hide the cheapest shown entry joining the two sides of ``bridge``."""
    a, b = graph.edges[bridge]
    side_a = _side(graph, hidden, bridge, a)
    side_b = _side(graph, hidden, bridge, b)
    candidates = [
        e
        for e, (x, y) in graph.edges.items()
        if e not in hidden and ((x in side_a and y in side_b) or (x in side_b and y in side_a))
    ]
    if candidates:
        hidden.add(min(candidates, key=graph.cost))
        return
    # No single entry closes it (cannot happen in a full grid; kept so the loop always ends).
    hidden.update(graph.incident.get(a, []))
    hidden.update(graph.incident.get(b, []))


def _check(values: Sequence[Sequence[int]], threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValidationError("threshold", f"must be a whole number of at least 1, not {threshold}")
    widths = {len(row) for row in values}
    if len(widths) > 1:
        raise ValidationError("values", "every row must have the same number of columns")
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError(f"values[{i}][{j}]", f"must be a count, not {value!r}")


def suppress(
    values: Sequence[Sequence[int]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    row_totals: bool = True,
    column_totals: bool = True,
    force: Iterable[Entry] = (),
) -> SuppressedTable:
    """Suppress ``values`` (rows of counts) and the totals that will be published with them.

    ``row_totals`` / ``column_totals`` say which margins are published (a grand total comes with
    both); totals are computed from the unsuppressed counts. ``force`` names entries to hide
    whatever their value (another table hides the same quantity, see :func:`suppress_linked`);
    they get complementary suppression like any other hidden entry.
    """
    _check(values, threshold)
    graph, row_sums, col_sums, grand = _build(values, row_totals, column_totals)
    hidden = {e for e, v in graph.values.items() if 0 < v < threshold}
    for entry in force:
        if entry not in graph.edges:
            raise ValidationError("force", f"{entry} is not an entry of this table")
        hidden.add(entry)
    while True:
        if _lonely_lines(graph, hidden):
            continue
        bridge = _find_bridge(graph, hidden)
        if bridge is None:
            break
        _close_bridge(graph, hidden, bridge)

    def shown(entry: Entry, value: int) -> int | None:
        return None if entry in hidden else value

    cells = tuple(
        tuple(shown(("cell", i, j), v) for j, v in enumerate(row)) for i, row in enumerate(values)
    )
    rows = (
        tuple(shown(("row_total", i, -1), v) for i, v in enumerate(row_sums))
        if row_totals
        else None
    )
    cols = (
        tuple(shown(("column_total", -1, j), v) for j, v in enumerate(col_sums))
        if column_totals
        else None
    )
    both = row_totals and column_totals
    return SuppressedTable(
        cells,
        rows,
        cols,
        shown(("grand_total", -1, -1), grand) if both else None,
        frozenset(hidden),
        threshold,
    )


def hide_small(value: int, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """Primary suppression of a lone count that no published total constrains."""
    return None if 0 < value < threshold else value


# --- tables that publish the same quantities -------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One table of counts to suppress, with the margins it publishes."""

    values: Sequence[Sequence[int]]
    row_totals: bool = True
    column_totals: bool = True

    def value(self, entry: Entry) -> int:
        """The true value of one of this table's entries (KeyError if it has no such entry)."""
        kind, i, j = entry
        n_rows, n_cols = len(self.values), len(self.values[0]) if self.values else 0
        if kind == "cell" and 0 <= i < n_rows and 0 <= j < n_cols:
            return self.values[i][j]
        if kind == "row_total" and self.row_totals and 0 <= i < n_rows:
            return sum(self.values[i])
        if kind == "column_total" and self.column_totals and 0 <= j < n_cols:
            return sum(row[j] for row in self.values)
        if kind == "grand_total" and self.row_totals and self.column_totals and n_cols:
            return sum(map(sum, self.values))
        raise KeyError(entry)


def _check_links(blocks: Mapping[K, Block], groups: Sequence[Sequence[tuple[K, Entry]]]) -> None:
    """Every linked entry exists, and the entries of a link agree (else the caller mislinked)."""
    for group in groups:
        values = set()
        for key, entry in group:
            if key not in blocks:
                raise ValidationError("links", f"no table {key!r}")
            try:
                values.add(blocks[key].value(entry))
            except KeyError:
                raise ValidationError("links", f"table {key!r} has no entry {entry}") from None
        if len(values) > 1:
            raise ValidationError("links", f"linked entries differ in value: {group}")


def suppress_linked(
    blocks: Mapping[K, Block],
    links: Iterable[Sequence[tuple[K, Entry]]],
    *,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[K, SuppressedTable]:
    """Suppress tables that publish some of the same quantities, so each is shown or hidden
    alike everywhere and no hidden value can be worked out by reading the tables together.

    Each link lists entries (table key, entry) that are one quantity, e.g. the total of
    intakes in the tables by age and by gender. A quantity hidden in one table (small, or a
    complementary choice there) is forced hidden in every other table that shows it, which may
    make those tables hide partners of their own; that repeats until nothing changes (hidden
    sets only grow, so it ends).

    Why that is enough: each table, suppressed with the shared quantity hidden, leaves that
    quantity and its own hidden entries undetermined by its own equations. Tables joined by one
    shared hidden quantity cannot pin down together what none pins down alone: an equation
    from table A mentions only A's entries and the shared one, so a combination determining an
    entry of A would need the other tables to determine the shared one by themselves.
    ``tests/unit/test_suppression.py`` and the report's property test check the published
    result by solving every table's equations at once.
    """
    groups = [tuple(group) for group in links]
    _check_links(blocks, groups)
    forced: dict[K, set[Entry]] = {key: set() for key in blocks}

    def run(key: K) -> SuppressedTable:
        block = blocks[key]
        return suppress(
            block.values,
            threshold=threshold,
            row_totals=block.row_totals,
            column_totals=block.column_totals,
            force=forced[key],
        )

    results = {key: run(key) for key in blocks}
    while True:
        stale: set[K] = set()
        for group in groups:
            if any(results[key].is_hidden(entry) for key, entry in group):
                for key, entry in group:
                    if not results[key].is_hidden(entry):
                        forced[key].add(entry)
                        stale.add(key)
        if not stale:
            return results
        for key in stale:
            results[key] = run(key)
