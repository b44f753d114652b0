"""Tells staff whether a visitor or caller may be on a youth's no-contact list, before contact.

Pure functions and an in-memory index; no database, no Qt. Staff type whatever they have (a name,
a phone number, a social-media handle) and :meth:`RestrictionIndex.check` answers:

* **BLOCK**: the probe is, for practical purposes, a restricted person. Staff stop the visit or call
  and follow the restriction's procedure.
* **REVIEW**: something is close enough that a person must look (ask for ID, compare aliases, call
  a supervisor). REVIEW never blocks on its own. Statutory admission calls (WIC 627) must never
  be silently stopped by this module; that decision stays with staff.
* **CLEAR**: nothing on the list is close.

How scores are made (0-100, higher is closer):

* Phone numbers are compared as E.164 strings (``phonenumbers``); an exact match scores 100.
  A 7-digit number typed without an area code can't prove identity, so a match on the last
  7 digits scores ``LOCAL_PHONE_SCORE`` (85, REVIEW).
* Handles are compared after dropping ``@``, case and any profile-URL prefix; exact scores 100.
  Handles that differ only in ``.``, ``_`` or ``-`` may be a different account, so they score
  ``HANDLE_VARIANT_SCORE`` (90, REVIEW).
* Names and handles are folded for look-alike letters of other scripts first (a Cyrillic "ѕ"
  reads as "s": ``confusables.skeleton``, Unicode TR 39).
* Names are folded (accents, case, apostrophes, punctuation) and compared with
  ``rapidfuzz.fuzz.ratio`` on the alphabetically sorted tokens (``token_sort_ratio``, so
  "SMITH, John" = "John Smith") and on the typed order (which survives a typo in a first
  letter). We don't use ``token_set_ratio``/``WRatio``: they score a strict subset ("John" vs
  "John Smith") at 90-100, which would BLOCK every John.
  Rules on top of the ratio:

  - exact after folding, in any order: 100;
  - equal once the spaces are removed ("LilPretty" vs "Lil Pretty", "O Brien" vs "O'Brien"):
    ``COMPACT_SCORE`` (95, BLOCK);
  - one side is a single word and the other is not identical: capped just below the block
    threshold. A lone given name or street name is weak evidence, and short words are one
    letter apart from unrelated words ("Ghost"/"Ghosty");
  - a single typed word equal to one word of a restricted name ("John" vs "John Smith"), or a
    single-word alias found inside the typed name: ``PARTIAL_SCORE`` (85, REVIEW, never BLOCK);
  - all words of the shorter name found (near-)exactly in the longer one ("John Smith Jr",
    "John Michael Smith"), or all but one when the shorter has 3 or more words:
    ``SUBSET_SCORE`` (88, REVIEW).

Why the default thresholds:

* ``DEFAULT_BLOCK_THRESHOLD = 92``: on a typical two-word name (about 10 letters) one dropped or
  added letter still blocks ("Jon Smith" 94.7, "Sean Brien" 95.2) but a changed letter does not
  ("Joan Smith" 90, "Maria"/"Mario Garcia" 91.7): a changed letter is often a different person,
  so a human decides. Exact matches (any order, accents, case, punctuation) score 100.
* ``DEFAULT_REVIEW_THRESHOLD = 80``: about two edits on a 10-letter name. It keeps nicknames,
  initials and spelling variants ("Johnny Smith" 90.9, "J. Smith" 82.4, "Jon Smyth" 84.2,
  "Shawn O'Brien" 87) and drops clearly different names ("Joan Smithers" 78.3, "James Smith"
  66.7, "Maria Garcia" vs "John Smith" under 30). The known borderline is a shared surname with
  a same-length given name sharing two letters ("Jane Smith" vs "John Smith" = exactly 80,
  REVIEW): a false alarm costs an ID check; a miss can cost a youth's safety.

Speed: :meth:`RestrictionIndex.build` precomputes dictionaries for exact lookups and a token index
(each word, its one-letter deletions and a Soundex-like key), so a check scores only the names
that share a similar word with the probe instead of running rapidfuzz over every restriction.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import phonenumbers
from rapidfuzz import fuzz, process

from girlscourt.domain.confusables import skeleton
from girlscourt.errors import ValidationError

__all__ = [
    "BLOCK",
    "CLEAR",
    "COMPACT_SCORE",
    "DEFAULT_BLOCK_THRESHOLD",
    "DEFAULT_REVIEW_THRESHOLD",
    "HANDLE_VARIANT_SCORE",
    "LOCAL_PHONE_SCORE",
    "PARTIAL_SCORE",
    "REVIEW",
    "SUBSET_SCORE",
    "CheckResult",
    "Match",
    "Probe",
    "RestrictedPerson",
    "RestrictionIndex",
    "fold_name",
    "name_tokens",
    "normalise_handle",
    "normalise_phone",
]

BLOCK = "BLOCK"
REVIEW = "REVIEW"
CLEAR = "CLEAR"

DEFAULT_BLOCK_THRESHOLD = 92.0
DEFAULT_REVIEW_THRESHOLD = 80.0
EXACT_SCORE = 100.0
COMPACT_SCORE = 95.0
SUBSET_SCORE = 88.0
PARTIAL_SCORE = 85.0
HANDLE_VARIANT_SCORE = 90.0
LOCAL_PHONE_SCORE = 85.0
TOKEN_NEAR = 85.0  # two words count as "the same word" in the subset rule at or above this ratio
DEFAULT_MAX_MATCHES = 50

_T = TypeVar("_T")

# Words that say little about identity on their own: never enough for a partial-name REVIEW.
_WEAK_TOKENS = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "mr", "mrs", "ms", "miss", "dr", "lil", "big", "baby", "lady"}
    | {"young", "yung", "little", "el", "la", "de", "del", "da", "van", "von", "bin", "al"}
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_FIELD_ORDER = {"phone": 0, "handle": 1, "name": 2, "alias": 3}

_JOINERS = {ord(c): None for c in "'’‘`´ʼ."}  # O'Brien → obrien, A.J. → aj
_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ı": "i"}
)
_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556", "aeiouyhw")
_NON_WORD = re.compile(r"[\W_]+")
_HANDLE_SEPARATORS = re.compile(r"[._\-]")
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_HANDLE_PATH_SKIP = frozenset({"add", "u", "user", "users", "profile", "people", "in"})


# --------------------------------------------------------------------------- normalisation


def fold_name(text: str) -> str:
    """Fold a name for comparison: no accents, casefolded, no punctuation, single spaces."""
    lowered = text.casefold()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        lowered = skeleton(bare.translate(_LETTERS))  # a Cyrillic "ѕ" reads as "s"
    return " ".join(_NON_WORD.sub(" ", lowered.translate(_JOINERS)).split())


def name_tokens(text: str) -> tuple[str, ...]:
    """The folded words of a name, sorted so word order does not matter."""
    return tuple(sorted(fold_name(text).split()))


def normalise_phone(text: str, region: str = "US") -> str | None:
    """A phone number in E.164 (``+15105550100``), or None if it is not a possible number.

    Uses ``is_possible_number`` rather than ``is_valid_number`` so fictional 555-01xx numbers
    parse; numbers without an area code ("555-0100") return None.
    """
    if not text or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_handle(text: str) -> str | None:
    """A social-media handle without ``@``, case or profile-URL prefix; None when empty."""
    handle = skeleton(unicodedata.normalize("NFKC", text).strip().casefold())
    handle = _URL_SCHEME.sub("", handle)
    handle = re.split(r"[?#]", handle, maxsplit=1)[0]
    parts = [p for p in handle.split("/") if p]
    if len(parts) > 1 and "." in parts[0]:  # "instagram.com/name", "www.tiktok.com/@name"
        parts = [p for p in parts[1:] if p not in _HANDLE_PATH_SKIP] or parts[1:]
    handle = parts[0] if parts else ""
    handle = "".join(handle.lstrip("@").split())
    return handle or None


def _local_digits(text: str) -> str | None:
    """The 7-digit subscriber number when ``text`` has no area code, else None."""
    digits = re.sub(r"\D", "", text)
    return digits if len(digits) == 7 else None


def _display_order(text: str) -> str:
    """Turn "Smith, John" into "John Smith" (but keep "John Smith, Jr")."""
    head, sep, tail = text.partition(",")
    if not sep or "," in tail or not head.strip() or not tail.strip():
        return text
    if fold_name(tail) in _SUFFIXES:
        return text
    return f"{tail} {head}"


def _soundex(token: str, length: int | None = 4) -> str | None:
    """A Soundex-like key whose first letter is coded too, so Kristina and Christina meet."""
    if len(token) < 3 or not token.isalpha():
        return None
    codes = [] if token[0].translate(_SOUNDEX) else ["0"]  # "0" keeps "Ann" apart from "Mia"
    previous = ""
    for char in token:
        code = char.translate(_SOUNDEX)
        if code and code != previous:
            codes.append(code)
        if char not in "hw":
            previous = code
    return "".join(codes[:length])


def _word_keys(word: str) -> Iterator[str]:
    """Index keys of a real word: itself, its one-letter deletions (4+ letters), a sound key."""
    yield word
    if len(word) >= 4:
        for i in range(len(word)):
            yield word[:i] + word[i + 1 :]
    sound = _soundex(word)
    if sound is not None:
        yield "#" + sound


def _compact_keys(compact: str) -> Iterator[str]:
    """Index keys of a name with its spaces removed: itself and its full-length sound key."""
    yield compact
    sound = _soundex(compact, None)
    if sound is not None:
        yield "##" + sound


def _query_keys(word: str) -> Iterator[str]:
    """Lookup keys of a typed word: it may be near a real word or a whole name run together."""
    yield from _word_keys(word)
    sound = _soundex(word, None)
    if sound is not None:
        yield "##" + sound


def _partial_ok(token: str) -> bool:
    """Whether one word on its own is worth a REVIEW."""
    return len(token) >= 2 and token not in _WEAK_TOKENS and not token.isdigit()


def _covers(probe: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Whether the shorter word list is (near-)contained in the longer one."""
    short, long_ = (probe, name) if len(probe) <= len(name) else (name, probe)
    free = list(long_)
    matched = 0
    for word in short:
        best = max(free, key=lambda other: fuzz.ratio(word, other))
        if best == word or fuzz.ratio(word, best) >= TOKEN_NEAR:
            free.remove(best)
            matched += 1
    needed = len(short) - 1 if len(short) >= 3 else len(short)
    return matched >= 2 and matched >= needed


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class RestrictedPerson:
    """One restricted person: ``names[0]`` is the legal name, the rest aliases or street names."""

    restriction_id: int
    names: tuple[str, ...]
    phones: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Probe:
    """What staff typed at the visiting desk or phone; any field may be missing."""

    name: str | None = None
    phone: str | None = None
    handle: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One reason to look: which restriction, which recorded value, and how close (0-100)."""

    restriction_id: int
    field: str  # "name" | "alias" | "phone" | "handle"
    value: str  # the value as recorded on the restriction
    score: float


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The answer for staff: BLOCK, REVIEW or CLEAR, with the matches behind it (best first)."""

    result: str  # "BLOCK" | "REVIEW" | "CLEAR"
    matches: tuple[Match, ...]


