"""Tests for instrument definitions: shipped files, checksums, scoring by hand, refused files."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from girlscourt.domain.instrument_loading import (
    load_instrument,
    load_instrument_dir,
    load_instrument_text,
)
from girlscourt.domain.instrument_scoring import score_risk, score_screening
from girlscourt.domain.instruments import Instrument
from girlscourt.errors import ConfigurationError, ValidationError

INSTRUMENTS = Path(__file__).resolve().parents[2] / "resources" / "instruments"
SCHEMA = INSTRUMENTS / "instrument.schema.json"
SCREEN = INSTRUMENTS / "csec-screen-gc.json"
RISK = INSTRUMENTS / "detention-risk-example.json"

Mutation = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def screen() -> Instrument:
    return load_instrument(SCREEN)


@pytest.fixture(scope="module")
def risk() -> Instrument:
    return load_instrument(RISK)


def all_no(instrument: Instrument) -> dict[str, str]:
    return {item.id: "no" for item in instrument.items}


def write_copy(tmp_path: Path, source: Path, mutate: Mutation, name: str) -> Path:
    data = json.loads(source.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_instrument(path)
    return str(caught.value)


# --- The shipped files --------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_both_shipped_files_load_keyed_by_id_and_version() -> None:
    loaded = load_instrument_dir(INSTRUMENTS)
    assert set(loaded) == {"csec-screen-gc@1.0.0", "detention-risk-example@1.0.0"}
    assert loaded["csec-screen-gc@1.0.0"].kind == "screening"
    assert loaded["detention-risk-example@1.0.0"].kind == "risk"
    assert loaded["csec-screen-gc@1.0.0"].source == "csec-screen-gc.json"


def test_screening_instrument_follows_the_default_design(screen: Instrument) -> None:
    assert 15 <= len(screen.items) <= 25
    assert [d.label for d in screen.domains] == [
        "Living situation",
        "Relationships and control",
        "Money and belongings",
        "Technology and online",
        "Physical health",
        "Risky behaviors and running away",
        "Trauma",
        "Coercion and grooming",
        "Exploitation",
    ]
    assert screen.label == "Screening for referral – not a validated instrument – not evidence"
    assert screen.redistributable is True
    assert [o.label for o in screen.response_set("indication").options] == [
        "No",
        "Some indication",
        "Clear indication",
        "Unknown",
    ]
    assert [level.code for level in screen.result_levels] == [
        "no_concern",
        "possible",
        "clear_concern",
    ]
    assert all(level.actions for level in screen.result_levels)
    assert screen.administration is not None and not screen.administration.read_to_youth


def test_screening_critical_items_force_possible(screen: Instrument) -> None:
    critical = {item.id: item.critical for item in screen.items if item.critical is not None}
    assert {
        "ex_exchange_for_value",
        "rc_older_controlling_partner",
        "ph_branding_tattoo",
    } <= set(critical)
    for rule in critical.values():
        assert rule is not None
        assert rule.min_level == "possible"
        assert rule.responses == ("some", "clear")  # default: every answer scoring above zero


def test_screening_items_are_officer_statements_in_person_first_words(screen: Instrument) -> None:
    text = SCREEN.read_text(encoding="utf-8").lower()
    for word in ("prostitut", "child sex worker", "victim of prostitution"):
        assert word not in text
    for item in screen.items:
        assert item.text.endswith(".")  # a statement the officer rates, not a question to ask
        assert "youth" in item.text.lower()


def test_risk_example_follows_the_jdai_shape(risk: Instrument) -> None:
    assert "EXAMPLE" in risk.label and "not a validated instrument" in risk.label
    assert [(b.code, b.min_score, b.max_score) for b in risk.bands] == [
        ("release", 0, 9),
        ("alternative", 10, 14),
        ("detain", 15, None),
    ]
    assert {(c.id, c.min_points, c.max_points) for c in risk.caps} == {
        ("aggravating", 0, 3),
        ("mitigating", -3, 0),
    }
    assert {m.code for m in risk.mandatory_detention} == {
        "wic707b_firearm",
        "escape_secure_custody",
        "warrant",
    }
    assert all(m.band == "detain" for m in risk.mandatory_detention)


# --- Checksum -----------------------------------------------------------------------------------


def test_checksum_is_sha256_of_the_canonical_json(screen: Instrument) -> None:
    data = json.loads(SCREEN.read_text(encoding="utf-8"))
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert screen.checksum == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert load_instrument(SCREEN).checksum == screen.checksum


def test_checksum_ignores_layout_but_not_content(tmp_path: Path, screen: Instrument) -> None:
    data = json.loads(SCREEN.read_text(encoding="utf-8"))
    reordered = dict(reversed(list(data.items())))
    relaid = load_instrument_text(json.dumps(reordered), "relaid.json")
    assert relaid.checksum == screen.checksum

    def reword(d: dict[str, Any]) -> None:
        d["items"][0]["text"] = "The youth has no safe place to live."

    changed = load_instrument(write_copy(tmp_path, SCREEN, reword, "reworded.json"))
    assert changed.checksum != screen.checksum
    assert len(changed.checksum) == 64


# --- Screening, worked out by hand --------------------------------------------------------------


def test_all_no_is_no_concern(screen: Instrument) -> None:
    result = score_screening(screen, all_no(screen), complete=True)
    assert result.total == 0
    assert result.score_level == result.computed_level == result.final_level == "no_concern"
    assert result.critical_items == () and result.unanswered_items == ()
    assert [a.code for a in result.follow_up_actions] == ["rescreen_on_change"]
    assert (result.instrument_id, result.instrument_version) == ("csec-screen-gc", "1.0.0")
    assert result.instrument_checksum == screen.checksum


def test_three_points_stay_below_possible(screen: Instrument) -> None:
    answers = all_no(screen) | {"tr_past_abuse": "clear", "rb_runaway": "some"}  # 2 + 1
    result = score_screening(screen, answers)
    assert result.total == 3
    assert result.computed_level == "no_concern"
    assert result.domain_scores["trauma"].score == 2
    assert result.domain_scores["risky_behavior_runaway"].score == 1


def test_possible_by_score(screen: Instrument) -> None:
    some = ["ls_no_stable_home", "rb_runaway", "rb_substances", "tr_signs_of_trauma"]
    result = score_screening(screen, all_no(screen) | dict.fromkeys(some, "some"))  # 4 x 1
    assert result.total == 4
    assert result.score_level == result.computed_level == "possible"
    assert result.critical_items == ()
    assert "offer_advocate" in [a.code for a in result.follow_up_actions]


def test_possible_forced_by_a_critical_item(screen: Instrument) -> None:
    result = score_screening(screen, all_no(screen) | {"ph_branding_tattoo": "some"})
    assert result.total == 1
    assert result.score_level == "no_concern"
    assert result.computed_level == result.final_level == "possible"
    assert result.critical_items == ("ph_branding_tattoo",)
    assert not result.overridden


def test_some_indication_of_exchange_is_possible_not_clear(screen: Instrument) -> None:
    result = score_screening(screen, all_no(screen) | {"ex_exchange_for_value": "some"})
    assert result.total == 3  # 1 point x weight 3
    assert result.domain_scores["exploitation"].threshold_level is None
    assert result.computed_level == "possible"


def test_clear_concern_by_score_at_the_boundary(screen: Instrument) -> None:
    clear = [
        "ls_no_stable_home",
        "rc_cut_off",
        "mb_hotel_keys_cards",
        "rb_runaway",
        "tr_past_abuse",
    ]
    eleven = all_no(screen) | dict.fromkeys(clear, "clear") | {"cg_threats_or_debt": "some"}
    assert score_screening(screen, eleven).total == 11  # 5 x 2 + 1
    assert score_screening(screen, eleven).computed_level == "possible"
    twelve = eleven | {"cg_threats_or_debt": "clear"}
    result = score_screening(screen, twelve)
    assert result.total == 12
    assert result.score_level == result.computed_level == "clear_concern"
    assert "notify_mdt" in [a.code for a in result.follow_up_actions]


def test_clear_concern_from_the_exploitation_threshold(screen: Instrument) -> None:
    result = score_screening(screen, all_no(screen) | {"ex_exchange_for_value": "clear"})
    assert result.total == 6  # 2 points x weight 3
    assert result.score_level == "possible"
    assert result.domain_scores["exploitation"].threshold_level == "clear_concern"
    assert result.computed_level == "clear_concern"
    assert result.critical_items == ("ex_exchange_for_value",)


def test_override_with_a_reason(screen: Instrument) -> None:
    answers = all_no(screen) | {"ph_branding_tattoo": "some"}
    result = score_screening(
        screen, answers, override_level="clear_concern", override_reason="  Disclosed to advocate "
    )
    assert result.computed_level == "possible"
    assert result.final_level == "clear_concern"
    assert result.overridden
    assert result.override_reason == "Disclosed to advocate"
    assert "child_abuse_report" in [a.code for a in result.follow_up_actions]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_override_without_a_reason_is_refused(screen: Instrument, reason: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        score_screening(screen, all_no(screen), override_level="possible", override_reason=reason)
    assert caught.value.field == "override_reason"


def test_override_to_an_unknown_level_is_refused(screen: Instrument) -> None:
    with pytest.raises(ValidationError) as caught:
        score_screening(screen, {}, override_level="high", override_reason="why")
    assert caught.value.field == "override_level"


def test_unknown_answers_are_counted_not_scored(screen: Instrument) -> None:
    three = ["rb_runaway", "tr_past_abuse", "to_online_adults"]
    result = score_screening(screen, all_no(screen) | dict.fromkeys(three, "unknown"))
    assert result.total == 0
    assert result.unknown_count == 3
    assert result.unknown_items == ("to_online_adults", "rb_runaway", "tr_past_abuse")
    assert result.domain_scores["trauma"].unknown == 1
    assert not result.insufficient_information  # max_unknown is 5


def test_too_many_unknown_or_unanswered_means_not_enough_information(screen: Instrument) -> None:
    answers = all_no(screen) | dict.fromkeys(
        ["rb_runaway", "tr_past_abuse", "rc_cut_off"], "unknown"
    )
    for item_id in ("ls_no_stable_home", "ls_adults_not_caregivers", "mb_hotel_keys_cards"):
        del answers[item_id]
    result = score_screening(screen, answers)
    assert result.unknown_count == 3 and len(result.unanswered_items) == 3
    assert result.insufficient_information  # 6 > 5


def test_missing_answer_is_unanswered_unless_complete_is_asked(screen: Instrument) -> None:
    answers = all_no(screen)
    del answers["rb_runaway"]
    assert score_screening(screen, answers).unanswered_items == ("rb_runaway",)
    with pytest.raises(ValidationError) as caught:
        score_screening(screen, answers, complete=True)
    assert caught.value.field == "responses.rb_runaway"


def test_unknown_answer_code_names_the_item(screen: Instrument) -> None:
    with pytest.raises(ValidationError) as caught:
        score_screening(screen, {"rb_runaway": "maybe"})
    assert caught.value.field == "responses.rb_runaway"
    assert "'maybe'" in str(caught.value)


def test_answer_for_an_item_the_instrument_lacks_is_refused(screen: Instrument) -> None:
    with pytest.raises(ValidationError) as caught:
        score_screening(screen, {"cse_it_item_1": "no"})
    assert caught.value.field == "responses.cse_it_item_1"


def test_scoring_the_wrong_kind_is_a_bug(screen: Instrument, risk: Instrument) -> None:
    with pytest.raises(ValueError):
        score_screening(risk, {})
    with pytest.raises(ValueError):
        score_risk(screen, {})


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_domain_scores_add_up_and_floors_only_raise(data: st.DataObject) -> None:
    screen = load_instrument(SCREEN)
    codes = st.sampled_from(["no", "some", "clear", "unknown", None])
    answers = {}
    for item in screen.items:
        code = data.draw(codes, label=item.id)
        if code is not None:
            answers[item.id] = code
    result = score_screening(screen, answers)
    assert result.total == sum(d.score for d in result.domain_scores.values())
    assert screen.level_rank(result.computed_level) >= screen.level_rank(result.score_level)
    if result.critical_items:
        assert result.computed_level != "no_concern"


# --- Risk, worked out by hand -------------------------------------------------------------------


def risk_answers(risk: Instrument, **chosen: str) -> dict[str, str]:
    """Every item at its zero answer, the offence a probation violation (1), then ``chosen``."""
    base = {item.id: ("no" if "yes" in item.points else "none") for item in risk.items}
    base["most_serious_offence"] = "probation_violation"
    return base | chosen


@pytest.mark.parametrize(
    ("chosen", "total", "band"),
    [
        # 7 + 1 + 1
        (
            {
                "most_serious_offence": "felony_other",
                "additional_offences": "misd_only",
                "prior_sustained": "one_misd",
            },
            9,
            "release",
        ),
        # 7 + 1 + 1 + 1
        (
            {
                "most_serious_offence": "felony_other",
                "additional_offences": "misd_only",
                "prior_sustained": "one_misd",
                "failure_to_appear": "one",
            },
            10,
            "alternative",
        ),
        # 10 + 3 + 1
        (
            {
                "most_serious_offence": "felony_person_weapon",
                "prior_sustained": "misd_two_plus_or_felony",
                "pending_petitions": "one",
            },
            14,
            "alternative",
        ),
        # 10 + 3 + 1 + 1
        (
            {
                "most_serious_offence": "felony_person_weapon",
                "prior_sustained": "misd_two_plus_or_felony",
                "pending_petitions": "one",
                "escape_awol": "awol_placement",
            },
            15,
            "detain",
        ),
        ({"most_serious_offence": "wic707b"}, 15, "detain"),
    ],
)
def test_risk_bands_at_the_boundaries(
    risk: Instrument, chosen: dict[str, str], total: int, band: str
) -> None:
    result = score_risk(risk, risk_answers(risk, **chosen))
    assert result.total == total
    assert result.score_band == result.recommended_band == band
    assert result.mandatory_category is None


def test_aggravating_points_are_capped_at_plus_three(risk: Instrument) -> None:
    aggravating = {i.id: "yes" for i in risk.items if i.domain == "aggravating"}
    assert len(aggravating) == 4
    result = score_risk(
        risk, risk_answers(risk, most_serious_offence="felony_other", **aggravating)
    )
    assert result.section_points["aggravating"] == 4
    assert (result.caps["aggravating"].raw, result.caps["aggravating"].applied) == (4, 3)
    assert result.caps["aggravating"].capped
    assert result.total == 10  # 7 + 3, not 11
    assert result.recommended_band == "alternative"


def test_mitigating_points_are_capped_at_minus_three(risk: Instrument) -> None:
    mitigating = {i.id: "yes" for i in risk.items if i.domain == "mitigating"}
    assert len(mitigating) == 5
    answers = risk_answers(risk, most_serious_offence="felony_person_weapon", **mitigating)
    result = score_risk(risk, answers)
    assert (result.caps["mitigating"].raw, result.caps["mitigating"].applied) == (-5, -3)
    assert result.total == 7  # 10 - 3
    assert result.recommended_band == "release"


def test_total_never_goes_below_the_floor(risk: Instrument) -> None:
    answers = risk_answers(
        risk, mit_adult_supervision="yes", mit_school_or_work="yes", mit_minor_role="yes"
    )
    result = score_risk(risk, answers)
    assert result.raw_total == -2  # 1 - 3
    assert result.total == 0
    assert result.score_band == "release"


def test_mandatory_category_forces_detain_whatever_the_score(risk: Instrument) -> None:
    result = score_risk(risk, risk_answers(risk, mand_warrant="yes"))
    assert result.total == 1
    assert result.score_band == "release"
    assert result.recommended_band == "detain"
    assert result.mandatory_category == "warrant"
    assert [a.code for a in result.follow_up_actions] == ["detain"]
    both = score_risk(risk, risk_answers(risk, mand_warrant="yes", mand_escape_secure="yes"))
    assert set(both.mandatory_categories) == {"warrant", "escape_secure_custody"}


def test_risk_needs_every_answer_and_known_codes(risk: Instrument) -> None:
    answers = risk_answers(risk)
    del answers["mand_warrant"]
    with pytest.raises(ValidationError) as caught:
        score_risk(risk, answers)
    assert caught.value.field == "answers.mand_warrant"
    with pytest.raises(ValidationError) as caught:
        score_risk(risk, risk_answers(risk, most_serious_offence="murder"))
    assert caught.value.field == "answers.most_serious_offence"


def test_bands_are_read_from_the_file(tmp_path: Path) -> None:
    def jdai_2018(d: dict[str, Any]) -> None:
        d["bands"][0]["max_score"] = 8
        d["bands"][1]["min_score"] = 9

    local = load_instrument(write_copy(tmp_path, RISK, jdai_2018, "rai-county.json"))
    chosen = {"most_serious_offence": "felony_other", "prior_sustained": "one_misd"}
    result = score_risk(local, risk_answers(local, **chosen, additional_offences="misd_only"))
    assert result.total == 9
    assert result.recommended_band == "alternative"


# --- County files that must be refused ----------------------------------------------------------


def _set(path: str, value: Any) -> Mutation:
    """A mutation setting a dotted/indexed key such as ``items.3.response_set``."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[int(last) if last.isdigit() else last]

    return mutate


