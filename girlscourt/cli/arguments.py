"""Argument types and the text screen for command-line values.

Numbers are bounded to the columns they reach (a record id beyond 32 bits is a usage error,
not an overflow in the driver); every text argument is screened like a JSON string, naming the
option, because argv may carry NUL (in-process callers) or lone surrogates (undecodable bytes).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator

from girlscourt.domain.value_rules import INT_MAX, text_problem
from girlscourt.errors import ValidationError

# Options whose text may span lines (notes and reasons); every other text option is one line.
MULTILINE_DESTS = frozenset({"note", "justification", "reason"})


class WholeNumber:
    """An argparse type: a whole number (else a usage error, exit 2), whose range
    ``low..high`` ``screen_arguments`` checks (else exit 1 naming the option, as for JSON)."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high
        self.__name__ = "whole number"

    def __call__(self, text: str) -> int:
        stripped = text.strip()
        digits = stripped.lstrip("+-")
        if not digits.isascii() or not digits.isdigit() or len(stripped) - len(digits) > 1:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {self.low} to {self.high}"
            )
        return int(stripped) if len(digits) <= 20 else self.high + 1

    def problem(self, value: float) -> str | None:
        if self.low <= value <= self.high:
            return None
        return f"must be a whole number from {self.low} to {self.high}"


def whole_number(low: int, high: int) -> WholeNumber:
    """A whole-number argument within ``low..high``."""
    return WholeNumber(low, high)


record_id = WholeNumber(1, INT_MAX)
"""A record id: a positive 32-bit integer."""


class FiniteNumber:
    """An argparse type: a number (else a usage error), whose range ``screen_arguments``
    checks; NaN and infinities are out of every range."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high
        self.__name__ = "number"

    def __call__(self, text: str) -> float:
        try:
            return float(text) if len(text) <= 40 else math.nan
        except ValueError:
            raise argparse.ArgumentTypeError("must be a number") from None

    def problem(self, value: float) -> str | None:
        if math.isfinite(value) and self.low <= value <= self.high:
            return None
        return f"must be a number from {self.low:g} to {self.high:g}"


hours = FiniteNumber(0, 200)
"""Course hours."""


def _chosen_actions(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> Iterator[argparse.Action]:
    """The arguments of the command that was chosen (through every level of subcommands)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(getattr(args, str(action.dest), None) or "")
            if chosen is not None:
                yield from _chosen_actions(chosen, args)
        else:
            yield action


def _shown(action: argparse.Action) -> str:
    if action.option_strings:
        return max(action.option_strings, key=len)
    return str(action.metavar or action.dest).upper()


def screen_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, naming the option, a number outside its range, or a text argument holding NUL,
    other controls, bidi overrides or lone surrogates (line breaks and TABs only in notes and
    reasons)."""
    for action in _chosen_actions(parser, args):
        value = getattr(args, action.dest, None)
        problem: str | None = None
        if isinstance(value, str):
            problem = text_problem(value, multiline=action.dest in MULTILINE_DESTS)
        elif isinstance(action.type, WholeNumber | FiniteNumber) and isinstance(value, int | float):
            problem = action.type.problem(value)
        if problem:
            raise ValidationError(_shown(action), problem)
