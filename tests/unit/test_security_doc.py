"""docs/security.md, checked: rows 1 to 35 in order, real test names, plain statuses.

The traceability table is only worth reading while every test it names exists. ``problems``
returns what is wrong with a given text, so the same checker runs on the real page and on small
synthetic pages that show it can fail.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
REQUIREMENTS = range(1, 36)  # RELIABILITY.md (a): 35 numbered rows
HEADER = ("#", "Requirement", "How the product meets it", "Proven by", "Status")
STATUSES = ("partly met", "not met", "met")  # longest first: "met" ends the other two
STATUS = re.compile(r"^(partly met|not met|met)(?:$|[.:;,]\s*)")
TEST_REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(\w+)(\[)?")
MODULE_PATH = re.compile(r"`((?:girlscourt|ui|tests)/[\w/]+\.py)`")


@dataclass(frozen=True)
class Row:
    """One line of the requirements table, its cells stripped."""

    line: int
    cells: tuple[str, ...]

    @property
    def proof(self) -> str:
        """The "Proven by" cell."""
        return self.cells[3] if len(self.cells) > 3 else ""

    @property
    def status(self) -> str:
        """The "Status" cell."""
        return self.cells[4] if len(self.cells) > 4 else ""


def _cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def table_rows(text: str) -> list[Row] | None:
    """The rows under the table header, or None when the page has no such table."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|") and _cells(line) == HEADER:
            rows = []
            for number, row in enumerate(lines[index + 2 :], start=index + 3):
                if not row.startswith("|"):
                    break
                rows.append(Row(number, _cells(row)))
            return rows
    return None


@cache
def top_level_functions(path: Path) -> frozenset[str]:
    """Names of the functions defined at the top of a Python file (methods do not count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return frozenset(
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def number_problems(rows: list[Row], expected: range) -> list[str]:
    """The first cell of each row must be just its number, rows in order, none missing."""
    found: list[str] = []
    numbers = []
    for row in rows:
        if len(row.cells) != len(HEADER):
            found.append(f"line {row.line}: {len(row.cells)} cells, not {len(HEADER)}")
        if not row.cells[0].isdigit():
            found.append(f"line {row.line}: first cell {row.cells[0]!r} is not a number")
            continue
        numbers.append(int(row.cells[0]))
    if numbers != list(expected):
        found.append(f"rows are numbered {numbers}, not {expected.start} to {expected.stop - 1}")
    return found


def status_problems(rows: list[Row]) -> list[str]:
    """Each status is met / partly met / not met; a met row names a test; none says "none"."""
    found: list[str] = []
    for row in rows:
        match = STATUS.match(row.status)
        if match is None:
            found.append(f"line {row.line}: status {row.status[:40]!r} is not one of {STATUSES}")
        has_test = TEST_REFERENCE.search(row.proof) is not None
        if match is not None and match.group(1) == "met" and not has_test:
            found.append(f"line {row.line}: marked met but names no test")
        if not has_test and not row.proof.startswith("none"):
            found.append(f"line {row.line}: names no test, so its proof must say 'none'")
    return found


def reference_problems(rows: list[Row], root: Path) -> list[str]:
    """Every ``tests/...py::name`` names a top-level function of an existing file under tests/,
    without a parameter suffix; every module path in backticks exists."""
    found: list[str] = []
    for row in rows:
        text = " ".join(row.cells)
        for match in TEST_REFERENCE.finditer(text):
            relative, name, suffix = match.groups()
            where = f"line {row.line}: {relative}::{name}"
            path = root / relative
            if ".." in Path(relative).parts or not path.is_file():
                found.append(f"{where}: no such file")
                continue
            if suffix:
                found.append(f"{where}: name the function without its [parameter] suffix")
            if name not in top_level_functions(path):
                found.append(f"{where}: no top-level def {name}( in that file")
        for relative in MODULE_PATH.findall(text):
            if not (root / relative).is_file():
                found.append(f"line {row.line}: {relative}: no such file")
    return found


def problems(text: str, root: Path = ROOT, expected: range = REQUIREMENTS) -> list[str]:
    """Everything wrong with a traceability page ``text`` (empty when it is sound)."""
    rows = table_rows(text)
    if rows is None:
        return ["no table with the columns " + " | ".join(HEADER)]
    return [
        *number_problems(rows, expected),
        *status_problems(rows),
        *reference_problems(rows, root),
    ]


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    """The rows of the real page."""
    found = table_rows(DOC.read_text(encoding="utf-8"))
    assert found is not None, f"{DOC} has no requirements table"
    return found


def test_the_table_lists_requirements_1_to_35_in_order(rows: list[Row]) -> None:
    assert number_problems(rows, REQUIREMENTS) == []


def test_every_status_is_met_partly_met_or_not_met_and_met_rows_name_a_test(
    rows: list[Row],
) -> None:
    assert status_problems(rows) == []


def test_every_test_reference_names_a_top_level_test_function(rows: list[Row]) -> None:
    assert reference_problems(rows, ROOT) == []
    assert sum(len(TEST_REFERENCE.findall(row.proof)) for row in rows) > 35  # really checked


def test_the_whole_page_has_no_problems() -> None:
    assert problems(DOC.read_text(encoding="utf-8")) == []


# --- the checker can fail ----------------------------------------------------------------------

SYNTHETIC_TESTS = """
def test_present() -> None:
    pass


