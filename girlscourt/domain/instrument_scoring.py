"""Scoring an instrument: the screening's domains, criticals and result level, and the risk score
with its band, caps and override.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from girlscourt.domain.instruments import (
    CapResult,
    DomainScore,
    Instrument,
    Item,
    ResponseOption,
    RiskResult,
    ScreeningResult,
)
from girlscourt.errors import ValidationError

# --- Scoring ------------------------------------------------------------------------------------


def _answer(instrument: Instrument, item: Item, code: str, field_prefix: str) -> ResponseOption:
    rset = instrument.response_set(item.response_set)
    option = rset.option(code)
    if option is None:
        allowed = ", ".join(repr(c) for c in rset.codes)
        raise ValidationError(
            f"{field_prefix}.{item.id}", f"{code!r} is not an answer to this item ({allowed})"
        )
    return option


def _no_strangers(instrument: Instrument, answers: Mapping[str, str], field_prefix: str) -> None:
    known = {item.id for item in instrument.items}
    for key in answers:
        if key not in known:
            raise ValidationError(
                f"{field_prefix}.{key}", f"{instrument.key} has no item with this id"
            )


def _override(
    instrument: Instrument, computed: str, level: str | None, reason: str | None
) -> tuple[str, str | None]:
    """The final level and reason: an override must be allowed, known and explained."""
    if level is None:
        return computed, None
    if not instrument.overrides_allowed:
        raise ValidationError("override_level", f"{instrument.key} does not allow overrides")
    codes = [lvl.code for lvl in instrument.result_levels]
    if level not in codes:
        allowed = ", ".join(repr(code) for code in codes)
        raise ValidationError("override_level", f"unknown level {level!r} ({allowed})")
    if reason is None or not reason.strip():
        raise ValidationError("override_reason", "an override needs a reason")
    return level, reason.strip()


def score_screening(
    instrument: Instrument,
    responses: Mapping[str, str],
    override_level: str | None = None,
    override_reason: str | None = None,
    *,
    complete: bool = False,
) -> ScreeningResult:
    """Score a screening from item id -> answer code; ``complete`` makes every item required."""
    if instrument.kind != "screening":
        raise ValueError(f"{instrument.key} is a {instrument.kind} instrument, not screening")
    _no_strangers(instrument, responses, "responses")
    scores = {d.id: 0 for d in instrument.domains}
    answered = dict.fromkeys(scores, 0)
    unknown_in = dict.fromkeys(scores, 0)
    missing_in = dict.fromkeys(scores, 0)
    unanswered: list[str] = []
    unknown: list[str] = []
    critical_hits: list[str] = []
    floor_ranks: list[int] = []
    for item in instrument.items:
        code = responses.get(item.id)
        if code is None:
            if complete:
                raise ValidationError(f"responses.{item.id}", "no answer given (use 'Unknown')")
            unanswered.append(item.id)
            missing_in[item.domain] += 1
            continue
        option = _answer(instrument, item, code, "responses")
        if option.unknown:
            unknown.append(item.id)
            unknown_in[item.domain] += 1
            continue
        answered[item.domain] += 1
        scores[item.domain] += item.points[code] or 0
        if item.critical is not None and code in item.critical.responses:
            critical_hits.append(item.id)
            floor_ranks.append(instrument.level_rank(item.critical.min_level))

    domain_scores: dict[str, DomainScore] = {}
    for domain in instrument.domains:
        reached = [t.level for t in domain.thresholds if scores[domain.id] >= t.min_score]
        threshold_level = reached[-1] if reached else None
        if threshold_level is not None:
            floor_ranks.append(instrument.level_rank(threshold_level))
        domain_scores[domain.id] = DomainScore(
            domain=domain.id,
            score=scores[domain.id],
            answered=answered[domain.id],
            unknown=unknown_in[domain.id],
            unanswered=missing_in[domain.id],
            threshold_level=threshold_level,
        )

    total = sum(scores.values())
    levels = instrument.result_levels
    score_rank = max((i for i, lvl in enumerate(levels) if total >= lvl.min_score), default=0)
    computed = levels[max([score_rank, *floor_ranks])].code

    final, reason = _override(instrument, computed, override_level, override_reason)

    limit = instrument.max_unknown
    return ScreeningResult(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_checksum=instrument.checksum,
        domain_scores=MappingProxyType(domain_scores),
        total=total,
        score_level=levels[score_rank].code,
        computed_level=computed,
        final_level=final,
        override_reason=reason,
        critical_items=tuple(critical_hits),
        unanswered_items=tuple(unanswered),
        unknown_items=tuple(unknown),
        insufficient_information=limit is not None and len(unknown) + len(unanswered) > limit,
        follow_up_actions=instrument.level(final).actions,
    )


def score_risk(instrument: Instrument, answers: Mapping[str, str]) -> RiskResult:
    """Score a risk assessment from item id -> answer code; every item must be answered."""
    if instrument.kind != "risk":
        raise ValueError(f"{instrument.key} is a {instrument.kind} instrument, not risk")
    _no_strangers(instrument, answers, "answers")
    sections = {d.id: 0 for d in instrument.domains}
    for item in instrument.items:
        code = answers.get(item.id)
        if code is None:
            raise ValidationError(f"answers.{item.id}", "no answer given")
        _answer(instrument, item, code, "answers")
        sections[item.domain] += item.points[code] or 0

    cap_results: dict[str, CapResult] = {}
    capped: set[str] = set()
    for cap in instrument.caps:
        raw = sum(sections[d] for d in cap.domains)
        cap_results[cap.id] = CapResult(cap.id, raw, cap.apply(raw))
        capped.update(cap.domains)
    raw_total = sum(c.applied for c in cap_results.values())
    raw_total += sum(points for d, points in sections.items() if d not in capped)
    total = raw_total if instrument.score_floor is None else max(raw_total, instrument.score_floor)

    score_band = next(
        (band for band in instrument.bands if band.contains(total)), instrument.bands[0]
    )
    hits = [m for m in instrument.mandatory_detention if answers[m.item] in m.responses]
    recommended = score_band
    if hits:
        forced = max(hits, key=lambda m: instrument.band_rank(m.band))
        if instrument.band_rank(forced.band) > instrument.band_rank(recommended.code):
            recommended = instrument.band(forced.band)
        hits.sort(key=lambda m: -instrument.band_rank(m.band))  # the forcing category first
    return RiskResult(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_checksum=instrument.checksum,
        section_points=MappingProxyType(sections),
        caps=MappingProxyType(cap_results),
        raw_total=raw_total,
        total=total,
        score_band=score_band.code,
        mandatory_categories=tuple(m.code for m in hits),
        recommended_band=recommended.code,
        follow_up_actions=recommended.actions,
    )
