"""Times no-contact checks against 100k synthetic restrictions (a script, not a test).

Run: ``.venv/bin/python benchmarks/bench_contact_matching.py [--persons N] [--probes N]``.
Every name, phone and handle is synthetic: invented surnames built from syllables, fictional
555-01xx phone numbers and made-up handles.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from girlscourt.domain.contact_matching import (
    Probe,
    RestrictedPerson,
    RestrictionIndex,
)


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    """Split a literal word list (keeps the lists below readable)."""
    return tuple(text.split(sep))


FIRST_NAMES = _words(
    "Aaron Adrian Alex Andre Angel Anthony Brandon Bryan Carlos Chris Daniel Darius David Devon "
    "Diego Dominic Eddie Elijah Eric Evan Frank Gabriel Isaac Ivan Jamal Jason Javier Jerome "
    "John Jon Jordan Jose Joseph Juan Julian Kevin Leon Luis Malik Marcus Mario Mark Martin "
    "Michael Miguel Nathan Omar Oscar Pablo Paul Rafael Ray Ricky Robert Ruben Ryan Samuel Sean "
    "Steven Terrell Tony Travis Tyrone Victor Vince Wesley Xavier Zach"
)
# Invented surnames: a first syllable and an ending, e.g. "Brenwick", "Talford".
SYLLABLES_A = _words(
    "Bal Bren Cor Dal Dor Fen Gar Hal Kel Lor Mar Mel Nor Pel Quin Ral Sel Tal Tor"
)
SYLLABLES_B = _words(
    "an ard by den dell er ett ford ham ick ington ley lin more ney ridge son ton vin wick"
)
STREET_NAMES = _words(
    "Ghost|Big Money|Lil Pretty|Baby Face|Smoke|Dice|Ace|Blaze|Prince|King Kash|Lil Slim|Shadow|"
    "Ice|Duke|Flash|Boss Man|Sly|Tank|Rico|Stacks|Lucky|Cash Flow|Scooter|Mystic|Dream",
    "|",
)
AREA_CODES = (209, 213, 310, 323, 408, 415, 510, 530, 559, 562, 619, 626, 650, 661, 707, 714)
# Probes for people who are on no list: none of these words is near a word above.
STRANGER_FIRST = _words("Wren Odessa Imani Thaddeus Priya Soledad Ulrich Yevgenia")
STRANGER_LAST = _words("Okonkwo Ferreira Abernathy Quist Vasquez-Ibarra Zielinski")


def synthetic_persons(count: int, seed: int = 7) -> list[RestrictedPerson]:
    """``count`` deterministic, clearly fictional restricted persons."""
    rng = random.Random(seed)
    persons = []
    for rid in range(1, count + 1):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(SYLLABLES_A) + rng.choice(SYLLABLES_B)
        if rng.random() < 0.3:
            last += "-" + rng.choice(SYLLABLES_A) + rng.choice(SYLLABLES_B)
        names = [f"{first} {last}"]
        for _ in range(rng.randint(0, 2)):
            alias = rng.choice(STREET_NAMES)
            names.append(alias if rng.random() < 0.6 else f"{alias} {rng.randint(2, 99)}")
        phones = tuple(
            f"({rng.choice(AREA_CODES)}) 555-01{rng.randint(0, 99):02d}"
            for _ in range(rng.randint(0, 2))
        )
        handles = tuple(
            f"@{last.lower().replace('-', '')}.{first.lower()}{rng.randint(0, 9999):04d}"
            for _ in range(rng.randint(0, 1))
        )
        persons.append(RestrictedPerson(rid, tuple(names), phones, handles))
    return persons


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


def mixed_probes(persons: list[RestrictedPerson], count: int, seed: int = 11) -> list[Probe]:
    """A realistic mix: exact and misspelt names, single words, phones, handles, strangers."""
    rng = random.Random(seed)
    probes: list[Probe] = []
    for n in range(count):
        person = rng.choice(persons)
        kind = n % 8
        if kind == 0:
            probes.append(Probe(name=person.names[0]))
        elif kind == 1:
            probes.append(Probe(name=_typo(rng, person.names[0])))
        elif kind == 2:
            probes.append(Probe(name=rng.choice(person.names).upper()))
        elif kind == 3:
            probes.append(
                Probe(name=rng.choice(FIRST_NAMES + tuple(s.split()[-1] for s in STREET_NAMES)))
            )
        elif kind == 4:
            stranger = f"{rng.choice(STRANGER_FIRST)} {rng.choice(STRANGER_LAST)}"
            probes.append(Probe(name=stranger))
        elif kind == 5:
            area = rng.choice(AREA_CODES) if n % 16 == 5 else 805  # 805 is on no list
            last = rng.randint(0, 99)
            probes.append(Probe(phone=f"{area}.555.01{last:02d}"))
        elif kind == 6:
            probes.append(Probe(handle=(person.handles or ("@nobody.here.0000",))[0].upper()))
        else:
            probes.append(Probe(name=person.names[0], phone="(999) 555-0100", handle="@someone"))
    return probes


def main(argv: list[str] | None = None) -> int:
    """Build the index, time every probe, print build time and p50/p95/max."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=500)
    args = parser.parse_args(argv)

    persons = synthetic_persons(args.persons)
    started = time.perf_counter()
    index = RestrictionIndex.build(persons)
    build_s = time.perf_counter() - started

    probes = mixed_probes(persons, args.probes)
    timings_ms: list[float] = []
    outcomes: dict[str, int] = {}
    for probe in probes:
        started = time.perf_counter()
        result = index.check(probe)
        timings_ms.append((time.perf_counter() - started) * 1000.0)
        outcomes[result.result] = outcomes.get(result.result, 0) + 1

    timings_ms.sort()
    p95 = timings_ms[max(0, round(0.95 * len(timings_ms)) - 1)]
    print(f"restricted persons: {len(persons):,}  distinct names: {len(index):,}")
    print(f"build: {build_s:.2f} s")
    print(f"probes: {len(probes)}  outcomes: {dict(sorted(outcomes.items()))}")
    print(
        f"check ms: p50 {statistics.median(timings_ms):.2f}  p95 {p95:.2f}  "
        f"max {timings_ms[-1]:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