def _swap_level_scores(data: dict[str, Any]) -> None:
    levels = data["result_levels"]
    levels[1]["min_score"], levels[2]["min_score"] = 12, 4


def _rename_key(data: dict[str, Any]) -> None:
    data["items"][1]["respons_set"] = data["items"][1].pop("response_set")


def _duplicate_item(data: dict[str, Any]) -> None:
    data["items"][1]["id"] = data["items"][0]["id"]


def _thresholds_backwards(data: dict[str, Any]) -> None:
    data["domains"][8]["thresholds"] = [
        {"min_score": 6, "level": "clear_concern"},
        {"min_score": 3, "level": "possible"},
    ]


def _no_unknown_option(data: dict[str, Any]) -> None:
    data["response_sets"][0]["options"].pop()


def _weight_and_points(data: dict[str, Any]) -> None:
    data["items"][0]["weight"] = 2
    data["items"][0]["points"] = {"some": 1}


SCREEN_REFUSALS = [
    (
        "levels_not_increasing",
        _set("result_levels.1.min_score", 0),
        "result_levels[1].min_score: must be greater than result_levels[0].min_score (0)",
    ),
    (
        "levels_swapped",
        _swap_level_scores,
        "result_levels[2].min_score: must be greater than result_levels[1].min_score (12)",
    ),
    (
        "unknown_response_set",
        _set("items.3.response_set", "yesno"),
        "csec-county.json: items[3].response_set: unknown response set 'yesno'",
    ),
    (
        "unknown_domain",
        _set("items.0.domain", "housing"),
        "csec-county.json: items[0].domain: unknown domain 'housing'",
    ),
    ("missing_title", _delete("title"), "csec-county.json: title: required key is missing"),
    (
        "missing_item_text",
        _delete("items.2.text"),
        "csec-county.json: items[2].text: required key is missing",
    ),
    (
        "weight_as_text",
        _set("items.0.weight", "2"),
        "csec-county.json: items[0].weight: must be a whole number, not text '2'",
    ),
    (
        "redistributable_as_text",
        _set("redistributable", "yes"),
        "csec-county.json: redistributable: must be true or false, not text 'yes'",
    ),
    ("items_not_a_list", _set("items", {}), "csec-county.json: items: must be a list"),
    (
        "misspelt_key",
        _rename_key,
        "csec-county.json: items[1].respons_set: unexpected key (check the spelling)",
    ),
    (
        "critical_unknown_level",
        _set("items.2.critical.min_level", "likely"),
        "csec-county.json: items[2].critical.min_level: unknown result level 'likely'",
    ),
    (
        "duplicate_item_id",
        _duplicate_item,
        "csec-county.json: items[1].id: duplicate id 'ls_no_stable_home' (also items[0])",
    ),
    (
        "threshold_order",
        _thresholds_backwards,
        "csec-county.json: domains[8].thresholds[1].min_score: must be greater than",
    ),
    (
        "no_unknown_option",
        _no_unknown_option,
        'csec-county.json: response_sets[0].options: needs exactly one option marked "unknown"',
    ),
    (
        "unknown_option_scores",
        _set("response_sets.0.options.3.points", 1),
        "csec-county.json: response_sets[0].options[3].points: must be null, not a whole number",
    ),
    (
        "weight_and_points",
        _weight_and_points,
        "csec-county.json: items[0].points: give either weight or points, not both",
    ),
    (
        "bad_kind",
        _set("kind", "needs"),
        "csec-county.json: kind: must be one of 'screening', 'risk', not text 'needs'",
    ),
    (
        "bands_in_screening",
        _set("bands", []),
        "csec-county.json: bands: not allowed in a screening instrument",
    ),
    (
        "bad_date",
        _set("licence_valid_until", "31/12/2026"),
        "csec-county.json: licence_valid_until: must be a date written YYYY-MM-DD",
    ),
    (
        "first_level_above_zero",
        _set("result_levels.0.min_score", 1),
        "csec-county.json: result_levels[0].min_score: must be at most 0",
    ),
    ("blank_label", _set("label", "  "), "csec-county.json: label: must not be blank"),
]

