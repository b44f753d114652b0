"""Names as people write them: validation that keeps them exact, and folding that finds them.

A name is stored exactly as typed (NFC-normalised), so ``O'Brien``, ``O’Brien``, ``Nguyễn`` and
``Zoë`` print as the youth writes them. Characters that hide or reorder text (controls, bidi
overrides, zero-width marks) are refused: they let one record impersonate another on screen.
Search works on a folded form: no accents, no case, no apostrophes, tokens in any order.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from girlscourt.errors import ValidationError

_BIDI_AND_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad"
)
_APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4"
_SPLIT = re.compile(r"[^\w]+", re.UNICODE)
_SOUND_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def bad_character(text: str) -> str | None:
    """Describe the first hidden or control character in ``text``, or None if there is none."""
    for char in text:
        category = unicodedata.category(char)
        if char in _BIDI_AND_INVISIBLE or category in {"Cc", "Cf", "Co", "Cs", "Cn"}:
            name = unicodedata.name(char, "unnamed character")
            return f"contains a hidden or control character (U+{ord(char):04X} {name})"
    return None


def clean_text(
    field: str, value: str | None, *, required: bool, max_length: int, multiline: bool = False
) -> str | None:
    """NFC-normalise and check one text field; raise ValidationError naming the field."""
    if value is None:
        if required:
            raise ValidationError(field, "is required")
        return None
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    if len(value) > max_length * 4:  # refused before any work on a huge value
        raise ValidationError(field, f"is too long ({len(value)} characters; at most {max_length})")
    # Checked before stripping: a name with a trailing TAB or line break is refused, not trimmed.
    checked = value.replace("\n", "").replace("\r", "").replace("\t", "") if multiline else value
    problem = bad_character(checked)
    if problem:
        raise ValidationError(field, problem)
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        if required:
            raise ValidationError(field, "is required")
        return None
    if len(text) > max_length:
        raise ValidationError(field, f"is too long ({len(text)} characters; at most {max_length})")
    return text


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accent-, case- and apostrophe-insensitive form used for matching, never for display.

    Cached: search ranks hundreds of names per keystroke and names repeat.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in _APOSTROPHES:
        stripped = stripped.replace(mark, "")
    return " ".join(_SPLIT.sub(" ", stripped.casefold().replace("_", " ")).split())


def tokens(text: str) -> list[str]:
    """Folded words of a name, in order (callers that ignore order sort or set them)."""
    return fold(text).split()


def phonetic_key(token: str) -> str:
    """A sound-alike key (Soundex-like, six long) so ``Smtih`` and ``Jonh`` still find the row.

    The first letter is kept as is; consonants map to classes; vowels separate repeats. It forgives
    transposed and doubled letters and dropped vowels, which are the usual slips at a keyboard.
    """
    letters = [c for c in token if "a" <= c <= "z"]
    if not letters:
        return token[:6]
    key = letters[0]
    last = _SOUND_CODES.get(letters[0], "")
    for char in letters[1:]:
        code = _SOUND_CODES.get(char, "")
        if code and code != last:
            key += code
        if char not in "hw":
            last = code
        if len(key) == 6:
            break
    return key


def initials(first: str, last: str, override: str | None = None) -> str:
    """Docket initials ("Z.O."), unless a clerk set them by hand for an unusual name."""
    if override:
        return override
    parts = [p for p in (first, last) if p]
    return "".join(f"{p[0].upper()}." for p in parts)
