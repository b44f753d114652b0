"""Import circles in a grimp graph, for the architecture tests of the core and the front end."""

from __future__ import annotations

import grimp


def cycles(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Each direct import ``a -> b`` where ``b`` also reaches ``a``: one pair per circle edge."""
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported in graph.modules and graph.chain_exists(
                importer=imported, imported=importer
            ):
                found.append((importer, imported))
    return found
