"""Referral lifecycle, due-by times and consent law as pure rules (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from girlscourt.domain import consent_rules
from girlscourt.domain import referral_rules as rr
from girlscourt.domain.consent_rules import ConsentOnFile, ConsentTerms, SignerRole
from girlscourt.domain.referral_rules import ReferralType, Scope, Status, Urgency
from girlscourt.errors import RuleRefused, ValidationError

LA = ZoneInfo("America/Los_Angeles")
TODAY = dt.date(2026, 11, 29)


def la(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


# --- lifecycle -----------------------------------------------------------------------------

LEGAL = [
    (Status.DRAFT, Status.CONSENT_PENDING),
    (Status.DRAFT, Status.SENT),
    (Status.CONSENT_PENDING, Status.SENT),
    (Status.SENT, Status.ACKNOWLEDGED),
    (Status.SENT, Status.FIRST_CONTACT),
    (Status.SENT, Status.UNABLE_TO_REACH),
    (Status.ACKNOWLEDGED, Status.FIRST_CONTACT),
    (Status.UNABLE_TO_REACH, Status.FIRST_CONTACT),
    (Status.FIRST_CONTACT, Status.ACTIVE),
]


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_legal_moves_pass(current: Status, target: Status) -> None:
    rr.check_transition(1, current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.DRAFT, Status.ACTIVE),
        (Status.DRAFT, Status.ACKNOWLEDGED),
        (Status.CONSENT_PENDING, Status.FIRST_CONTACT),
        (Status.SENT, Status.DRAFT),
        (Status.ACTIVE, Status.SENT),
        (Status.FIRST_CONTACT, Status.DECLINED),
        (Status.CLOSED, Status.ACTIVE),
        (Status.DECLINED, Status.SENT),
    ],
)
def test_illegal_moves_are_refused_with_the_way_forward(current: Status, target: Status) -> None:
    with pytest.raises(RuleRefused) as error:
        rr.check_transition(9, current, target)
    message = str(error.value)
    assert message.startswith(f"referral 9: cannot move from {rr.STATUS_LABELS[current]} to")
    if rr.TRANSITIONS[current]:
        assert "it can only go to" in message
    else:
        assert "cannot change" in message


def test_every_state_is_reachable_from_draft() -> None:
    seen, frontier = {Status.DRAFT}, [Status.DRAFT]
    while frontier:
        for nxt in rr.TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(Status)


def test_closing_and_declining_need_a_known_reason() -> None:
    with pytest.raises(ValidationError, match="reason"):
        rr.check_transition(1, Status.ACTIVE, Status.CLOSED)
    with pytest.raises(ValidationError, match="not one of"):
        rr.check_transition(1, Status.ACTIVE, Status.CLOSED, "bored")
    with pytest.raises(ValidationError, match="note"):
        rr.check_transition(1, Status.SENT, Status.DECLINED, "other")
    rr.check_transition(1, Status.SENT, Status.DECLINED, "other", "Waiting list closed")
    rr.check_transition(1, Status.ACTIVE, Status.CLOSED, "services_completed")
    with pytest.raises(ValidationError, match="only a closed or declined"):
        rr.check_transition(1, Status.DRAFT, Status.SENT, "services_completed")
    with pytest.raises(ValidationError):  # a decline reason is not a close reason
        rr.check_transition(1, Status.ACTIVE, Status.CLOSED, "at_capacity")


# --- due-by --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "created", "due"),
    [
        (Urgency.SAME_DAY, la(2026, 11, 29, 9, 0), la(2026, 11, 29, 23, 59)),
        (Urgency.SAME_DAY, la(2026, 11, 29, 22, 30), la(2026, 11, 30, 2, 30)),  # 4 h floor
        (Urgency.HOURS_24, la(2026, 11, 29, 9, 0), la(2026, 11, 30, 9, 0)),
        (Urgency.ROUTINE, la(2026, 11, 29, 9, 0), la(2026, 12, 6, 9, 0)),
        # The night clocks go back: 24 hours is 24 elapsed hours, not the same wall time.
        (Urgency.HOURS_24, la(2026, 10, 31, 12, 0), la(2026, 11, 1, 11, 0)),
        (Urgency.SAME_DAY, la(2026, 3, 8, 1, 0), la(2026, 3, 8, 23, 59)),
    ],
)
def test_due_by(urgency: Urgency, created: dt.datetime, due: dt.datetime) -> None:
    result = rr.due_by(urgency, created.astimezone(dt.UTC), LA)
    assert result == due and result.tzinfo == dt.UTC


def test_due_override_may_only_tighten() -> None:
    created = la(2026, 11, 29, 9, 0)
    default = rr.due_by(Urgency.HOURS_24, created, LA)
    assert rr.check_due_override(la(2026, 11, 29, 15, 0), created, default) == la(
        2026, 11, 29, 15, 0
    )
    with pytest.raises(ValidationError, match="lower urgency"):
        rr.check_due_override(la(2026, 12, 5, 9, 0), created, default)
    with pytest.raises(ValidationError, match="later than now"):
        rr.check_due_override(la(2026, 11, 29, 8, 0), created, default)
    with pytest.raises(ValidationError, match="offset"):
        rr.check_due_override(dt.datetime(2026, 11, 29, 15), created, default)


def test_overdue_only_while_waiting_for_first_contact() -> None:
    due = la(2026, 11, 29, 12, 0)
    later = la(2026, 11, 29, 12, 1)
    waiting = {s for s in Status if rr.is_overdue(s, due, later)}
    assert waiting == {
        Status.DRAFT,
        Status.CONSENT_PENDING,
        Status.SENT,
        Status.ACKNOWLEDGED,
        Status.UNABLE_TO_REACH,
    }
    assert not rr.is_overdue(Status.SENT, due, due)


# --- reasons and scopes --------------------------------------------------------------------


def test_reasons_belong_to_their_type() -> None:
    assert rr.check_reasons(ReferralType.MEDICAL, ["sexual_health", "sexual_health"], None) == (
        "sexual_health",
    )
    with pytest.raises(ValidationError, match=r"reason_codes\[0\]"):
        rr.check_reasons(ReferralType.EDUCATION, ["sexual_health"], None)
    with pytest.raises(ValidationError, match="at least one"):
        rr.check_reasons(ReferralType.EDUCATION, [], None)
    with pytest.raises(ValidationError, match="reason_text"):
        rr.check_reasons(ReferralType.HOUSING, ["other"], None)
    assert "other" in rr.reasons_for(ReferralType.HOUSING)


def test_each_reason_needs_its_scope() -> None:
    assert rr.required_scopes(ReferralType.MENTAL_HEALTH, ["trauma_symptoms"]) == {
        Scope.OUTPATIENT_MENTAL_HEALTH
    }
    assert rr.required_scopes(ReferralType.MENTAL_HEALTH, ["psychotropic_medication"]) == {
        Scope.PSYCHOTROPIC_MEDICATION
    }
    assert rr.required_scopes(
        ReferralType.MENTAL_HEALTH,
        ["psychotropic_medication", "inpatient_evaluation", "trauma_symptoms"],
    ) == {
        Scope.OUTPATIENT_MENTAL_HEALTH,
        Scope.PSYCHOTROPIC_MEDICATION,
        Scope.INPATIENT_MENTAL_HEALTH,
    }
    assert rr.required_scopes(ReferralType.HOUSING, []) == {Scope.HOUSING_SERVICES}


# --- consent terms -------------------------------------------------------------------------


def terms(**changes: object) -> ConsentTerms:
    base = ConsentTerms(
        signer_role=SignerRole.YOUTH,
        legal_basis="FC6924",
        scope=frozenset({Scope.OUTPATIENT_MENTAL_HEALTH}),
        signed_on=TODAY,
        expires_on=TODAY + dt.timedelta(days=180),
        part2=False,
        has_signer_name=True,
        maturity_attested=True,
        recipient_agency_id=3,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_youth_12_plus_consents_alone_to_outpatient_mental_health() -> None:
    consent_rules.check_consent_terms(terms(), 12, False, TODAY)
    consent_rules.check_consent_terms(terms(legal_basis="HSC124260"), 15, True, TODAY)


@pytest.mark.parametrize(
    ("changes", "age", "field", "words"),
    [
        ({}, 11, "legal_basis", "12 or older"),
        ({"maturity_attested": False}, 14, "maturity_attested", "mature enough"),
        ({"signer_role": SignerRole.PARENT}, 14, "signer_role", "must be signed by the youth"),
        (
            {"scope": frozenset({Scope.PSYCHOTROPIC_MEDICATION})},
            16,
            "scope",
            "does not cover psychotropic",
        ),
        (
            {"scope": frozenset({Scope.INPATIENT_MENTAL_HEALTH})},
            16,
            "scope",
            "does not cover inpatient",
        ),
        ({"legal_basis": "FC6922"}, 16, "scope", "does not cover outpatient"),
        ({"legal_basis": "nonsense"}, 16, "legal_basis", "not one of"),
        ({"scope": frozenset()}, 16, "scope", "at least one"),
        ({"has_signer_name": False}, 16, "signer_name", "required"),
        ({"recipient_agency_id": None}, 16, "recipient_agency_id", "receive"),
        ({"has_information": False}, 16, "information", "describe"),
        ({"signed_on": TODAY + dt.timedelta(days=1)}, 16, "signed_on", "future"),
        ({"expires_on": None}, 16, "expires_on", "expiry"),
        ({"expires_on": TODAY - dt.timedelta(days=1)}, 16, "expires_on", "before"),
    ],
)
def test_consent_terms_refused(
    changes: dict[str, object], age: int, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        consent_rules.check_consent_terms(terms(**changes), age, False, TODAY)
    assert error.value.field == field
    assert words in error.value.detail


def test_psychotropic_medication_needs_parent_or_court() -> None:
    psych = frozenset({Scope.PSYCHOTROPIC_MEDICATION})
    parent = terms(signer_role=SignerRole.PARENT, legal_basis="PARENT", scope=psych)
    consent_rules.check_consent_terms(parent, 15, False, TODAY)
    with pytest.raises(ValidationError, match="JV220"):
        consent_rules.check_consent_terms(parent, 15, True, TODAY)  # a ward or dependent
    court = terms(
        signer_role=SignerRole.COURT,
        legal_basis="JV220",
        scope=psych,
        court_order_number="JV-220-2026-0042",
        has_signer_name=False,
        expires_on=None,
    )
    consent_rules.check_consent_terms(court, 15, True, TODAY)
    with pytest.raises(ValidationError, match="court_order_number"):
        consent_rules.check_consent_terms(replace(court, court_order_number=None), 15, True, TODAY)
    adult = terms(signer_role=SignerRole.YOUTH, legal_basis="ADULT", scope=psych)
    consent_rules.check_consent_terms(adult, 19, True, TODAY)
    with pytest.raises(ValidationError, match="18 or older"):
        consent_rules.check_consent_terms(adult, 17, False, TODAY)


def test_self_sufficient_youth_15_plus_for_medical_care() -> None:
    medical = terms(
        legal_basis="FC6922",
        scope=frozenset({Scope.MEDICAL_CARE}),
        maturity_attested=False,
        self_sufficient_attested=True,
    )
    consent_rules.check_consent_terms(medical, 15, False, TODAY)
    with pytest.raises(ValidationError, match="15 or older"):
        consent_rules.check_consent_terms(medical, 14, False, TODAY)
    with pytest.raises(ValidationError, match="lives apart"):
        consent_rules.check_consent_terms(
            replace(medical, self_sufficient_attested=False), 16, False, TODAY
        )


def test_part2_consent_is_separate_and_specific() -> None:
    sud = frozenset({Scope.SUBSTANCE_USE_TREATMENT})
    minor_alone = terms(legal_basis="FC6929", scope=sud, part2=True, maturity_attested=False)
    consent_rules.check_consent_terms(minor_alone, 14, False, TODAY)
    with pytest.raises(ValidationError, match="part2"):
        consent_rules.check_consent_terms(replace(minor_alone, part2=False), 14, False, TODAY)
    with pytest.raises(ValidationError, match="separate"):
        consent_rules.check_consent_terms(
            replace(
                minor_alone,
                legal_basis="PARENT",
                signer_role=SignerRole.PARENT,
                scope=sud | {Scope.MEDICAL_CARE},
                youth_cosigned=True,
            ),
            14,
            False,
            TODAY,
        )
    parent = replace(minor_alone, legal_basis="PARENT", signer_role=SignerRole.PARENT)
    with pytest.raises(ValidationError, match="youth's own signature"):
        consent_rules.check_consent_terms(parent, 11, False, TODAY)
    consent_rules.check_consent_terms(replace(parent, youth_cosigned=True), 11, False, TODAY)
    with pytest.raises(ValidationError, match="must be signed by the youth"):  # only the minor
        consent_rules.check_consent_terms(
            replace(minor_alone, signer_role=SignerRole.PARENT), 14, False, TODAY
        )


def test_youth_authorisation_covers_non_clinical_services_only() -> None:
    advocacy = terms(
        legal_basis="YOUTH_AUTHORIZATION",
        scope=frozenset({Scope.CSEC_ADVOCACY, Scope.HOUSING_SERVICES}),
        maturity_attested=False,
    )
    consent_rules.check_consent_terms(advocacy, 13, False, TODAY)
    with pytest.raises(ValidationError, match="does not cover medical"):
        consent_rules.check_consent_terms(
            replace(advocacy, scope=frozenset({Scope.MEDICAL_CARE})), 13, False, TODAY
        )


# --- consent on file at send time -----------------------------------------------------------


def on_file(**changes: object) -> ConsentOnFile:
    base = ConsentOnFile(
        id=5,
        youth_id=1,
        legal_basis="FC6924",
        scope=frozenset({"outpatient_mental_health"}),
        recipient_agency_id=3,
        part2=False,
        signed_on=TODAY - dt.timedelta(days=10),
        expires_on=TODAY + dt.timedelta(days=10),
        revoked_at=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def problem(consent: ConsentOnFile, **changes: object) -> str | None:
    args: dict[str, object] = {
        "youth_id": 1,
        "agency_id": 3,
        "referral_type": ReferralType.MENTAL_HEALTH,
        "needed": frozenset({Scope.OUTPATIENT_MENTAL_HEALTH}),
        "ward_or_dependent_minor": False,
        "on": TODAY,
        "tz": LA,
    }
    args.update(changes)
    return consent_rules.consent_problem(consent, **args)  # type: ignore[arg-type]


def test_a_valid_covering_consent_allows_sending() -> None:
    assert problem(on_file()) is None
    assert problem(on_file(expires_on=TODAY)) is None  # good through its last day


@pytest.mark.parametrize(
    ("consent", "changes", "words"),
    [
        (on_file(expires_on=TODAY - dt.timedelta(days=1)), {}, "expired on 2026-11-28"),
        (on_file(revoked_at=la(2026, 11, 29, 8, 0)), {}, "revoked on 2026-11-29"),
        (on_file(signed_on=TODAY + dt.timedelta(days=1)), {}, "after today"),
        (on_file(youth_id=2), {}, "another youth"),
        (on_file(recipient_agency_id=4), {}, "another receiving agency"),
        (
            on_file(),
            {"needed": frozenset({Scope.OUTPATIENT_MENTAL_HEALTH, Scope.PSYCHOTROPIC_MEDICATION})},
            "does not cover psychotropic",
        ),
        (
            on_file(scope=frozenset({"substance_use_treatment"})),
            {
                "referral_type": ReferralType.SUBSTANCE_USE,
                "needed": frozenset({Scope.SUBSTANCE_USE_TREATMENT}),
            },
            "not a 42 CFR Part 2 consent",
        ),
        (
            on_file(legal_basis="PARENT", scope=frozenset({"psychotropic_medication"})),
            {
                "needed": frozenset({Scope.PSYCHOTROPIC_MEDICATION}),
                "ward_or_dependent_minor": True,
            },
            "JV-220",
        ),
    ],
)
def test_consent_problems_block_sending(
    consent: ConsentOnFile, changes: dict[str, object], words: str
) -> None:
    found = problem(consent, **changes)
    assert found is not None and words in found


def test_revocation_later_today_in_utc_is_still_today_in_the_county() -> None:
    # 23:30 in Los Angeles is the next day in UTC; the consent is revoked "today" locally.
    revoked = la(2026, 11, 28, 23, 30).astimezone(dt.UTC)
    assert consent_rules.consent_state(TODAY, None, revoked, dt.date(2026, 11, 28), LA) == "revoked"
    assert consent_rules.consent_state(TODAY, None, revoked, dt.date(2026, 11, 27), LA) == "not_yet"


# --- lawful exceptions ---------------------------------------------------------------------


def test_lawful_exceptions_fit_their_referral_types() -> None:
    assert consent_rules.check_exception(
        "medical_emergency", ReferralType.MEDICAL, "Injury"
    ).code == ("medical_emergency")
    assert (
        consent_rules.check_exception("wic827-mdt", ReferralType.CSEC_ADVOCACY, "MDT").code
        == "wic827_mdt"
    )
    with pytest.raises(ValidationError, match="signed consent is needed"):
        consent_rules.check_exception("wic827_mdt", ReferralType.MENTAL_HEALTH, "MDT")
    with pytest.raises(ValidationError, match="signed consent is needed"):
        consent_rules.check_exception("wic827_mdt", ReferralType.SUBSTANCE_USE, "MDT")
    with pytest.raises(ValidationError, match="justification"):
        consent_rules.check_exception("court_order", ReferralType.HOUSING, "  ")
    with pytest.raises(ValidationError, match="not one of"):
        consent_rules.check_exception("because", ReferralType.HOUSING, "x")


def test_part2_notice_carries_the_required_elements() -> None:
    notice = consent_rules.PART2_REDISCLOSURE_NOTICE
    assert "42 CFR part 2" in notice and "2.31" in notice and "2.65" in notice
    assert "NOT sufficient" in notice


def test_parse_choice_reads_dashes_spaces_and_case() -> None:
    assert rr.parse_choice("to", "Consent Pending", [s.value for s in Status]) == "consent_pending"
    assert rr.parse_choice("legal_basis", "fc6924", consent_rules.LEGAL_BASES) == "FC6924"
    with pytest.raises(ValidationError, match="to: '7' is not one of"):
        rr.parse_choice("to", 7, ["a"])


def test_shipped_schemas_list_the_same_codes_as_the_rules() -> None:
    import json

    from girlscourt.resources import resource

    def load(name: str) -> dict[str, object]:
        text = resource("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
        schema: dict[str, object] = json.loads(text)["properties"]
        return schema

    referral, consent = load("referral"), load("consent")
    assert referral["type"] == {"enum": [t.value for t in ReferralType]}
    assert referral["urgency"] == {"enum": [u.value for u in Urgency]}
    assert referral["reason_codes"]["items"] == {"enum": list(rr.REASONS)}  # type: ignore[index]
    assert consent["legal_basis"] == {"enum": list(consent_rules.LEGAL_BASES)}
    assert consent["signer_role"] == {"enum": [s.value for s in SignerRole]}
    assert consent["scope"]["items"] == {"enum": [s.value for s in Scope]}  # type: ignore[index]
