"""Printing results for people and for programs."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(document: Any) -> None:
    """JSON on stdout, UTF-8 as typed (no escaping of accents)."""
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
