"""The front end imports in no circle either (here, where ui may be imported; see
tests/unit/test_architecture.py for the core)."""

from __future__ import annotations

import grimp

from tests.import_graph import cycles


def test_no_front_end_module_imports_in_a_circle() -> None:
    graph = grimp.build_graph("girlscourt", "ui", exclude_type_checking_imports=True)
    assert cycles(graph) == []
