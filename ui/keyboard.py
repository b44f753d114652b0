"""Keyboard-only operation helpers: an explicit tab order, so focus never jumps around a form."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from PySide6.QtWidgets import QWidget


def chain_tab_order(widgets: Iterable[QWidget]) -> None:
    """Tab moves through ``widgets`` in the order given (and Shift+Tab back)."""
    for first, second in itertools.pairwise(list(widgets)):
        QWidget.setTabOrder(first, second)
