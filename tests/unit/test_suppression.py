"""Small-cell suppression: nothing below the threshold is shown, and nothing hidden can be solved."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from girlscourt.domain.suppression import DEFAULT_THRESHOLD, Entry, suppress
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
