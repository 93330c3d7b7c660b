"""Score leads against a criteria profile: hard filters, soft factors, a grade.

Pure and Django-free; the service layer turns criteria rows into a
`ProfileConfig` (`ProfileConfig.from_rows`) and leads into `LeadFeatures`.
`score_batch` scores any number of leads with numpy array operations;
`score_one` is the same path for one lead. A hard filter that fails makes the
lead fail (grade F) but its score is still computed and reported.

The total is the weighted mean of the factor sub-scores, counting only factors
with a weight above 0 whose config asks for something; with none, it is 0.5.
Grades: the best grade whose threshold the score reaches, else F.

Criterion configs (the JSON the console edits; unknown keys are ignored,
numbers may be strings, a single word may stand for a list):

Soft factors (each scores 0-1 and explains itself; see `qualification.factors`)

- ``salary``: ``{"min_annual": 60000, "max_annual": 160000}`` — annual range
  wanted. At or above the minimum scores 1, straddling it 0.5-1, below it
  under 0.5; unpaid 0, not stated 0.5.
- ``keywords``: ``{"required": ["python"], "nice_to_have": ["django", "api"],
  "synonyms": {"python": ["py", "django"]}}`` — each term with its synonyms is
  one keyword; words are stemmed, and a phrase matches when all its words
  appear. Title hits count more than body hits; density adds a little.
- ``location``: ``{"prefer_remote": true, "home": {"latitude": 37.77,
  "longitude": -122.42} | null, "max_commute_km": 40}`` — remote, hybrid or
  on-site, and the great-circle distance from home.
- ``experience``: ``{"seniority": ["mid", "senior"], "max_years_required": 8,
  "skills": ["sql", "docker"]}`` — levels are entry, junior, mid, senior,
  lead (also intern, principal, staff).
- ``company``: ``{"avoid_recruiters": true, "prefer_nonprofit": false,
  "preferred_size": "small" | "large" | null, "industries": ["tech"]}`` —
  industries from `qualification.text.INDUSTRIES`; scam wording always costs.

Hard filters (apply only when present and active in the profile)

- ``pay_floor``: ``{"min_annual": 50000}`` — fails when the best stated annual
  pay is below it, or the posting is unpaid; unstated pay passes.
- ``remote_required``: ``{}`` — fails when on-site or hybrid is stated.
  Optional ``"allow_hybrid": true`` lets hybrid pass, ``"allow_unstated":
  false`` fails postings that do not say.
- ``categories``: ``{"allowed": ["sof", "web"]}`` — Craigslist category codes;
  a lead with no category passes.
- ``blocked_words``: ``{"words": ["commission only"]}`` — fails when all words
  of a phrase appear (stemmed) in the title or the body.
- ``blocked_posters``: ``{"emails": ["x@y.com", "@spam.example"], "companies":
  ["acme staffing"]}`` — exact contact e-mail, an ``@domain`` for a whole
  domain, or the exact company name (case-insensitive).
- ``max_age``: ``{"days": 30}`` — fails when posted longer ago than this.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from qualification import factors as fx
from qualification.features import (
    BoolArray,
    FloatArray,
    LeadArrays,
    LeadFeatures,
    Terms,
)

FACTORS = ("salary", "keywords", "location", "experience", "company")
HARD_FILTERS = (
    "pay_floor",
    "remote_required",
    "categories",
    "blocked_words",
    "blocked_posters",
    "max_age",
)
DEFAULT_THRESHOLDS = {"A": 0.8, "B": 0.65, "C": 0.5, "D": 0.35}
DEFAULT_WEIGHTS = {
    "salary": 30.0,
    "keywords": 25.0,
    "location": 20.0,
    "experience": 15.0,
    "company": 10.0,
}
# The default profile asks what most people want; keywords and experience are
# personal and start empty.
DEFAULT_SETTINGS: dict[str, dict[str, Any]] = {
    "salary": {"min_annual": 60000, "max_annual": 160000},
    "keywords": {"required": [], "nice_to_have": [], "synonyms": {}},
    "location": {"prefer_remote": True, "home": None, "max_commute_km": 40},
    "experience": {"seniority": [], "max_years_required": None, "skills": []},
    "company": {
        "avoid_recruiters": True,
        "prefer_nonprofit": False,
        "preferred_size": None,
        "industries": [],
    },
}
# With nothing to judge, a lead sits in the middle.
NEUTRAL_SCORE = 0.5
DAY_SECONDS = 86_400.0


@dataclass(frozen=True)
class ProfileConfig:
    """A criteria profile as plain data: factor weights, configs, grade cut-offs."""

    weights: dict[str, float]
    settings: dict[str, dict[str, Any]]
    thresholds: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_THRESHOLDS)
    )

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[str, dict[str, Any], float, bool]],
        thresholds: Mapping[str, float] | None = None,
    ) -> ProfileConfig:
        """Build from (type, config, weight, active) criterion rows.

        An inactive factor weighs 0; an inactive or absent hard filter does not
        apply; unknown types are ignored. `thresholds` override the defaults
        grade by grade.
        """
        weights = dict.fromkeys(FACTORS, 0.0)
        settings: dict[str, dict[str, Any]] = {}
        for kind, config, weight, active in rows:
            if kind in FACTORS:
                settings[kind] = dict(config or {})
                weights[kind] = _weight(weight) if active else 0.0
            elif kind in HARD_FILTERS and active:
                settings[kind] = dict(config or {})
        return cls(weights, settings, {**DEFAULT_THRESHOLDS, **(thresholds or {})})

    @classmethod
    def default(cls) -> ProfileConfig:
        """The team default: salary 30, keywords 25, location 20, experience 15,
        company 10, no hard filters."""
        settings = copy.deepcopy(DEFAULT_SETTINGS)
        return cls(dict(DEFAULT_WEIGHTS), settings, dict(DEFAULT_THRESHOLDS))


def _weight(value: Any) -> float:
    try:
        weight = float(value)
    except (TypeError, ValueError):
        return 0.0
    return weight if math.isfinite(weight) and weight > 0 else 0.0


@dataclass(frozen=True)
class QualificationResult:
    """One lead's verdict, with a checkable sentence per factor."""

    score: float
    grade: str
    passed: bool
    failed_filter: str | None
    reasons: list[str]
    breakdown: dict[str, dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe: score, grade, passed, failed_filter, reasons, breakdown."""
        return {
            "score": self.score,
            "grade": self.grade,
            "passed": self.passed,
            "failed_filter": self.failed_filter,
            "reasons": list(self.reasons),
            "breakdown": {name: dict(part) for name, part in self.breakdown.items()},
        }


# --- grades -------------------------------------------------------------------


def _grade_order(thresholds: Mapping[str, float]) -> list[tuple[str, float]]:
    """One-letter grades with finite thresholds, lowest threshold first."""
    valid = []
    for grade, threshold in thresholds.items():
        value = fx.number({"t": threshold}, "t")
        if isinstance(grade, str) and len(grade) == 1 and value is not None:
            valid.append((grade, value))
    # Ties resolve the same way here and in `grade_for`: the letter sorting last.
    return sorted(valid, key=lambda item: (item[1], item[0]))


def grade_for(score: float, thresholds: Mapping[str, float]) -> str:
    """The best grade whose threshold the score reaches, else "F"."""
    for grade, threshold in reversed(_grade_order(thresholds)):
        if score >= threshold:
            return grade
    return "F"


def _grades(
    scores: FloatArray, thresholds: Mapping[str, float]
) -> npt.NDArray[np.str_]:
    grades = np.full(scores.shape, "F", dtype="<U1")
    for grade, threshold in _grade_order(thresholds):
        grades[scores >= threshold] = grade
    return grades


# --- hard filters -------------------------------------------------------------


class HardFilter(Protocol):
    """A deal-breaker: which leads fail it, and why one lead did."""

    name: str

    def terms(self) -> list[Terms]: ...

    def fails(self, a: LeadArrays, now: float) -> BoolArray: ...

    def reason(self, a: LeadArrays, i: int, now: float) -> str: ...


class PayFloor:
    name = "pay_floor"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.floor = fx.number(config, "min_annual")

    def terms(self) -> list[Terms]:
        return []

    def _best(self, a: LeadArrays) -> FloatArray:
        return np.where(np.isnan(a.salary_max), a.salary_min, a.salary_max)

    def fails(self, a: LeadArrays, now: float) -> BoolArray:
        unpaid = a.paid == 0.0
        if self.floor is None:
            return unpaid
        return unpaid | (self._best(a) < self.floor)

    def reason(self, a: LeadArrays, i: int, now: float) -> str:
        floor = f"{fx.money(self.floor)} a year" if self.floor is not None else "pay"
        if a.paid[i] == 0.0:
            return f"Pay floor: unpaid, and you need at least {floor}"
        low, high = float(a.salary_min[i]), float(a.salary_max[i])
        low = high if math.isnan(low) else low
        high = low if math.isnan(high) else high
        pay = fx.money_range(low, high)
        return f"Pay floor: {pay} a year is below your {floor} floor"


class RemoteRequired:
    name = "remote_required"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.allow_hybrid = fx.flag(config, "allow_hybrid", False)
        self.allow_unstated = fx.flag(config, "allow_unstated", True)

    def terms(self) -> list[Terms]:
        return []

    def fails(self, a: LeadArrays, now: float) -> BoolArray:
        r = a.remote
        failing = r == 0.0
        if not self.allow_hybrid:
            failing |= r == 0.5
        if not self.allow_unstated:
            failing |= np.isnan(r)
        return failing

    def reason(self, a: LeadArrays, i: int, now: float) -> str:
        r = float(a.remote[i])
        if r == 0.5:
            return "Remote required: the job is hybrid, partly in the office"
        if math.isnan(r):
            return "Remote required: the posting does not say it is remote"
        return "Remote required: the job is on-site"


class Categories:
    name = "categories"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.allowed = sorted({w.lower() for w in fx.words(config, "allowed")})

    def terms(self) -> list[Terms]:
        return []

    def fails(self, a: LeadArrays, now: float) -> BoolArray:
        if not self.allowed:
            return np.zeros(len(a), np.bool_)
        return (a.category != "") & ~np.isin(a.category, self.allowed)

    def reason(self, a: LeadArrays, i: int, now: float) -> str:
        return (
            f"Category {a.category[i]} is not one of your categories: "
            f"{fx.listing(self.allowed)}"
        )


class BlockedWords:
    name = "blocked_words"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.words = [
            keyword
            for word in fx.words(config, "words")
            if (keyword := fx.Keyword.build(word, [])) is not None
        ]

    def terms(self) -> list[Terms]:
        return [s for w in self.words for s in w.stems]

    def fails(self, a: LeadArrays, now: float) -> BoolArray:
        failing = np.zeros(len(a), np.bool_)
        for word in self.words:
            failing |= (a.hits(word.stems, where="title") > 0) | (
                a.hits(word.stems, where="body") > 0
            )
        return failing

    def reason(self, a: LeadArrays, i: int, now: float) -> str:
        f = a.features[i]
        found = [
            w.label
            for w in self.words
            if w.found(f.title_terms) or w.found(f.body_terms)
        ]
        return f"Blocked words: the posting mentions {fx.listing(found)}"


class BlockedPosters:
    name = "blocked_posters"

    def __init__(self, config: Mapping[str, Any]) -> None:
        emails = {w.lower() for w in fx.words(config, "emails")}
        self.domains = sorted(e for e in emails if e.startswith("@"))
        self.emails = sorted(emails - set(self.domains))
        self.companies = sorted(
            {" ".join(w.lower().split()) for w in fx.words(config, "companies")}
        )

    def terms(self) -> list[Terms]:
        return []

    def _by_email(self, a: LeadArrays) -> BoolArray:
        failing = (
            np.isin(a.poster, self.emails) if self.emails else np.zeros(len(a), bool)
        )
        for domain in self.domains:
            failing |= np.char.endswith(a.poster, domain)
        return failing

    def fails(self, a: LeadArrays, now: float) -> BoolArray:
        by_company = (
            np.isin(a.company, self.companies)
            if self.companies
            else np.zeros(len(a), bool)
        )
        return self._by_email(a) | (by_company & (a.company != ""))

    def reason(self, a: LeadArrays, i: int, now: float) -> str:
        poster = str(a.poster[i])
        if poster and (poster in self.emails or poster.endswith(tuple(self.domains))):
            return f"Blocked poster: {poster} is on your blocklist"
        return f"Blocked poster: company {a.company[i]} is on your blocklist"


class MaxAge:
    name = "max_age"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.days = fx.number(config, "days")

    def terms(self) -> list[Terms]:
        return []

    def fails(self, a: LeadArrays, now: float) -> BoolArray:
        if self.days is None:
            return np.zeros(len(a), np.bool_)
        return (now - a.posted_at) > self.days * DAY_SECONDS

    def reason(self, a: LeadArrays, i: int, now: float) -> str:
        age = (now - float(a.posted_at[i])) / DAY_SECONDS
        return f"Too old: posted {age:.0f} days ago, past your {self.days:g}-day limit"


_FILTER_TYPES: dict[str, Callable[[Mapping[str, Any]], HardFilter]] = {
    "pay_floor": PayFloor,
    "remote_required": RemoteRequired,
    "categories": Categories,
    "blocked_words": BlockedWords,
    "blocked_posters": BlockedPosters,
    "max_age": MaxAge,
}


def build_filters(settings: Mapping[str, Mapping[str, Any]]) -> list[HardFilter]:
    """The hard filters a profile's settings hold, in `HARD_FILTERS` order."""
    return [
        _FILTER_TYPES[name](fx.config_of(settings, name))
        for name in HARD_FILTERS
        if name in settings
    ]


# --- scoring ------------------------------------------------------------------


class BatchResult:
    """Scores of a batch as arrays; sentences are written per lead on demand."""

    def __init__(
        self,
        *,
        arrays: LeadArrays,
        factors: list[fx.Factor],
        filters: list[HardFilter],
        weights: list[float],
        nominal: list[float],
        thresholds: Mapping[str, float],
        now: float,
    ) -> None:
        n = len(arrays)
        self._arrays, self._factors, self._filters = arrays, factors, filters
        self._weights, self._nominal, self._now = weights, nominal, now
        columns = [factor.scores(arrays) for factor in factors]
        self.factor_scores: FloatArray = (
            np.clip(np.column_stack(columns), 0.0, 1.0)
            if n
            else np.zeros((0, len(FACTORS)))
        )
        total = sum(weights)
        if total > 0:
            # Column by column, so one lead gets the same sum alone or in a batch.
            weighted = np.zeros(n, np.float64)
            for column, weight in enumerate(weights):
                if weight:
                    weighted += self.factor_scores[:, column] * weight
            self.scores: FloatArray = np.clip(weighted / total, 0.0, 1.0)
        else:
            self.scores = np.full(n, NEUTRAL_SCORE)
        failed = np.full(n, None, dtype=object)
        self.passed: BoolArray = np.ones(n, np.bool_)
        for hard_filter in reversed(filters):  # the first in HARD_FILTERS order wins
            failing = hard_filter.fails(arrays, now)
            failed[failing] = hard_filter.name
            self.passed &= ~failing
        self.failed_filter: list[str | None] = failed.tolist()
        self.grades = _grades(self.scores, thresholds)
        self.grades[~self.passed] = "F"

    def __len__(self) -> int:
        return len(self.scores)

    def result(self, i: int) -> QualificationResult:
        """The verdict for lead i, with its sentences."""
        i = range(len(self))[i]
        reasons = []
        failed = self.failed_filter[i]
        if failed is not None:
            hard_filter = next(f for f in self._filters if f.name == failed)
            reasons.append(hard_filter.reason(self._arrays, i, self._now))
        breakdown = {}
        row = self.factor_scores[i].tolist()
        for column, factor in enumerate(self._factors):
            sentence = factor.reason(self._arrays, i)
            breakdown[factor.name] = {
                "score": row[column],
                "weight": self._weights[column],
                "reason": sentence,
            }
            if self._nominal[column] > 0:
                reasons.append(sentence)
        return QualificationResult(
            score=float(self.scores[i]),
            grade=str(self.grades[i]),
            passed=bool(self.passed[i]),
            failed_filter=failed,
            reasons=reasons,
            breakdown=breakdown,
        )


def score_batch(
    features: Sequence[LeadFeatures], profile: ProfileConfig, *, now: float
) -> BatchResult:
    """Score many leads at once; `now` (epoch seconds) dates the age filter.

    Pure. The work is a handful of numpy passes over the batch plus one dict
    look-up per lead and keyword stem; sentences wait for `BatchResult.result`.
    """
    factors = fx.build_factors(profile.settings)
    filters = build_filters(profile.settings)
    terms = [t for factor in factors for t in factor.terms()]
    terms += [t for hard_filter in filters for t in hard_filter.terms()]
    nominal = [_weight(profile.weights.get(name, 0.0)) for name in FACTORS]
    weights = [
        weight if factor.configured else 0.0
        for weight, factor in zip(nominal, factors, strict=True)
    ]
    return BatchResult(
        arrays=LeadArrays(features, terms),
        factors=factors,
        filters=filters,
        weights=weights,
        nominal=nominal,
        thresholds=profile.thresholds,
        now=now,
    )


def score_one(
    features: LeadFeatures, profile: ProfileConfig, *, now: float
) -> QualificationResult:
    """Score one lead: `score_batch([features], ...).result(0)`."""
    return score_batch([features], profile, now=now).result(0)
