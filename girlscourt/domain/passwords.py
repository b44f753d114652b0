"""Password rules as CJIS v6.0 IA-5(1)(a) states them: length and a blocklist, no composition rules.

Pure functions: the blocklist is handed in (``services.security.accounts`` loads the shipped
file). Every refusal carries a reason code and a sentence the user can act on, because the policy
requires telling people why a password was refused.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MIN_LENGTH = 8  # chosen by the user (IA-5(1)(a)(3))
MAX_LENGTH = 1024  # long passphrases welcome; longer is refused whole, never truncated
BLOCKLIST_MAX_AGE_DAYS = 92  # refreshed quarterly (IA-5(1)(a)(10))

# The application's own names: a password built on them is the first thing anyone would try.
APP_WORDS = ("girlscourt", "girlscourts", "jjc", "juvenilejusticecenter")

_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
_AFFIX = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_COMPILED = re.compile(r"^#\s*compiled:\s*(\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


@dataclass(frozen=True)
class PasswordProblem:
    """Why a password was refused: a stable ``code`` for tests and a sentence for people."""

    code: str
    message: str


def normalise(password: str) -> str:
    """NFKC form, so the same passphrase typed on two keyboards verifies the same way."""
    return unicodedata.normalize("NFKC", password)


def fold(text: str) -> str:
    """Case- and compatibility-folded, for comparisons only (never for hashing)."""
    return normalise(text).casefold()


def parse_blocklist(text: str) -> frozenset[str]:
    """The entries of a blocklist file: one password a line, ``#`` starts a comment line."""
    entries = (line.strip() for line in text.splitlines())
    return frozenset(fold(e) for e in entries if e and not e.startswith("#"))


def blocklist_compiled_on(text: str) -> dt.date | None:
    """The ``# compiled: YYYY-MM-DD`` date in a blocklist file's header, if present."""
    match = _COMPILED.search(text)
    return dt.date.fromisoformat(match.group(1)) if match else None


def blocklist_staleness(compiled: dt.date | None, today: dt.date) -> str | None:
    """A sentence for administrators when the list is older than a quarter (None: fresh).

    The product says so, not a test: the list goes stale with the calendar, and the people who
    can refresh it must hear of it where they work.
    """
    if compiled is None:
        return (
            "The password blocklist has no compiled date: it cannot be shown to be fresh "
            "(CJIS IA-5: refresh it every quarter)."
        )
    age = (today - compiled).days
    if age <= BLOCKLIST_MAX_AGE_DAYS:
        return None
    return (
        f"The password blocklist was compiled on {compiled.isoformat()}, {age} days ago: older "
        "than a quarter. CJIS IA-5 asks for a list refreshed every quarter; install an update "
        "of the app or refresh resources/security/password_blocklist.txt."
    )


def _without(haystack: str, needle: str) -> str:
    return haystack.replace(needle, "") if needle else haystack


def _is_repetitive(folded: str) -> bool:
    """One character or a short unit over and over (``aaaaaaaa``, ``abab abab``), or ≤ 2 symbols."""
    compact = folded.replace(" ", "")
    if len(set(compact)) <= 2:
        return True
    for unit in range(1, min(4, len(compact) // 2) + 1):
        if len(compact) % unit == 0 and compact[:unit] * (len(compact) // unit) == compact:
            return True
    return False


def _is_sequential(folded: str) -> bool:
    """Made only of runs of three or more neighbours (``12345678abcd``, ``qwerty123``)."""
    compact = folded.replace(" ", "")
    if len(compact) < 3:
        return False
    runs: list[int] = []
    run, direction = 1, 0
    for prev, char in itertools.pairwise(compact):
        step = _direction(prev, char)
        if step and direction in (0, step):
            run, direction = run + 1, step
        else:
            runs.append(run)
            run, direction = 1, 0
    runs.append(run)
    return all(r >= 3 for r in runs)


def _direction(a: str, b: str) -> int:
    """+1 if ``b`` comes right after ``a`` in a sequence, -1 if right before, else 0."""
    for seq in _SEQUENCES:
        i, j = seq.find(a), seq.find(b)
        if i >= 0 and j >= 0 and abs(i - j) == 1:
            return j - i
    return 0


def _essentially(folded: str, word: str) -> bool:
    """``word`` is the password, or the password is ``word`` with under 8 other characters."""
    letters = re.sub(r"[\W_]", "", folded)
    if not word:
        return False
    if letters == word or folded == word:
        return True
    return word in letters and len(_without(letters, word)) < MIN_LENGTH


def check_password(
    password: object, username: str, blocklist: Iterable[str] | frozenset[str]
) -> PasswordProblem | None:
    """The first reason ``password`` may not be used by ``username``, or None when it may.

    Spaces and every printable character are allowed and nothing is truncated; control
    characters (which no keyboard field can type back reliably) are refused.
    """
    if not isinstance(password, str):
        return PasswordProblem("not_text", "must be text")
    if len(password) < MIN_LENGTH:
        return PasswordProblem("too_short", f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        return PasswordProblem("too_long", f"must be at most {MAX_LENGTH} characters")
    if any(unicodedata.category(c) == "Cc" for c in password):
        return PasswordProblem("control_character", "must not contain control characters")
    folded = fold(password)
    name = re.sub(r"[\W_]", "", fold(username or ""))
    if name and (_essentially(folded, name) or folded == fold(username)):
        return PasswordProblem("username", "is or contains your user name; choose another")
    if any(_essentially(folded, word) for word in APP_WORDS):
        return PasswordProblem("app_name", "is built on the application's name; choose another")
    if _is_repetitive(folded):
        return PasswordProblem("repetitive", "repeats the same characters; choose another")
    if _is_sequential(folded):
        return PasswordProblem(
            "sequential", "is a run of neighbouring keys, letters or digits; choose another"
        )
    listed = blocklist if isinstance(blocklist, frozenset) else frozenset(blocklist)
    core = _AFFIX.sub("", folded)
    if folded in listed or folded.replace(" ", "") in listed or (len(core) >= 4 and core in listed):
        return PasswordProblem(
            "blocklisted",
            "is on the list of common or breached passwords (adding digits or symbols to one "
            "does not help); a few unrelated words make a strong passphrase",
        )
    return None