async def test_awaited() -> None:
    pass


class TestGrouped:
    def test_method(self) -> None:
        pass
"""


def synthetic_page(*rows: str) -> str:
    """A small page with the real header and the given table rows."""
    header = "| " + " | ".join(HEADER) + " |"
    return "\n".join(["# Synthetic", "", header, "|---|---|---|---|---|", *rows, "", "End."])


@pytest.fixture
def synthetic_root(tmp_path: Path) -> Path:
    """A folder holding ``tests/unit/test_sample.py`` and a module under ``girlscourt/``."""
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_sample.py").write_text(SYNTHETIC_TESTS, encoding="utf-8")
    (tmp_path / "girlscourt").mkdir()
    (tmp_path / "girlscourt" / "sample.py").write_text("", encoding="utf-8")
    return tmp_path


GOOD_ROWS = (
    "| 1 | A rule | `girlscourt/sample.py` does it. | `tests/unit/test_sample.py::test_present` | met |",
    "| 2 | Another | Async too. | `tests/unit/test_sample.py::test_awaited` | partly met: one gap |",
)


def test_a_sound_synthetic_page_has_no_problems(synthetic_root: Path) -> None:
    assert problems(synthetic_page(*GOOD_ROWS), synthetic_root, range(1, 3)) == []


@pytest.mark.parametrize(
    ("row_two", "reported"),
    [
        (
            "| 2 | Another | x | `tests/unit/test_sample.py::test_absent` | met |",
            "no top-level def test_absent(",
        ),
        (
            "| 2 | Another | x | `tests/unit/test_gone.py::test_present` | met |",
            "tests/unit/test_gone.py::test_present: no such file",
        ),
        (
            "| 2 | Another | x | `tests/unit/test_sample.py::test_method` | met |",
            "no top-level def test_method(",
        ),
        (
            "| 2 | Another | x | `tests/unit/test_sample.py::test_present[sqlite]` | met |",
            "without its [parameter] suffix",
        ),
        ("| 2 | Another | x | none | met |", "marked met but names no test"),
        ("| 2 | Another | x | nothing yet | not met |", "must say 'none'"),
        (
            "| 2 | Another | x | `tests/unit/test_sample.py::test_present` | done |",
            "is not one of",
        ),
        (
            "| 2 | Another | x | `tests/unit/test_sample.py::test_present` | metered |",
            "is not one of",
        ),
        (
            "| 3 | Another | x | `tests/unit/test_sample.py::test_present` | met |",
            "rows are numbered [1, 3], not 1 to 2",
        ),
        ("| 2 | Another | `girlscourt/nowhere.py` | none | not met |", "nowhere.py: no such file"),
        ("| 2 | Another | x | none |", "4 cells, not 5"),
    ],
)
def test_the_checker_reports_what_is_wrong(
    synthetic_root: Path, row_two: str, reported: str
) -> None:
    found = problems(synthetic_page(GOOD_ROWS[0], row_two), synthetic_root, range(1, 3))
    assert any(reported in problem for problem in found), found


def test_a_page_without_the_table_is_reported(synthetic_root: Path) -> None:
    assert problems("# Security\n\nNo table here.\n", synthetic_root) == [
        "no table with the columns " + " | ".join(HEADER)
    ]
