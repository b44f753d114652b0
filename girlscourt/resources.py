"""Finding shipped data files (instruments, schemas, fonts) in a checkout or an installed app."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: inside the package when installed, beside it in a checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = [Path(__file__).resolve().parent / "_resources"]
    if frozen:
        candidates.insert(0, Path(frozen) / "girlscourt" / "_resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    for candidate in candidates:
        if (candidate / "schemas").is_dir():
            return candidate
    raise FileNotFoundError("the resources folder is missing from this installation")


def resource(*parts: str) -> Path:
    """A path under ``resources/``."""
    return resources_dir().joinpath(*parts)
