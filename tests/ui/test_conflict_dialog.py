"""The conflict dialog's three-way comparison: whose change is whose, what "keep" saves."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from girlscourt.domain.youth_rules import YouthInput
from ui.dialogs.conflict_dialog import Change, changes, merge

BASE = YouthInput("Ana", "Ashbrook", dt.date(2011, 4, 18), pronouns="she/her", aliases=("Candy",))


def test_each_side_keeps_its_own_changes() -> None:
    mine = replace(BASE, preferred_name="Annie", aliases=("Candy", "Kitty"))
    saved = replace(BASE, pronouns="they/them")
    found = changes(BASE, mine, saved)
    assert found["preferred_name"] is Change.MINE
    assert found["aliases"] is Change.MINE
    assert found["pronouns"] is Change.THEIRS
    assert found["legal_last_name"] is Change.NONE
    merged = merge(BASE, mine, saved)
    assert merged == replace(saved, preferred_name="Annie", aliases=("Candy", "Kitty"))


def test_a_field_both_changed_is_marked_and_mine_wins_only_if_kept() -> None:
    mine = replace(BASE, primary_language="Spanish")
    saved = replace(BASE, primary_language="Mam")
    assert changes(BASE, mine, saved)["primary_language"] is Change.BOTH
    assert merge(BASE, mine, saved).primary_language == "Spanish"


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    mine = replace(BASE, pronouns="they/them")
    assert changes(BASE, mine, mine)["pronouns"] is Change.NONE