_Entry = tuple[int, str, str]  # (restriction_id, field, value as recorded)
_Best = dict[_Entry, float]


def _raise_all(best: _Best, entries: Iterable[_Entry], score: float) -> None:
    """Keep the highest score seen for each entry."""
    for entry in entries:
        if score > best.get(entry, -1.0):
            best[entry] = score


def _freeze(table: dict[str, list[_T]]) -> dict[str, tuple[_T, ...]]:
    """Lists to tuples: smaller, and cheap for the garbage collector to skip."""
    return {key: tuple(values) for key, values in table.items()}


# --------------------------------------------------------------------------- index


@dataclass(slots=True)
class _Builder:
    """Mutable tables filled while indexing; ``finish`` turns them into a RestrictionIndex."""

    ordered: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    tokens: list[tuple[str, ...]] = field(default_factory=list)
    entries: list[list[_Entry]] = field(default_factory=list)
    form_ids: dict[str, int] = field(default_factory=dict)
    by_key: dict[str, list[int]] = field(default_factory=dict)
    by_compact: dict[str, list[int]] = field(default_factory=dict)
    by_word: dict[str, list[int]] = field(default_factory=dict)
    variants: dict[str, list[str]] = field(default_factory=dict)
    phones: dict[str, list[_Entry]] = field(default_factory=dict)
    phone_tails: dict[str, list[_Entry]] = field(default_factory=dict)
    local_phones: dict[str, list[_Entry]] = field(default_factory=dict)
    handles: dict[str, list[_Entry]] = field(default_factory=dict)
    handle_skeletons: dict[str, list[_Entry]] = field(default_factory=dict)
    e164_memo: dict[str, str | None] = field(default_factory=dict)

    def add(self, person: RestrictedPerson) -> None:
        """Index one person's names, aliases, phones and handles."""
        rid = person.restriction_id
        for position, name in enumerate(person.names):
            self.add_name(name, (rid, "name" if position == 0 else "alias", name))
        for phone in person.phones:
            self.add_phone(phone, (rid, "phone", phone))
        for handle in person.handles:
            norm = normalise_handle(handle)
            if norm is not None:
                entry = (rid, "handle", handle)
                self.handles.setdefault(norm, []).append(entry)
                skeleton = _HANDLE_SEPARATORS.sub("", norm)
                self.handle_skeletons.setdefault(skeleton, []).append(entry)

    def add_phone(self, phone: str, entry: _Entry) -> None:
        """Index a phone by E.164 and by its last 7 digits (or as a local-only number)."""
        if phone not in self.e164_memo:  # one person is often on several youths' lists
            self.e164_memo[phone] = normalise_phone(phone)
        e164 = self.e164_memo[phone]
        if e164 is not None:
            self.phones.setdefault(e164, []).append(entry)
            self.phone_tails.setdefault(e164[-7:], []).append(entry)
            return
        local = _local_digits(phone)
        if local is not None:
            self.local_phones.setdefault(local, []).append(entry)

    def add_name(self, name: str, entry: _Entry) -> None:
        """Index a name once per distinct folded form; remember who recorded it."""
        ordered = fold_name(_display_order(name))
        if not ordered:
            return
        form_id = self.form_ids.get(ordered)
        if form_id is None:
            form_id = self.new_form(ordered)
        self.entries[form_id].append(entry)

    def new_form(self, ordered: str) -> int:
        """Register a new folded name under its sorted key, compact form and words."""
        form_id = len(self.ordered)
        words = tuple(ordered.split())
        key = " ".join(sorted(words))
        compact = "".join(words)
        self.ordered.append(ordered)
        self.keys.append(key)
        self.tokens.append(words)
        self.entries.append([])
        self.form_ids[ordered] = form_id
        self.by_key.setdefault(key, []).append(form_id)
        self.by_compact.setdefault(compact, []).append(form_id)
        for word in dict.fromkeys(words):
            self.post(word, form_id, _word_keys)
        if len(words) > 1:
            self.post(compact, form_id, _compact_keys)
        return form_id

    def post(self, word: str, form_id: int, keys: Callable[[str], Iterator[str]]) -> None:
        """Add ``form_id`` to a word's posting list, registering the word's keys on first use."""
        posting = self.by_word.get(word)
        if posting is None:
            posting = self.by_word[word] = []
            for key in keys(word):
                self.variants.setdefault(key, []).append(word)
        posting.append(form_id)

    def finish(self) -> RestrictionIndex:
        """Freeze the tables into an index."""
        return RestrictionIndex(
            _Tables(
                ordered=tuple(self.ordered),
                keys=tuple(self.keys),
                tokens=tuple(self.tokens),
                entries=tuple(tuple(e) for e in self.entries),
                by_key=_freeze(self.by_key),
                by_compact=_freeze(self.by_compact),
                by_word=_freeze(self.by_word),
                variants={k: tuple(dict.fromkeys(v)) for k, v in self.variants.items()},
                phones=_freeze(self.phones),
                phone_tails=_freeze(self.phone_tails),
                local_phones=_freeze(self.local_phones),
                handles=_freeze(self.handles),
                handle_skeletons=_freeze(self.handle_skeletons),
            )
        )


