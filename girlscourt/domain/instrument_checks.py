"""The semantic checks a definition must pass beyond its schema: every code known, thresholds
reachable, bands covering the score range, caps and criticals consistent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from girlscourt.domain.instruments import Cap

# --- Semantic checks ----------------------------------------------------------------------------


def _item_points(item: Mapping[str, Any], rset: Mapping[str, Any]) -> dict[str, int | None]:
    """Points of each answer code for one item: the item's own table, else set points x weight."""
    own: Mapping[str, int] = item.get("points", {})
    weight = int(item.get("weight", 1))
    points: dict[str, int | None] = {}
    for option in rset["options"]:
        code = option["code"]
        if option.get("unknown", False) or option["points"] is None:
            points[code] = None
        elif code in own:
            points[code] = int(own[code])
        else:
            points[code] = int(option["points"]) * weight
    return points


def _critical_responses(critical: Mapping[str, Any], points: Mapping[str, int | None]) -> list[str]:
    """The answers that trigger a critical item: as listed, else any scoring above zero."""
    if "responses" in critical:
        return list(critical["responses"])
    return [code for code, pts in points.items() if pts is not None and pts > 0]


def _first_index(rows: Sequence[Mapping[str, Any]], attr: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, row in enumerate(rows):
        found.setdefault(row[attr], index)
    return found


class _Checks:
    """The checks JSON Schema cannot express: references, duplicates, order, gaps, overlaps."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.kind: str = data["kind"]
        self.domains: list[dict[str, Any]] = data["domains"]
        self.sets: list[dict[str, Any]] = data["response_sets"]
        self.items: list[dict[str, Any]] = data["items"]
        self.levels: list[dict[str, Any]] = data.get("result_levels", [])
        self.bands: list[dict[str, Any]] = data.get("bands", [])
        self.caps: list[dict[str, Any]] = data.get("caps", [])
        self.mandatory: list[dict[str, Any]] = data.get("mandatory_detention", [])
        self.set_by_id = {s["id"]: s for s in reversed(self.sets)}
        self.domain_ids = {d["id"] for d in self.domains}
        self.level_rank = _first_index(self.levels, "code")
        self.item_points: dict[str, dict[str, int | None]] = {}
        self.problems: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        """Record one problem at ``key``."""
        self.problems.append((key, message))

    def run(self) -> list[tuple[str, str]]:
        """All problems found, in file order within each check."""
        self.duplicates()
        self.licence_window()
        self.response_sets()
        self.increasing("result_levels", self.levels, "min_score")
        self.domain_thresholds()
        self.item_references()
        self.cap_references()
        self.mandatory_references()
        self.band_order()
        if not self.problems:
            self.coverage()
        return self.problems

    def duplicates(self) -> None:
        """Ids and codes must be unique within their list."""
        for where, rows, attr in (
            ("domains", self.domains, "id"),
            ("response_sets", self.sets, "id"),
            ("items", self.items, "id"),
            ("result_levels", self.levels, "code"),
            ("bands", self.bands, "code"),
            ("caps", self.caps, "id"),
            ("mandatory_detention", self.mandatory, "code"),
        ):
            self.unique(where, rows, attr)
        for index, rset in enumerate(self.sets):
            self.unique(f"response_sets[{index}].options", rset["options"], "code")

    def unique(self, where: str, rows: Sequence[Mapping[str, Any]], attr: str) -> None:
        """Report every repeat of ``attr`` in ``rows``."""
        first = _first_index(rows, attr)
        for index, row in enumerate(rows):
            if first[row[attr]] != index:
                self.add(
                    f"{where}[{index}].{attr}",
                    f"duplicate {attr} {row[attr]!r} (also {where}[{first[row[attr]]}])",
                )

    def increasing(self, where: str, rows: Sequence[Mapping[str, Any]], attr: str) -> None:
        """``attr`` must grow strictly from row to row."""
        for index in range(1, len(rows)):
            before, now = rows[index - 1][attr], rows[index][attr]
            if now <= before:
                self.add(
                    f"{where}[{index}].{attr}",
                    f"must be greater than {where}[{index - 1}].{attr} ({before})",
                )

    def licence_window(self) -> None:
        """The licence cannot end before it starts."""
        start, until = self.data.get("licence_valid_from"), self.data.get("licence_valid_until")
        if start is not None and until is not None and until < start:
            self.add("licence_valid_until", f"must not be before licence_valid_from ({start})")

    def response_sets(self) -> None:
        """Screening sets need exactly one Unknown answer; risk sets at most one."""
        for index, rset in enumerate(self.sets):
            unknown = sum(1 for option in rset["options"] if option.get("unknown", False))
            if self.kind == "screening" and unknown != 1:
                self.add(
                    f"response_sets[{index}].options",
                    f'needs exactly one option marked "unknown" (found {unknown})',
                )
            elif unknown > 1:
                self.add(
                    f"response_sets[{index}].options",
                    f'may have at most one option marked "unknown" (found {unknown})',
                )

    def domain_thresholds(self) -> None:
        """Thresholds name known levels, rise in score and level; every domain has items."""
        used = {item["domain"] for item in self.items}
        for d_index, domain in enumerate(self.domains):
            where = f"domains[{d_index}]"
            if domain["id"] not in used:
                self.add(where, f"no item belongs to domain {domain['id']!r}")
            thresholds: list[dict[str, Any]] = domain.get("thresholds", [])
            if thresholds and self.kind != "screening":
                self.add(f"{where}.thresholds", f"not allowed in a {self.kind} instrument")
                continue
            self.increasing(f"{where}.thresholds", thresholds, "min_score")
            ranks: list[int] = []
            for t_index, threshold in enumerate(thresholds):
                key = f"{where}.thresholds[{t_index}].level"
                rank = self.level_rank.get(threshold["level"])
                if rank is None:
                    self.add(key, f"unknown result level {threshold['level']!r}")
                    continue
                if ranks and rank <= ranks[-1]:
                    self.add(key, "must be a higher level than the threshold before it")
                ranks.append(rank)

    def item_references(self) -> None:
        """Items name known domains, response sets, answer codes and levels."""
        for index, item in enumerate(self.items):
            where = f"items[{index}]"
            if item["domain"] not in self.domain_ids:
                self.add(f"{where}.domain", f"unknown domain {item['domain']!r}")
            rset = self.set_by_id.get(item["response_set"])
            if rset is None:
                self.add(f"{where}.response_set", f"unknown response set {item['response_set']!r}")
                continue
            if "weight" in item and "points" in item:
                self.add(f"{where}.points", "give either weight or points, not both")
            options = {option["code"]: option for option in rset["options"]}
            for code in item.get("points", {}):
                if code not in options:
                    self.add(f"{where}.points.{code}", self.not_an_answer(code, rset))
                elif options[code].get("unknown", False):
                    self.add(f"{where}.points.{code}", 'the "unknown" answer cannot score points')
            points = _item_points(item, rset)
            self.item_points.setdefault(item["id"], points)
            if "critical" in item:
                self.critical(where, item["critical"], rset, points)

    @staticmethod
    def not_an_answer(code: str, rset: Mapping[str, Any]) -> str:
        """Message for an answer code missing from a response set."""
        return f"{code!r} is not an answer in response set {rset['id']!r}"

    def critical(
        self,
        where: str,
        critical: Mapping[str, Any],
        rset: Mapping[str, Any],
        points: Mapping[str, int | None],
    ) -> None:
        """A critical flag names a known level and answers that can occur and score."""
        if self.kind != "screening":
            self.add(f"{where}.critical", f"not allowed in a {self.kind} instrument")
            return
        if critical["min_level"] not in self.level_rank:
            self.add(
                f"{where}.critical.min_level", f"unknown result level {critical['min_level']!r}"
            )
        options = {option["code"]: option for option in rset["options"]}
        for index, code in enumerate(critical.get("responses", [])):
            key = f"{where}.critical.responses[{index}]"
            if code not in options:
                self.add(key, self.not_an_answer(code, rset))
            elif options[code].get("unknown", False):
                self.add(key, 'the "unknown" answer cannot be critical')
        if not _critical_responses(critical, points):
            self.add(f"{where}.critical", "no answer scores above zero, so it can never trigger")

    def cap_references(self) -> None:
        """Caps name known domains, each capped once, with min <= max."""
        capped: dict[str, int] = {}
        for c_index, cap in enumerate(self.caps):
            where = f"caps[{c_index}]"
            low, high = cap.get("min_points"), cap.get("max_points")
            if low is None and high is None:
                self.add(where, "give min_points, max_points or both")
            elif low is not None and high is not None and high < low:
                self.add(f"{where}.max_points", f"must not be less than min_points ({low})")
            for d_index, domain_id in enumerate(cap["domains"]):
                key = f"{where}.domains[{d_index}]"
                if domain_id not in self.domain_ids:
                    self.add(key, f"unknown domain {domain_id!r}")
                elif domain_id in capped:
                    self.add(
                        key, f"domain {domain_id!r} is already capped by caps[{capped[domain_id]}]"
                    )
                else:
                    capped[domain_id] = c_index

    def mandatory_references(self) -> None:
        """Mandatory categories name a known band, item and answers of that item."""
        band_codes = {band["code"] for band in self.bands}
        items = {item["id"]: item for item in reversed(self.items)}
        for index, category in enumerate(self.mandatory):
            where = f"mandatory_detention[{index}]"
            if category["band"] not in band_codes:
                self.add(f"{where}.band", f"unknown band {category['band']!r}")
            item = items.get(category["item"])
            if item is None:
                self.add(f"{where}.item", f"unknown item {category['item']!r}")
                continue
            rset = self.set_by_id.get(item["response_set"])
            codes = {option["code"] for option in rset["options"]} if rset else set()
            for r_index, code in enumerate(category["responses"]):
                if rset is not None and code not in codes:
                    self.add(
                        f"{where}.responses[{r_index}]",
                        f"{code!r} is not an answer to item {category['item']!r}",
                    )

    def band_order(self) -> None:
        """Bands run upward with no gap and no overlap; only the last may be open-ended."""
        for index, band in enumerate(self.bands):
            where = f"bands[{index}]"
            top = band["max_score"]
            if top is None and index != len(self.bands) - 1:
                self.add(f"{where}.max_score", "only the last band may be open-ended (null)")
            elif top is not None and top < band["min_score"]:
                self.add(
                    f"{where}.max_score", f"must not be less than min_score ({band['min_score']})"
                )
            before = self.bands[index - 1]["max_score"] if index else None
            if before is None:
                continue
            if band["min_score"] <= before:
                self.add(
                    f"{where}.min_score", f"overlaps bands[{index - 1}], which ends at {before}"
                )
            elif band["min_score"] > before + 1:
                self.add(
                    f"{where}.min_score",
                    f"leaves a gap after bands[{index - 1}]: scores {before + 1} to "
                    f"{band['min_score'] - 1} have no band",
                )

    def coverage(self) -> None:
        """Every possible total must have a result level or band."""
        lowest, highest = _score_range(self.data, self.item_points)
        if self.levels and self.levels[0]["min_score"] > lowest:
            self.add(
                "result_levels[0].min_score",
                f"must be at most {lowest}, the lowest possible total, so every total has a level",
            )
        if not self.bands:
            return
        if self.bands[0]["min_score"] > lowest:
            self.add("bands[0].min_score", f"must be at most {lowest}, the lowest possible total")
        last = self.bands[-1]["max_score"]
        if last is not None and last < highest:
            self.add(
                f"bands[{len(self.bands) - 1}].max_score",
                f"must be null or at least {highest}, the highest possible total",
            )


def _score_range(
    data: Mapping[str, Any], item_points: Mapping[str, Mapping[str, int | None]]
) -> tuple[int, int]:
    """Lowest and highest possible totals, from the file's numbers only."""
    screening = data["kind"] == "screening"
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    for item in data["items"]:
        values = [p for p in item_points[item["id"]].values() if p is not None]
        if screening or len(values) < len(item_points[item["id"]]):
            values.append(0)  # an unanswered or Unknown item scores nothing
        low[item["domain"]] = low.get(item["domain"], 0) + min(values)
        high[item["domain"]] = high.get(item["domain"], 0) + max(values)
    lowest = highest = 0
    capped: set[str] = set()
    for cap in data.get("caps", []):
        rule = Cap("", "", tuple(cap["domains"]), cap.get("min_points"), cap.get("max_points"))
        lowest += rule.apply(sum(low.get(d, 0) for d in rule.domains))
        highest += rule.apply(sum(high.get(d, 0) for d in rule.domains))
        capped.update(rule.domains)
    lowest += sum(v for d, v in low.items() if d not in capped)
    highest += sum(v for d, v in high.items() if d not in capped)
    floor = data.get("score_floor")
    if floor is not None:
        lowest, highest = max(lowest, floor), max(highest, floor)
    return lowest, highest
