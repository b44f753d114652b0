"""Extension points: feature pages in the navigation and sections on a youth's record.

Each feature (intake, referrals, the desk, court, reports…) registers itself in ``ui/features.py``
with one line, so features are added without editing the main window or the record page, and
a feature is shown only to roles that may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QWidget

from ui.context import AppContext


class Navigator(Protocol):
    """What a feature page may ask of the main window."""

    def open_youth(self, youth_id: int) -> object:
        """Show a youth's record page."""
        ...


@dataclass(frozen=True)
class FeaturePage:
    """A page in the navigation list."""

    key: str
    title: str
    tooltip: str
    allowed: Callable[[AppContext], bool]
    factory: Callable[[AppContext, Navigator], QWidget]
    shortcut: str | None = None  # e.g. "Ctrl+I"


@dataclass(frozen=True)
class RecordSection:
    """A tab on a youth's record page (after the demographics tab).

    The widget may define ``refresh()``; the record page calls it after each load and save.
    """

    key: str
    title: str
    allowed: Callable[[AppContext], bool]
    factory: Callable[[AppContext, int, Navigator | None], QWidget]
