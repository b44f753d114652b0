"""The shape docs/architecture.md draws, checked: packages it names exist, no module imports in a
circle, demo data and printing stay where they belong, and modules stay a readable size.

import-linter (``lint-imports`` in ``dev.py test``) keeps the layer contracts; these tests catch
what it does not: a circle between two modules of one package, a stale document, a module that
has grown too long.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest

from tests.import_graph import cycles

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
SERVICES = ROOT / "girlscourt" / "services"
MAX_LINES = 700
# Modules allowed over MAX_LINES, each with its reason.
LONG_MODULES = {
    "girlscourt/migrations/versions/2026_11_29_0001_initial_schema.py": (
        "data: the first schema, table by table; migrations are never edited after release"
    ),
}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """The core's import graph (the front end's is checked in tests/ui, where Qt may load)."""
    return grimp.build_graph("girlscourt", exclude_type_checking_imports=True)


def test_no_module_imports_in_a_circle(graph: grimp.ImportGraph) -> None:
    assert cycles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    """The check above can fail: a graph with a two-module circle is reported."""
    g = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        g.add_module(name)
    g.add_import(importer="pkg.a", imported="pkg.b")
    g.add_import(importer="pkg.b", imported="pkg.a")
    g.add_import(importer="pkg.c", imported="pkg.a")
    assert cycles(g) == [("pkg.a", "pkg.b"), ("pkg.b", "pkg.a")]


def test_printing_imports_no_services(graph: grimp.ImportGraph) -> None:
    for module in sorted(graph.find_children("girlscourt.printing")):
        imported = graph.find_modules_directly_imported_by(module)
        assert not {m for m in imported if m.startswith("girlscourt.services")}, module


def test_only_the_demo_command_imports_demo_data(graph: grimp.ImportGraph) -> None:
    demo = {m for m in graph.modules if m == "girlscourt.demo" or m.startswith("girlscourt.demo.")}
    importers = set()
    for module in demo:
        importers |= graph.find_modules_that_directly_import(module)
    assert importers - demo == {"girlscourt.cli.demo_commands"}


def test_the_kernel_imports_no_capability(graph: grimp.ImportGraph) -> None:
    for module in sorted(graph.find_descendants("girlscourt.services.kernel")):
        outside = {
            m
            for m in graph.find_modules_directly_imported_by(module)
            if m.startswith("girlscourt.services.")
            and not m.startswith("girlscourt.services.kernel")
        }
        assert not outside, module


def test_every_capability_package_says_what_it_owns() -> None:
    packages = sorted(p for p in SERVICES.iterdir() if (p / "__init__.py").exists())
    assert len(packages) >= 10
    for package in packages:
        tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
        doc = ast.get_docstring(tree) or ""
        assert len(doc.split()) >= 20, f"{package.name}/__init__.py needs its paragraph"
        assert "import" in doc, f"{package.name}/__init__.py should say what it may import"
    flat = sorted(p.name for p in SERVICES.glob("*.py"))
    assert flat == ["__init__.py"], "services/ holds packages, not flat modules"


def _named_paths(text: str) -> set[str]:
    """Every path in backticks the document names: ``girlscourt/…``, ``ui/…``, ``services/…``."""
    names = set()
    for quoted in re.findall(r"`([^`\s]+)`", text):
        if quoted.startswith(("girlscourt/", "ui/", "services/", "docs/", "tests/")) and (
            "<" not in quoted
        ):
            names.add(quoted)
    for line in re.findall(r"^- `services/([a-z_]+)/`: (.*(?:\n  .*)*)", text, re.M):
        package, files = line
        for name in re.findall(r"`([a-z_]+\.py)`", files):
            names.add(f"services/{package}/{name}")
    return names


def test_the_architecture_document_names_only_what_exists() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = _named_paths(text)
    assert len(named) > 40
    missing = []
    for name in sorted(named):
        path = ROOT / ("girlscourt/" + name if name.startswith("services/") else name)
        if not path.exists() and not (ROOT / "girlscourt" / name).exists():
            missing.append(name)
    assert missing == []
    drawn = set(re.findall(r"^([a-z]+(?: \| [a-z]+)*) {2,}", text, re.M))
    layers = {name for line in drawn for name in line.split(" | ")}
    packages = {p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists()}
    assert packages <= layers, f"not drawn: {sorted(packages - layers)}"


def test_modules_stay_a_readable_size() -> None:
    too_long = {}
    for path in sorted((ROOT / "girlscourt").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and relative not in LONG_MODULES:
            too_long[relative] = lines
    assert too_long == {}
    for relative in LONG_MODULES:
        assert (ROOT / relative).exists(), f"{relative} is named as long but is gone"
