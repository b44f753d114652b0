"""Issue 16 point 8: look-alike letters of other scripts cannot slip a restricted person past
the desk (Unicode TR 39 confusables folded before matching)."""

from __future__ import annotations

import pytest

from girlscourt.domain.confusables import skeleton
from girlscourt.domain.contact_matching import (
    BLOCK,
    CLEAR,
    Probe,
    RestrictedPerson,
    RestrictionIndex,
    fold_name,
    normalise_handle,
)


def test_cyrillic_and_greek_look_alikes_read_as_latin() -> None:
    assert skeleton("ѕаvаgе") == "savage"  # Cyrillic ѕ, а, е
    assert skeleton("gһοѕt") == "ghost"  # Cyrillic һ, Greek ο, Cyrillic ѕ
    assert skeleton("plain ascii") == "plain ascii"
    assert skeleton("Саша") == "caшa"  # no Latin look-alike for ш: kept


def test_names_and_handles_fold_the_look_alikes() -> None:
    assert normalise_handle("@ѕavage_kіng") == normalise_handle("@savage_king")
    assert fold_name("Jаmes Ѕmith") == fold_name("James Smith")  # Cyrillic а, Ѕ
    assert fold_name("Zoë O’Brien") == "zoe obrien"  # accents still fold as before


@pytest.fixture
def index() -> RestrictionIndex:
    person = RestrictedPerson(1, names=("Marcus Delane", "Savage"), handles=("@savage_king",))
    return RestrictionIndex.build([person])


def test_a_homoglyph_handle_checks_block_not_clear(index: RestrictionIndex) -> None:
    assert index.check(Probe(handle="@ѕavage_king")).result == BLOCK  # Cyrillic ѕ
    assert index.check(Probe(name="Маrcus Dеlane")).result == BLOCK  # Cyrillic М, е
    assert index.check(Probe(handle="@someone_else")).result == CLEAR
