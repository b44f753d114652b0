"""Letters drawn from other scripts that read as Latin ones, folded to the Latin letter.

An exploiter who writes a handle with a Cyrillic ``ѕ`` for ``s`` (or a Greek ``ο`` for ``o``)
must not check CLEAR at the desk against the restriction that names the Latin spelling. Unicode
TR 39 lists such confusables; the ``confusable_homoglyphs`` package ships that data. Here every
non-ASCII character that TR 39 calls confusable with one ASCII letter or digit is read as that
letter (its skeleton, restricted to what a desk check compares). ASCII text is returned as is,
so the common case costs one ``isascii`` call. Fullwidth and mathematical letters are already
folded by NFKC in the callers.
"""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def _latin_prototypes() -> dict[str, str]:
    """Non-ASCII character -> the ASCII letter or digit TR 39 says it is confusable with."""
    text = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    table: dict[str, str] = {}
    for char, entries in json.loads(text).items():
        if len(char) != 1 or char.isascii():
            continue
        for entry in entries:
            target = entry.get("c", "")
            if len(target) == 1 and target.isascii() and target.isalnum():
                table[char] = target.lower()
                break
    return table


def skeleton(text: str) -> str:
    """``text`` with each Latin look-alike replaced by its Latin letter (lower case)."""
    if text.isascii():
        return text
    table = _latin_prototypes()
    return "".join(table.get(char, char) for char in text)