RISK_REFUSALS = [
    (
        "band_gap",
        _set("bands.1.min_score", 11),
        "rai-county.json: bands[1].min_score: leaves a gap after bands[0]: scores 10 to 10",
    ),
    (
        "band_overlap",
        _set("bands.1.min_score", 9),
        "rai-county.json: bands[1].min_score: overlaps bands[0], which ends at 9",
    ),
    (
        "open_band_in_middle",
        _set("bands.0.max_score", None),
        "rai-county.json: bands[0].max_score: only the last band may be open-ended",
    ),
    (
        "bands_stop_short",
        _set("bands.2.max_score", 20),
        "rai-county.json: bands[2].max_score: must be null or at least 38",
    ),
    (
        "mandatory_unknown_band",
        _set("mandatory_detention.0.band", "lockup"),
        "rai-county.json: mandatory_detention[0].band: unknown band 'lockup'",
    ),
    (
        "mandatory_unknown_item",
        _set("mandatory_detention.2.item", "warrant"),
        "rai-county.json: mandatory_detention[2].item: unknown item 'warrant'",
    ),
    (
        "cap_unknown_domain",
        _set("caps.0.domains", ["aggravation"]),
        "rai-county.json: caps[0].domains[0]: unknown domain 'aggravation'",
    ),
    (
        "result_levels_in_risk",
        _set("result_levels", []),
        "rai-county.json: result_levels: not allowed in a risk instrument",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(m, e, id=name) for name, m, e in SCREEN_REFUSALS],
)
def test_broken_screening_file_is_refused_naming_the_key(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    message = refusal(write_copy(tmp_path, SCREEN, mutate, "csec-county.json"))
    assert expected in message
    assert all(line.startswith("csec-county.json: ") for line in message.splitlines())


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(m, e, id=name) for name, m, e in RISK_REFUSALS],
)
def test_broken_risk_file_is_refused_naming_the_key(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    message = refusal(write_copy(tmp_path, RISK, mutate, "rai-county.json"))
    assert expected in message
    assert all(line.startswith("rai-county.json: ") for line in message.splitlines())


def test_invalid_json_names_the_file_and_line(tmp_path: Path) -> None:
    lines = SCREEN.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith('"version"'))
    lines[at] = lines[at].rstrip(",")  # drop the comma after the version
    path = tmp_path / "csec-county.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    message = refusal(path)
    assert message.startswith(f"csec-county.json: line {at + 2}, column ")
    assert "not valid JSON" in message


