"""Small-cell suppression: nothing below the threshold is shown, and nothing hidden can be solved."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from girlscourt.domain.suppression import (
    DEFAULT_THRESHOLD,
    Block,
    Entry,
    suppress,
    suppress_linked,
)
from girlscourt.errors import ValidationError


def _entries(values: list[list[int]], row_totals: bool, column_totals: bool) -> dict[Entry, int]:
    """Every published entry with its true value."""
    out: dict[Entry, int] = {}
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            out[("cell", i, j)] = v
    if row_totals:
        for i, row in enumerate(values):
            out[("row_total", i, -1)] = sum(row)
    if column_totals:
        for j in range(len(values[0])):
            out[("column_total", -1, j)] = sum(r[j] for r in values)
    if row_totals and column_totals:
        out[("grand_total", -1, -1)] = sum(map(sum, values))
    return out


def _lines(values: list[list[int]], row_totals: bool, column_totals: bool) -> list[list[Entry]]:
    """Each published equation as the entries that sum to zero with the total (signs aside)."""
    n_rows, n_cols = len(values), len(values[0])
    lines: list[list[Entry]] = []
    if row_totals:
        lines += [
            [("cell", i, j) for j in range(n_cols)] + [("row_total", i, -1)] for i in range(n_rows)
        ]
    if column_totals:
        lines += [
            [("cell", i, j) for i in range(n_rows)] + [("column_total", -1, j)]
            for j in range(n_cols)
        ]
    if row_totals and column_totals:
        lines.append([("column_total", -1, j) for j in range(n_cols)] + [("grand_total", -1, -1)])
        lines.append([("row_total", i, -1) for i in range(n_rows)] + [("grand_total", -1, -1)])
    return lines


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def solvable(
    values: list[list[int]], hidden: frozenset[Entry], row_totals: bool, column_totals: bool
) -> set[Entry]:
    """The hidden entries an attacker can compute exactly from the published lines.

    Each line reads sum(cells) - total = 0. Known entries move to the right-hand side, so the
    unknowns satisfy A x = b; an unknown x_k is determined iff e_k lies in A's row space.
    """
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    index = {e: k for k, e in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for line in _lines(values, row_totals, column_totals):
        row = [Fraction(0)] * len(unknowns)
        for position, entry in enumerate(line):
            if entry in index:  # the line's total is its last entry: parts - total = 0
                row[index[entry]] = Fraction(-1 if position == len(line) - 1 else 1)
        matrix.append(row)
    if not matrix:
        return set()
    base = _rank(matrix)
    found = set()
    for entry, k in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[k] = Fraction(1)
        if _rank([*matrix, unit]) == base:
            found.add(entry)
    return found


def lonely_lines(
    hidden: frozenset[Entry], values: list[list[int]], row_totals: bool, column_totals: bool
) -> list[list[Entry]]:
    """Lines with exactly one hidden entry (each gives that entry away by subtraction)."""
    return [
        line
        for line in _lines(values, row_totals, column_totals)
        if sum(1 for e in line if e in hidden) == 1
    ]


def _shown(result_values: dict[Entry, int], hidden: frozenset[Entry]) -> dict[Entry, int]:
    return {e: v for e, v in result_values.items() if e not in hidden}


def test_a_small_cell_and_its_partners_are_hidden() -> None:
    values = [[3, 40, 25], [50, 60, 70], [20, 30, 12]]
    result = suppress(values)
    assert result.cells[0][0] is None
    # Row 0 and column 0 each needed a partner: the smallest other cells, 20 and 25.
    assert result.cells[2][0] is None and result.cells[0][2] is None
    # ...and then row 2 / column 2 each had one hidden cell: 12 closes both.
    assert result.cells[2][2] is None
    assert result.row_totals == (68, 180, 62)
    assert result.grand_total == 310
    assert not lonely_lines(result.hidden, values, True, True)
    assert not solvable(values, result.hidden, True, True)


def test_zero_is_shown_and_large_values_untouched() -> None:
    result = suppress([[0, 12], [15, 40]])
    assert result.cells == ((0, 12), (15, 40))
    assert result.hidden == frozenset()


def test_small_total_is_hidden_too() -> None:
    # Each cell is 0 or >= 11 except none... a row total below the threshold must hide.
    result = suppress([[0, 0], [20, 30]], threshold=11)
    assert result.row_totals == (0, 50)
    small = suppress([[4, 0], [20, 30]])
    assert small.row_totals is not None and small.row_totals[0] is None
    assert small.cells[0][0] is None


def test_column_totals_only_protects_within_columns() -> None:
    values = [[5, 30], [40, 50], [60, 70]]
    result = suppress(values, row_totals=False)
    assert result.row_totals is None and result.grand_total is None
    assert result.cells[0][0] is None and result.cells[1][0] is None
    assert result.cells[0][1] == 30  # no row total: nothing to protect across the row
    assert not solvable(values, result.hidden, False, True)


def test_a_bridge_between_two_blocks_is_closed() -> None:
    """Two 2x2 blocks of small cells joined by one small cell: every line has two hidden
    entries, yet the joining cell is solvable unless another entry closes the cycle."""
    big = 100
    values = [
        [1, 2, big, big],
        [3, 4, 5, big],
        [big, big, 6, 7],
        [big, big, 8, 9],
    ]
    result = suppress(values)
    assert not lonely_lines(result.hidden, values, True, True)
    assert not solvable(values, result.hidden, True, True)


def test_no_totals_means_primary_only() -> None:
    result = suppress([[3, 50]], row_totals=False, column_totals=False)
    assert result.cells == ((None, 50),)


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ValidationError, match=r"values\[0\]\[1\]"):
        suppress([[1, -2]])
    with pytest.raises(ValidationError, match="threshold"):
        suppress([[1]], threshold=0)


counts = st.one_of(st.integers(0, 3), st.integers(0, 14), st.integers(0, 400))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[int]], bool, bool, int]:
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    values = [[draw(counts) for _ in range(n_cols)] for _ in range(n_rows)]
    row_totals = draw(st.booleans())
    column_totals = draw(st.booleans())
    threshold = draw(st.sampled_from([DEFAULT_THRESHOLD, 5, 11, 20]))
    return values, row_totals, column_totals, threshold


@settings(max_examples=400, deadline=None)
@given(tables())
def test_property_nothing_small_shown_nothing_hidden_solvable(
    case: tuple[list[list[int]], bool, bool, int],
) -> None:
    values, row_totals, column_totals, threshold = case
    result = suppress(
        values, threshold=threshold, row_totals=row_totals, column_totals=column_totals
    )
    truth = _entries(values, row_totals, column_totals)
    # 1. No published entry is between 1 and threshold - 1.
    for entry, value in _shown(truth, result.hidden).items():
        assert value == 0 or value >= threshold, (entry, value)
    # 2. The published values are the true ones.
    for (kind, i, j), value in _shown(truth, result.hidden).items():
        if kind == "cell":
            assert result.cells[i][j] == value
        elif kind == "row_total":
            assert result.row_totals is not None and result.row_totals[i] == value
        elif kind == "column_total":
            assert result.column_totals is not None and result.column_totals[j] == value
        else:
            assert result.grand_total == value
    # 3. No line with exactly one hidden entry (recoverable by subtraction).
    assert not lonely_lines(result.hidden, values, row_totals, column_totals)
    # 4. Solving every published equation at once recovers no hidden entry.
    assert not solvable(values, result.hidden, row_totals, column_totals)


# --- tables that publish the same quantity ------------------------------------------------------


def linked_solvable(
    blocks: dict[str, Block],
    links: list[list[tuple[str, Entry]]],
    hidden: dict[str, frozenset[Entry]],
) -> set[tuple[str, Entry]]:
    """Hidden entries an attacker can compute from every table's equations at once, linked
    entries being one unknown (known if any table shows it)."""
    parent: dict[tuple[str, Entry], tuple[str, Entry]] = {}

    def find(x: tuple[str, Entry]) -> tuple[str, Entry]:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for group in links:
        for ref in group[1:]:
            parent[find(ref)] = find(group[0])
    shown_vars = {
        find((key, e))
        for key, b in blocks.items()
        for e in _entries([list(r) for r in b.values], b.row_totals, b.column_totals)
        if e not in hidden[key]
    }
    unknowns = sorted({find((key, e)) for key in blocks for e in hidden[key]} - shown_vars, key=str)
    index = {u: k for k, u in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for key, b in blocks.items():
        for line in _lines([list(r) for r in b.values], b.row_totals, b.column_totals):
            row = [Fraction(0)] * len(unknowns)
            for position, entry in enumerate(line):
                var = find((key, entry))
                if var in index:
                    row[index[var]] += Fraction(-1 if position == len(line) - 1 else 1)
            matrix.append(row)
    if not unknowns or not matrix:
        return set()
    base = _rank(matrix)
    found = set()
    for var, k in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[k] = Fraction(1)
        if _rank([*matrix, unit]) == base:
            found.add(var)
    return found


def test_a_total_hidden_in_one_table_but_shown_in_another_leaked_and_now_does_not() -> None:
    """Youth identified by source (first identified / identified before) and a second table that
    shows the number first identified, e.g. each timeliness row's youth count.

    By source: intake [0, 3], disclosure [0, 3], re-screen [12, 3]. Alone, it hides the 3s, the
    12 and both column totals (12 and 9) and the first two row totals; nothing there can be
    solved. But the second table shows 12 first identified: the first column is then 0 + 0 +
    x = 12, so x = 12, and the re-screen row 12 + y = 15 gives y = 3.
    """
    by_source = Block([[0, 3], [0, 3], [12, 3]])
    cohort = Block([[12]], row_totals=False, column_totals=False)
    alone = suppress(by_source.values)
    assert alone.is_hidden(("column_total", -1, 0)) and alone.cells[2][0] is None
    assert suppress(cohort.values).cells == ((12,),)  # 12 is not small: shown on its own
    assert not solvable([[0, 3], [0, 3], [12, 3]], alone.hidden, True, True)
    blocks = {"by_source": by_source, "cohort": cohort}
    links = [[("by_source", ("column_total", -1, 0)), ("cohort", ("cell", 0, 0))]]
    leaked = linked_solvable(blocks, links, {"by_source": alone.hidden, "cohort": frozenset()})
    assert ("by_source", ("cell", 2, 0)) in leaked and ("by_source", ("cell", 2, 1)) in leaked

    linked = suppress_linked(blocks, links)
    assert linked["cohort"].cells == ((None,),)  # the same quantity, hidden alike
    assert linked["by_source"].hidden == alone.hidden
    hidden = {k: r.hidden for k, r in linked.items()}
    assert not linked_solvable(blocks, links, hidden)


def test_a_complementary_choice_in_one_table_hides_partners_in_another() -> None:
    # A = [3, 27] with its total: the 3 is small, and 27 is hidden as its partner. B = [27, 12]
    # shows the same 27 (the same group counted in another table) and nothing small, so alone
    # it would show 27 and give A's 3 away (30 - 27). Linked, B hides its 27 and, so that the
    # 27 cannot be worked out from B's total (39), its 12 too.
    a = Block([[3], [27]], row_totals=False)
    b = Block([[27], [12]], row_totals=False)
    assert suppress(b.values, row_totals=False).hidden == frozenset()
    links = [[("a", ("cell", 1, 0)), ("b", ("cell", 0, 0))]]
    result = suppress_linked({"a": a, "b": b}, links)
    assert result["a"].cells == ((None,), (None,)) and result["a"].column_totals == (30,)
    assert result["b"].cells == ((None,), (None,)) and result["b"].column_totals == (39,)
    hidden = {k: r.hidden for k, r in result.items()}
    assert not linked_solvable({"a": a, "b": b}, links, hidden)


def test_links_must_join_equal_existing_entries() -> None:
    with pytest.raises(ValidationError, match="differ"):
        suppress_linked(
            {"a": Block([[12]]), "b": Block([[13]])},
            [[("a", ("cell", 0, 0)), ("b", ("cell", 0, 0))]],
        )
    with pytest.raises(ValidationError, match="no entry"):
        suppress_linked({"a": Block([[12]], row_totals=False)}, [[("a", ("row_total", 0, -1))]])


@st.composite
def linked_tables(
    draw: st.DrawFn,
) -> tuple[dict[str, Block], list[list[tuple[str, Entry]]], int]:
    """A crosstab with totals and a few single-column tables each sharing one of its totals
    (a column total or the grand total), the shape of the CSEC report's breakdowns."""
    n_rows, n_cols = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    values = [[draw(counts) for _ in range(n_cols)] for _ in range(n_rows)]
    blocks = {"main": Block(values)}
    links: list[list[tuple[str, Entry]]] = []
    shared: dict[Entry, list[tuple[str, Entry]]] = {}
    for n in range(draw(st.integers(1, 4))):
        j = draw(st.integers(-1, n_cols - 1))
        entry: Entry = ("grand_total", -1, -1) if j < 0 else ("column_total", -1, j)
        total = Block(values).value(entry)
        parts = draw(st.integers(1, 4))
        cuts = sorted(draw(st.integers(0, total)) for _ in range(parts - 1))
        column = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        blocks[f"t{n}"] = Block([[v] for v in column], row_totals=False)
        shared.setdefault(entry, [("main", entry)]).append((f"t{n}", ("column_total", -1, 0)))
    links = list(shared.values())
    return blocks, links, draw(st.sampled_from([5, 11]))


@settings(max_examples=300, deadline=None)
@given(linked_tables())
def test_property_linked_tables_hide_alike_and_leak_nothing(
    case: tuple[dict[str, Block], list[list[tuple[str, Entry]]], int],
) -> None:
    blocks, links, threshold = case
    result = suppress_linked(blocks, links, threshold=threshold)
    hidden = {k: r.hidden for k, r in result.items()}
    for key, block in blocks.items():
        truth = _entries([list(r) for r in block.values], block.row_totals, block.column_totals)
        for entry, value in truth.items():
            if entry not in hidden[key]:
                assert value == 0 or value >= threshold, (key, entry, value)
    for group in links:
        assert len({ref[1] in hidden[ref[0]] for ref in group}) == 1, group
    assert not linked_solvable(blocks, links, hidden)
