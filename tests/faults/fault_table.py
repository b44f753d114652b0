"""The figures the fault suite prints at the end of a run (and `dev.py faults` saves).

Each fault test adds what it saw: how many rounds it ran, how many the product survived (the
right outcome, integrity intact), committed records lost, partial records found, and the slowest
time from the fault to the error the user was shown. Rows of one fault add up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FaultRow:
    """One fault's totals."""

    fault: str
    rounds: int = 0
    survived: int = 0
    lost: int = 0
    partial: int = 0
    seconds_to_error: float | None = None
    backends: set[str] = field(default_factory=set)

    def add(
        self,
        *,
        rounds: int,
        survived: int,
        lost: int = 0,
        partial: int = 0,
        seconds_to_error: float | None = None,
        backend: str | None = None,
    ) -> None:
        self.rounds += rounds
        self.survived += survived
        self.lost += lost
        self.partial += partial
        if seconds_to_error is not None:
            self.seconds_to_error = max(self.seconds_to_error or 0.0, seconds_to_error)
        if backend:
            self.backends.add(backend)


class FaultTable:
    """Every fault's row, in the order RELIABILITY.md lists them."""

    def __init__(self) -> None:
        self.rows: dict[str, FaultRow] = {}

    def record(self, fault: str, **figures: object) -> None:
        """Add one test's figures to the row of ``fault`` (e.g. "F5 SIGKILL during writes")."""
        row = self.rows.setdefault(fault, FaultRow(fault))
        row.add(**figures)  # type: ignore[arg-type]

    def markdown(self) -> str:
        head = (
            "| fault | backends | rounds | survived | committed records lost | partial records "
            "| seconds to the user's error |\n|---|---|---|---|---|---|---|\n"
        )
        lines = []
        for key in sorted(self.rows, key=_fault_order):
            row = self.rows[key]
            seconds = "—" if row.seconds_to_error is None else f"{row.seconds_to_error:.2f}"
            backends = ", ".join(sorted(row.backends)) or "—"
            lines.append(
                f"| {row.fault} | {backends} | {row.rounds} | {row.survived} | {row.lost} "
                f"| {row.partial} | {seconds} |"
            )
        return head + "\n".join(lines) + "\n"

    def save(self) -> Path | None:
        """Write the table where ``GIRLSCOURT_FAULT_TABLE`` says (dev.py faults sets it)."""
        target = os.environ.get("GIRLSCOURT_FAULT_TABLE")
        if not target or not self.rows:
            return None
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.markdown(), encoding="utf-8")
        return path


def _fault_order(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name.split()[0] if ch.isdigit())
    return (int(digits) if digits else 99, name)


TABLE = FaultTable()
