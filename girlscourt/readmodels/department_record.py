"""A court department as saved: its code, name, courtroom, daily capacity and effective dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class DepartmentRecord:
    """A department as saved."""

    id: int
    version: int
    code: str
    name: str
    courtroom: str | None
    daily_capacity: int
    effective_from: dt.date | None
    effective_to: dt.date | None

    def in_use_on(self, day: dt.date) -> bool:
        """Whether the department sits on ``day`` by its effective dates."""
        starts = self.effective_from is None or self.effective_from <= day
        return starts and (self.effective_to is None or day <= self.effective_to)

    @property
    def label(self) -> str:
        """``Dept 4 – Girls Court (Courtroom 4)``."""
        room = f" ({self.courtroom})" if self.courtroom else ""
        return f"Dept {self.code} – {self.name}{room}"