@dataclass(frozen=True, slots=True)
class _Tables:
    """The frozen lookup tables; form ids index ``ordered``, ``keys``, ``tokens``, ``entries``."""

    ordered: tuple[str, ...]
    keys: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]
    entries: tuple[tuple[_Entry, ...], ...]
    by_key: dict[str, tuple[int, ...]]
    by_compact: dict[str, tuple[int, ...]]
    by_word: dict[str, tuple[int, ...]]
    variants: dict[str, tuple[str, ...]]
    phones: dict[str, tuple[_Entry, ...]]
    phone_tails: dict[str, tuple[_Entry, ...]]
    local_phones: dict[str, tuple[_Entry, ...]]
    handles: dict[str, tuple[_Entry, ...]]
    handle_skeletons: dict[str, tuple[_Entry, ...]]


class RestrictionIndex:
    """Precomputed lookups over restricted persons; build once, check many probes."""

    __slots__ = ("_t",)

    def __init__(self, tables: _Tables) -> None:
        self._t = tables

    @classmethod
    def build(cls, persons: Iterable[RestrictedPerson]) -> RestrictionIndex:
        """Index every name, alias, phone and handle of ``persons``."""
        builder = _Builder()
        for person in persons:
            builder.add(person)
        return builder.finish()

    def __len__(self) -> int:
        """The number of distinct folded names indexed."""
        return len(self._t.ordered)

    def check(
        self,
        probe: Probe,
        block_threshold: float = DEFAULT_BLOCK_THRESHOLD,
        review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
        *,
        max_matches: int = DEFAULT_MAX_MATCHES,
    ) -> CheckResult:
        """BLOCK / REVIEW / CLEAR for one probe; at most ``max_matches`` matches, best first."""
        if not 0.0 < review_threshold <= block_threshold <= 100.0:
            raise ValidationError(
                "review_threshold", "needs 0 < review threshold ≤ block threshold ≤ 100"
            )
        best: _Best = {}
        if probe.phone:
            self._check_phone(probe.phone, best)
        if probe.handle:
            self._check_handle(probe.handle, best)
        if probe.name:
            self._check_name(probe.name, best, block_threshold, review_threshold)
        top = max(best.values(), default=0.0)
        if top < review_threshold:
            return CheckResult(result=CLEAR, matches=())
        ranked = heapq.nsmallest(
            max(max_matches, 0),
            best.items(),
            key=lambda item: (-item[1], item[0][0], _FIELD_ORDER[item[0][1]], item[0][2]),
        )
        matches = tuple(
            Match(rid, fld, value, round(score, 1)) for (rid, fld, value), score in ranked
        )
        return CheckResult(result=BLOCK if top >= block_threshold else REVIEW, matches=matches)

    def _check_phone(self, text: str, best: _Best) -> None:
        t = self._t
        e164 = normalise_phone(text)
        if e164 is not None:
            _raise_all(best, t.phones.get(e164, ()), EXACT_SCORE)
            _raise_all(best, t.local_phones.get(e164[-7:], ()), LOCAL_PHONE_SCORE)
            return
        local = _local_digits(text)
        if local is not None:
            _raise_all(best, t.phone_tails.get(local, ()), LOCAL_PHONE_SCORE)
            _raise_all(best, t.local_phones.get(local, ()), LOCAL_PHONE_SCORE)

    def _check_handle(self, text: str, best: _Best) -> None:
        norm = normalise_handle(text)
        if norm is None:
            return
        skeleton = _HANDLE_SEPARATORS.sub("", norm)
        _raise_all(best, self._t.handle_skeletons.get(skeleton, ()), HANDLE_VARIANT_SCORE)
        _raise_all(best, self._t.handles.get(norm, ()), EXACT_SCORE)

    def _check_name(self, text: str, best: _Best, block: float, review: float) -> None:
        t = self._t
        ordered = fold_name(_display_order(text))
        tokens = tuple(ordered.split())
        if not tokens:
            return
        scores: dict[int, float] = {}
        reach = self._reach(tokens)
        self._score_fuzzy(tokens, ordered, list(reach), scores, block, review)
        self._score_rules(tokens, reach, scores, block)
        for form_id in t.by_compact.get("".join(tokens), ()):
            scores[form_id] = max(scores.get(form_id, 0.0), COMPACT_SCORE)
        for form_id in t.by_key.get(" ".join(sorted(tokens)), ()):
            scores[form_id] = EXACT_SCORE
        for form_id, score in scores.items():
            if score >= review:
                _raise_all(best, t.entries[form_id], score)

    def _similar_words(self, word: str) -> set[str]:
        """Indexed words (or run-together names) within one edit of ``word`` or sounding alike."""
        variants = self._t.variants
        similar: set[str] = set()
        for key in _query_keys(word):
            similar.update(variants.get(key, ()))
        return similar

    def _reach(self, tokens: tuple[str, ...]) -> Counter[int]:
        """Candidate names, each with how many probe words found it."""
        by_word = self._t.by_word
        reach: Counter[int] = Counter()
        for word in dict.fromkeys(tokens):
            forms: set[int] = set()
            for similar in self._similar_words(word):
                forms.update(by_word[similar])
            reach.update(forms)
        if len(tokens) > 1:  # "Lil Prety" typed apart still finds the alias "Lilpretty"
            for similar in self._similar_words("".join(tokens)):
                for form_id in by_word[similar]:
                    reach.setdefault(form_id, 0)
        return reach

    def _score_fuzzy(
        self,
        tokens: tuple[str, ...],
        ordered: str,
        candidates: list[int],
        scores: dict[int, float],
        block: float,
        review: float,
    ) -> None:
        """rapidfuzz ratio on sorted and on typed word order, over the candidates only."""
        if not candidates:
            return
        t = self._t
        by_key = process.extract(
            " ".join(sorted(tokens)),
            [t.keys[f] for f in candidates],
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
            score_cutoff=review,
        )
        by_order = process.extract(
            ordered,
            [t.ordered[f] for f in candidates],
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
            score_cutoff=review,
        )
        cap = block - 1.0
        single = len(tokens) == 1
        for _, score, position in [*by_key, *by_order]:
            form_id = candidates[position]
            capped = min(score, cap) if single or len(t.tokens[form_id]) == 1 else score
            if capped > scores.get(form_id, 0.0):
                scores[form_id] = capped

    def _score_rules(
        self,
        tokens: tuple[str, ...],
        reach: Counter[int],
        scores: dict[int, float],
        block: float,
    ) -> None:
        """Partial-name and subset rules; both stay below the block threshold."""
        t = self._t
        partial = min(PARTIAL_SCORE, block - 1.0)
        subset = min(SUBSET_SCORE, block - 1.0)
        if len(tokens) == 1:
            if _partial_ok(tokens[0]):
                for form_id in t.by_word.get(tokens[0], ()):
                    if len(t.tokens[form_id]) > 1:
                        scores[form_id] = max(scores.get(form_id, 0.0), partial)
            return
        words = set(tokens)
        for form_id, hits in reach.items():
            name = t.tokens[form_id]
            if len(name) == 1:
                if name[0] in words and _partial_ok(name[0]):
                    scores[form_id] = max(scores.get(form_id, 0.0), partial)
            elif (
                hits >= 2
                and (len(name) != len(tokens) or len(name) >= 3)
                and scores.get(form_id, 0.0) < subset
                and _covers(tokens, name)
            ):
                scores[form_id] = subset
