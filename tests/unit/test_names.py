"""Names are kept exactly as typed; hidden characters are refused; folding finds them anyway."""

from __future__ import annotations

import pytest

from girlscourt.domain.names import clean_text, fold, initials, phonetic_key, tokens
from girlscourt.errors import ValidationError


@pytest.mark.parametrize(
    "typed", ["O'Brien", "O’Brien", "Nguyễn Thị Ánh", "Zoë", "María-José", "Đặng", "Ngozi Adébáyọ̀"]
)
def test_names_kept_exactly_as_typed(typed: str) -> None:
    assert clean_text("legal_last_name", typed, required=True, max_length=100) == typed


def test_decomposed_input_is_nfc_normalised() -> None:
    decomposed = "Zoe\u0308"
    assert clean_text("f", decomposed, required=True, max_length=100) == "Zo\u00eb"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ana\u202eB", "U+202E"),
        ("Ana\u200bB", "U+200B"),
        ("A\x07na", "U+0007"),
        ("A\u2066na", "U+2066"),
        ("\ufeffAna", "U+FEFF"),
        ("An\u200da", "U+200D"),
    ],
)
def test_hidden_characters_refused_with_field_name(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        clean_text("legal_first_name", text, required=True, max_length=100)
    assert error.value.field == "legal_first_name"
    assert code in str(error.value)


def test_required_and_length() -> None:
    with pytest.raises(ValidationError, match="legal_last_name: is required"):
        clean_text("legal_last_name", "   ", required=True, max_length=100)
    with pytest.raises(ValidationError, match="too long"):
        clean_text("legal_last_name", "x" * 101, required=True, max_length=100)
    assert clean_text("preferred_name", "  ", required=False, max_length=100) is None


def test_fold_ignores_accents_case_and_apostrophes() -> None:
    assert fold("Zoë O’Brien") == fold("ZOE obrien") == "zoe obrien"
    assert tokens("Nguyễn Thị Ánh") == ["nguyen", "thi", "anh"]
    assert tokens("SMITH, John") == ["smith", "john"]


@pytest.mark.parametrize(
    ("right", "slip"),
    [
        ("smith", "smtih"),
        ("john", "jonh"),
        ("garcia", "gracia"),
        ("rodriguez", "rodrigez"),
        ("jasmine", "jasmin"),
        ("nguyen", "nguyn"),
    ],
)
def test_phonetic_key_forgives_small_slips(right: str, slip: str) -> None:
    assert phonetic_key(right) == phonetic_key(slip)


def test_phonetic_key_tells_different_names_apart() -> None:
    assert phonetic_key("maria") != phonetic_key("jasmine")


def test_initials() -> None:
    assert initials("Zoë", "O’Brien") == "Z.O."
    assert initials("Ánh", "Nguyễn", "A.N.T.") == "A.N.T."