def test_duplicate_json_key_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"^dup\.json: key 'id' appears twice"):
        load_instrument_text('{"id": "a", "id": "b"}', "dup.json")


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(ConfigurationError, match=r"^list\.json: \(top level\): must be an object"):
        load_instrument_text("[]", "list.json")


def test_every_problem_is_reported_one_per_line(tmp_path: Path) -> None:
    def two_faults(d: dict[str, Any]) -> None:
        d["items"][0]["domain"] = "housing"
        d["items"][3]["response_set"] = "yesno"

    lines = refusal(write_copy(tmp_path, SCREEN, two_faults, "csec-county.json")).splitlines()
    assert lines == [
        "csec-county.json: items[0].domain: unknown domain 'housing'",
        "csec-county.json: items[3].response_set: unknown response set 'yesno'",
    ]


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    assert refusal(tmp_path / "missing.json").startswith("missing.json: cannot be read")


def test_same_id_and_version_twice_in_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(SCREEN.read_bytes())
    (tmp_path / "b.json").write_bytes(SCREEN.read_bytes())
    with pytest.raises(ConfigurationError, match=r"^b\.json: .*csec-screen-gc@1\.0\.0.*a\.json"):
        load_instrument_dir(tmp_path)


def test_county_file_with_its_own_points_and_critical_answers(tmp_path: Path) -> None:
    def county(d: dict[str, Any]) -> None:
        d["id"] = "csec-county"
        d["items"][0]["points"] = {"some": 2, "clear": 5}
        d["items"][1]["critical"] = {"min_level": "clear_concern", "responses": ["clear"]}

    local = load_instrument(write_copy(tmp_path, SCREEN, county, "csec-county.json"))
    assert dict(local.items[0].points) == {"no": 0, "some": 2, "clear": 5, "unknown": None}
    answers = all_no(local) | {"ls_no_stable_home": "clear", "ls_adults_not_caregivers": "some"}
    result = score_screening(local, answers)
    assert result.total == 6  # 5 + 1
    assert result.computed_level == "possible"  # "some" is not one of the critical answers
    answers["ls_adults_not_caregivers"] = "clear"
    assert score_screening(local, answers).computed_level == "clear_concern"
