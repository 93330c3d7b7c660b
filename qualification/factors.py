"""The five soft factors, each scored for a whole batch of leads at once.

Pure and Django-free. Every factor scores all the leads of a `LeadArrays`
(`qualification.features`) with array operations, and writes the sentence for
one lead only when asked, so that a bulk rescore pays for sentences only for
the leads someone reads.

Each factor is built from its criterion config (see `qualification.scoring`
for the keys), says whether that config asks for anything (`configured`; a
factor with nothing to compare is left out of the total), returns sub-scores
in [0, 1], and explains one lead with the actual numbers and words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from qualification import text
from qualification.features import (
    INDUSTRY_BITS,
    BoolArray,
    FloatArray,
    LeadArrays,
    LeadFeatures,
    Terms,
    occurs,
)

EARTH_RADIUS_KM = 6371.0088
# Without a stated figure, the console's default commute.
DEFAULT_COMMUTE_KM = 40.0
# A keyword in the body is worth this much of one in the title.
BODY_CREDIT = 0.75
# Keyword hits per body word at which the density bonus is full.
FULL_DENSITY = 0.02


# --- config readers -----------------------------------------------------------
# Configs are edited by people in the console: strings stand for numbers and
# single words for lists, and anything unreadable counts as not set.


def number(config: Mapping[str, Any], key: str) -> float | None:
    """A finite number from a config, or None."""
    value = config.get(key)
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def flag(config: Mapping[str, Any], key: str, default: bool) -> bool:
    """A yes/no from a config."""
    value = config.get(key, default)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "y"}
    return bool(value) if value is not None else default


def words(config: Mapping[str, Any], key: str) -> list[str]:
    """A list of non-empty, stripped strings from a config."""
    value = config.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple | set | frozenset):
        return []
    return [
        str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip()
    ]


def mapping(config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested object from a config, or an empty one."""
    value = config.get(key)
    return value if isinstance(value, Mapping) else {}


def config_of(settings: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """One criterion's config from a profile's settings; junk reads as empty."""
    config = settings.get(name)
    return config if isinstance(config, Mapping) else {}


def _first_number(config: Mapping[str, Any], keys: Sequence[str]) -> float | None:
    for key in keys:
        value = number(config, key)
        if value is not None:
            return value
    return None


def haversine_km(
    lat1: FloatArray, lon1: FloatArray, lat2: float, lon2: float
) -> FloatArray:
    """Great-circle distance in km from each (lat1, lon1) to one point."""
    p1, p2 = np.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def money(value: float) -> str:
    """$52k, $37.4k, $1.2M, $900."""
    if value >= 1e6:
        return f"${value / 1e6:.1f}".removesuffix(".0") + "M"
    if value >= 1e3:
        return f"${value / 1e3:.1f}".removesuffix(".0") + "k"
    return f"${value:.0f}"


def money_range(low: float, high: float) -> str:
    """ "$120k\u2013$140k", or one figure when both ends read the same."""
    return (
        money(low) if money(low) == money(high) else f"{money(low)}\u2013{money(high)}"
    )


def listing(items: Iterable[str]) -> str:
    """Items for a sentence: "python, sql"."""
    return ", ".join(items)


class Factor(Protocol):
    """A soft factor: sub-scores for a batch, a sentence for one lead."""

    name: str
    configured: bool

    def terms(self) -> list[Terms]: ...

    def scores(self, a: LeadArrays) -> FloatArray: ...

    def reason(self, a: LeadArrays, i: int) -> str: ...


# --- salary -------------------------------------------------------------------


def pay_range(a: LeadArrays) -> tuple[FloatArray, FloatArray]:
    """Each lead's (low, high) pay; a one-sided figure ("up to $90k") is both."""

    def compute() -> tuple[FloatArray, FloatArray]:
        low, high = a.salary_min, a.salary_max
        return np.where(np.isnan(low), high, low), np.where(np.isnan(high), low, high)

    return a.derived("pay_range", compute)


class Salary:
    """Overlap of the lead's annual range with the wanted one.

    At or above the wanted minimum: 1. Straddling it: 0.5 + 0.5 x the share of
    the lead's range at or above it. Wholly below: under 0.5, falling linearly
    to 0 at half the minimum. The score never falls when either end of the
    lead's range rises. Unpaid: 0. Not stated: 0.5.
    """

    name = "salary"

    def __init__(self, config: Mapping[str, Any]) -> None:
        low, high = number(config, "min_annual"), number(config, "max_annual")
        if low is not None and high is not None and low > high:
            low, high = high, low
        self.configured = low is not None or high is not None
        self.low = max(low or 0.0, 0.0)
        self.high = high

    def terms(self) -> list[Terms]:
        return []

    def scores(self, a: LeadArrays) -> FloatArray:
        low, high = pay_range(a)
        want = self.low
        # Branches not taken may divide by zero or overflow; np.where drops them.
        with np.errstate(all="ignore"):
            share = (high - want) / (high - low)
            gap = (want - high) / want if want > 0 else np.zeros_like(high)
            straddle = 0.5 + 0.5 * np.clip(share, 0.0, 1.0)
            below = 0.5 * np.clip(1.0 - 2.0 * gap, 0.0, 1.0)
        above = 1.0
        result = np.where(low >= want, above, np.where(high >= want, straddle, below))
        result = np.where(np.isnan(low), 0.5, result)
        return np.where(a.paid == 0.0, 0.0, result)

    def _wanted(self) -> str:
        if self.high is None:
            return f"{money(self.low)}+"
        return money_range(self.low, self.high)

    def reason(self, a: LeadArrays, i: int) -> str:
        if not self.configured:
            return "No salary range set, so pay is not counted"
        if a.paid[i] == 0.0:
            return "Unpaid: the posting offers no pay"
        low_col, high_col = pay_range(a)
        low, high = float(low_col[i]), float(high_col[i])
        if math.isnan(low):
            return "Pay is not stated"
        pay, wanted = money_range(low, high), self._wanted()
        if low >= self.low:
            if self.high is None:
                where = f"is at or above your {money(self.low)} minimum"
            elif high <= self.high:
                where = f"is within your {wanted}"
            elif low > self.high:
                where = f"is above your {wanted}"
            else:
                where = f"reaches above your {wanted}"
            return f"Salary range matches: {pay} a year {where}"
        if high >= self.low:
            share = (high - self.low) / (high - low)
            return (
                f"Salary {pay} a year overlaps your {wanted} range "
                f"({share:.0%} of it is at or above {money(self.low)})"
            )
        return (
            f"Salary {pay} a year is below your {wanted} range "
            f"({money(self.low - high)} short of {money(self.low)})"
        )


# --- keywords -----------------------------------------------------------------


@dataclass(frozen=True)
class Keyword:
    """A wanted term and its synonyms, each as the stems that must all occur."""

    label: str
    alternatives: tuple[tuple[str, Terms], ...]  # (as written, stems)
    stems: tuple[Terms, ...]

    @classmethod
    def build(cls, label: str, synonyms: Sequence[str]) -> Keyword | None:
        seen: set[Terms] = set()
        alternatives = []
        for written in (label, *synonyms):
            stems = text.terms(written)
            if stems and stems not in seen:
                seen.add(stems)
                alternatives.append((written, stems))
        if not alternatives:
            return None
        return cls(label, tuple(alternatives), tuple(s for _, s in alternatives))

    def found(self, bag: Mapping[str, int]) -> str | None:
        """How the keyword appears in one lead's terms: its label, or via a synonym."""
        for written, stems in self.alternatives:
            if occurs(bag, stems):
                return (
                    self.label
                    if written == self.label
                    else f"{self.label} (as {written})"
                )
        return None


def keyword_list(config: Mapping[str, Any], key: str) -> list[Keyword]:
    synonyms = {
        str(term).strip().lower(): words({"s": values}, "s")
        for term, values in mapping(config, "synonyms").items()
    }
    found = []
    for label in words(config, key):
        keyword = Keyword.build(label, synonyms.get(label.lower(), []))
        if keyword is not None:
            found.append(keyword)
    return found


class Keywords:
    """Required terms dominate, nice-to-have terms add, density adds a little.

    A term counts 1 in the title and 0.75 in the body only. With both lists the
    score is 0.75 x required coverage + 0.2 x nice coverage + 0.05 x density;
    with one list, 0.95 x its coverage + 0.05 x density. Density is keyword
    hits per body word, full at 2%.
    """

    name = "keywords"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.required = keyword_list(config, "required")
        self.nice = keyword_list(config, "nice_to_have")
        self.configured = bool(self.required or self.nice)
        self._labelled = [(k, True) for k in self.required]
        self._labelled += [(k, False) for k in self.nice]

    def terms(self) -> list[Terms]:
        return [s for k in (*self.required, *self.nice) for s in k.stems]

    def _coverage(
        self, a: LeadArrays, keywords: list[Keyword]
    ) -> tuple[FloatArray, FloatArray]:
        cover = np.zeros(len(a), np.float64)
        body_hits = np.zeros(len(a), np.float64)
        for keyword in keywords:
            title = a.hits(keyword.stems, where="title")
            body = a.hits(keyword.stems, where="body")
            cover += np.where(title > 0, 1.0, np.where(body > 0, BODY_CREDIT, 0.0))
            body_hits += body
        return cover / max(len(keywords), 1), body_hits

    def _hit_rows(self, a: LeadArrays) -> tuple[FloatArray, FloatArray]:
        """(n, keywords) title and body hit counts, for reading one lead's row."""

        def compute() -> tuple[FloatArray, FloatArray]:
            shape = (len(a), len(self._labelled))
            title, body = np.zeros(shape), np.zeros(shape)
            for column, (keyword, _) in enumerate(self._labelled):
                title[:, column] = a.hits(keyword.stems, where="title")
                body[:, column] = a.hits(keyword.stems, where="body")
            return title, body

        key = ("keyword rows", tuple(k.stems for k, _ in self._labelled))
        return a.derived(key, compute)

    def scores(self, a: LeadArrays) -> FloatArray:
        required, hits_r = self._coverage(a, self.required)
        nice, hits_n = self._coverage(a, self.nice)
        density = np.clip(
            (hits_r + hits_n) / np.maximum(a.body_length, 1.0) / FULL_DENSITY, 0.0, 1.0
        )
        if self.required and self.nice:
            return 0.75 * required + 0.2 * nice + 0.05 * density
        return 0.95 * (required if self.required else nice) + 0.05 * density

    def reason(self, a: LeadArrays, i: int) -> str:
        if not self.configured:
            return "No keywords set, so keywords are not counted"
        f = a.features[i]
        title_rows, body_rows = self._hit_rows(a)
        in_title, in_body, missing, missing_nice = [], [], [], []
        hits = 0
        for (keyword, required), title, body in zip(
            self._labelled, title_rows[i].tolist(), body_rows[i].tolist(), strict=True
        ):
            hits += int(body)
            if title:
                in_title.append(keyword.found(f.title_terms) or keyword.label)
            elif body:
                in_body.append(keyword.found(f.body_terms) or keyword.label)
            elif required:
                missing.append(keyword.label)
            else:
                missing_nice.append(keyword.label)
        parts = []
        if in_title:
            parts.append(f"Title mentions {listing(in_title)}")
        if in_body:
            parts.append(f"body mentions {listing(in_body)}")
        if not parts:
            parts.append("No keyword found in title or body")
        if missing:
            parts.append(f"missing: {listing(missing)}")
        if missing_nice:
            parts.append(f"no {listing(missing_nice)} (nice to have)")
        if hits:
            parts.append(f"{hits} keyword hits in {f.body_length} body words")
        sentence = "; ".join(parts)
        return sentence[0].upper() + sentence[1:]


# --- location -----------------------------------------------------------------


class Location:
    """Remote, hybrid or on-site, and the commute from home.

    Remote: 1. Commute c(d): 1 at home, 0.8 at the limit, then 0.5 x limit / d.
    Hybrid: 0.3 + 0.6 c with a remote preference, else c (0.6/0.5 with no
    distance). On-site or unstated: 0.8 c with a remote preference, else c;
    with no distance, 0.2 on-site / 0.4 unstated when remote is preferred.
    """

    name = "location"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.prefer_remote = flag(config, "prefer_remote", False)
        home = mapping(config, "home")
        lat = _first_number(home, ("latitude", "lat"))
        lon = _first_number(home, ("longitude", "lon", "lng"))
        self.home = (lat, lon) if lat is not None and lon is not None else None
        limit = number(config, "max_commute_km")
        self.limit = limit if limit is not None and limit > 0 else DEFAULT_COMMUTE_KM
        self.configured = self.prefer_remote or self.home is not None

    def terms(self) -> list[Terms]:
        return []

    def distance(self, a: LeadArrays) -> FloatArray:
        """Km from home for each lead; nan without a home or a place."""
        home = self.home
        if home is None:
            return np.full(len(a), math.nan)
        return a.derived(
            ("distance", home), lambda: haversine_km(a.latitude, a.longitude, *home)
        )

    def scores(self, a: LeadArrays) -> FloatArray:
        d = self.distance(a)
        known = ~np.isnan(d)
        with np.errstate(all="ignore"):
            commute = np.where(
                d <= self.limit, 1.0 - 0.2 * d / self.limit, 0.5 * self.limit / d
            )
        commute = np.where(known, np.clip(commute, 0.0, 1.0), 0.5)
        r = a.remote
        if self.prefer_remote:
            hybrid = np.where(known, 0.3 + 0.6 * commute, 0.6)
            other = np.where(known, 0.8 * commute, np.where(r == 0.0, 0.2, 0.4))
        else:
            hybrid = np.where(known, commute, 0.5)
            other = commute
        return np.where(r == 1.0, 1.0, np.where(r == 0.5, hybrid, other))

    def reason(self, a: LeadArrays, i: int) -> str:
        if not self.configured:
            return "No location preference set, so location is not counted"
        r = float(a.remote[i])
        d = float(self.distance(a)[i])
        if r == 1.0:
            return "Remote: no commute"
        kind = {0.5: "Hybrid", 0.0: "On-site"}.get(r, "Remote or on-site is not stated")
        if not math.isnan(d):
            fits = "within" if d <= self.limit else "beyond"
            where = f"{d:.0f} km from home, {fits} your {self.limit:.0f} km commute"
        elif self.home is None:
            where = "no home location set to judge the commute"
        else:
            where = "the posting's location is unknown"
        wish = "; you prefer remote" if self.prefer_remote and r != 0.5 else ""
        return f"{kind}, {where}{wish}"


# --- experience ---------------------------------------------------------------


def seniority_level(name: str) -> int | None:
    key = " ".join(text.tokens(name))
    return text.SENIORITY_ALIASES.get(key)


class Experience:
    """Seniority named in the posting, years asked for, and skills.

    Seniority: 1 when wanted, 0.35 less per level away, 0.5 unstated. Years:
    1 up to your maximum (or unstated), 0.2 less per year over. Skills: the
    share found in title or body. Weighted 0.45 / 0.25 / 0.3 over the parts set.
    """

    name = "experience"

    def __init__(self, config: Mapping[str, Any]) -> None:
        levels = {seniority_level(w) for w in words(config, "seniority")}
        self.levels = sorted(level for level in levels if level is not None)
        self.max_years = number(config, "max_years_required")
        self.skills = keyword_list(config, "skills")
        self.configured = bool(self.levels or self.skills) or self.max_years is not None

    def terms(self) -> list[Terms]:
        return [s for k in self.skills for s in k.stems]

    def _skills_found(self, a: LeadArrays) -> BoolArray:
        """(n, skills): whether each skill appears in the title or the body."""

        def compute() -> BoolArray:
            found = np.zeros((len(a), len(self.skills)), np.bool_)
            for column, skill in enumerate(self.skills):
                title = a.hits(skill.stems, where="title")
                found[:, column] = (title + a.hits(skill.stems, where="body")) > 0
            return found

        return a.derived(("skills", tuple(s.stems for s in self.skills)), compute)

    def scores(self, a: LeadArrays) -> FloatArray:
        total = np.zeros(len(a), np.float64)
        weight = 0.0
        if self.levels:
            away = np.min(
                np.abs(a.seniority[:, None] - np.array(self.levels, np.float64)), axis=1
            )
            part = np.clip(1.0 - 0.35 * away, 0.0, 1.0)
            total += 0.45 * np.where(np.isnan(a.seniority), 0.5, part)
            weight += 0.45
        if self.max_years is not None:
            over = np.nan_to_num(a.years - self.max_years, nan=0.0)
            total += 0.25 * np.clip(1.0 - 0.2 * np.maximum(over, 0.0), 0.0, 1.0)
            weight += 0.25
        if self.skills:
            found = self._skills_found(a).sum(axis=1)
            total += 0.3 * found / len(self.skills)
            weight += 0.3
        return total / weight if weight else np.full(len(a), 0.5)

    def reason(self, a: LeadArrays, i: int) -> str:
        if not self.configured:
            return "No experience preference set, so experience is not counted"
        f = a.features[i]
        parts = []
        if self.levels:
            wanted = listing(text.SENIORITY_NAMES[level] for level in self.levels)
            if math.isnan(f.seniority):
                parts.append(f"Seniority not stated (you want {wanted})")
            else:
                name = text.SENIORITY_NAMES.get(round(f.seniority), "unknown")
                verdict = "matches" if round(f.seniority) in self.levels else "is not"
                parts.append(f"Seniority {name} {verdict} your {wanted}")
        if self.max_years is not None:
            limit = f"{self.max_years:g}"
            if math.isnan(f.years_required):
                parts.append(f"no years of experience asked (your max {limit})")
            else:
                fits = "within" if f.years_required <= self.max_years else "over"
                years = f"{f.years_required:g}"
                parts.append(f"asks for {years}+ years, {fits} your max {limit}")
        if self.skills:
            row = self._skills_found(a)[i].tolist()
            have = [s.label for s, found in zip(self.skills, row, strict=True) if found]
            lacking = [s.label for s in self.skills if s.label not in have]
            found = f"skills found: {listing(have)}" if have else "no skills found"
            parts.append(found + (f", missing: {listing(lacking)}" if lacking else ""))
        sentence = "; ".join(parts)
        return sentence[0].upper() + sentence[1:]


# --- company ------------------------------------------------------------------


def _cue_terms(phrases: Iterable[str]) -> list[tuple[str, frozenset[str]]]:
    # "our client" and "my client" both look for "client": name it once.
    by_terms: dict[frozenset[str], str] = {}
    for phrase in phrases:
        by_terms.setdefault(frozenset(text.terms(phrase)), phrase)
    return [(phrase, terms) for terms, phrase in by_terms.items() if terms]


RECRUITER_TERMS = _cue_terms(text.RECRUITER_PHRASES)
SCAM_TERMS = _cue_terms(text.SCAM_PHRASES)


def named_cues(
    f: LeadFeatures, cues: list[tuple[str, frozenset[str]]], count: int, limit: int = 3
) -> str:
    """Cue phrases whose words all appear in the lead, to name in a sentence.

    Features keep only cue counts, so the phrases are found again among the
    lead's terms; when none is (features from an older vocabulary), the count.
    """
    title, body = f.title_terms.keys(), f.body_terms.keys()
    found = [phrase for phrase, stems in cues if stems <= title or stems <= body]
    return listing(found[:limit]) or f"{count} such phrase{'s' if count > 1 else ''}"


class Company:
    """Who posts and what kind of employer it is.

    From 0.5: recruiter or agency wording -0.35 (none +0.2) when recruiters are
    avoided; non-profit +0.2/-0.1, matching size ±0.15 and industry +0.2/-0.1
    when preferred; then scam wording multiplies by 0.3 (one cue) or 0.1.
    """

    name = "company"

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.avoid_recruiters = flag(config, "avoid_recruiters", False)
        self.prefer_nonprofit = flag(config, "prefer_nonprofit", False)
        size = str(config.get("preferred_size") or "").strip().lower()
        self.size = size if size in {"small", "large"} else None
        self.industries = sorted(
            {w.lower() for w in words(config, "industries")} & set(text.INDUSTRIES)
        )
        self.mask = sum(INDUSTRY_BITS[name] for name in self.industries)
        # Scam wording is always judged, so the factor always has something to say.
        self.configured = True

    def terms(self) -> list[Terms]:
        return []

    def scores(self, a: LeadArrays) -> FloatArray:
        score = np.full(len(a), 0.5)
        if self.avoid_recruiters:
            score += np.where(a.recruiter > 0, -0.35, 0.2)
        if self.prefer_nonprofit:
            score += np.where(a.nonprofit, 0.2, -0.1)
        if self.size is not None:
            score += np.where(
                a.size == self.size, 0.15, np.where(a.size == "", 0.0, -0.15)
            )
        if self.mask:
            matches = (a.industries & self.mask) != 0
            score += np.where(matches, 0.2, np.where(a.industries != 0, -0.1, 0.0))
        scam = np.where(a.scam >= 2, 0.1, np.where(a.scam >= 1, 0.3, 1.0))
        return np.clip(score, 0.0, 1.0) * scam

    def reason(self, a: LeadArrays, i: int) -> str:
        f = a.features[i]
        parts = []
        if f.scam_cues:
            parts.append(
                f"Possible scam: mentions {named_cues(f, SCAM_TERMS, f.scam_cues)}"
            )
        if f.recruiter_cues:
            cues = named_cues(f, RECRUITER_TERMS, f.recruiter_cues)
            parts.append(f"recruiter or agency wording ({cues})")
        elif self.avoid_recruiters:
            parts.append("no recruiter or agency wording")
        if self.prefer_nonprofit:
            parts.append("a non-profit" if f.nonprofit else "not a non-profit")
        if self.size is not None:
            if f.company_size is None:
                parts.append("company size not stated")
            else:
                verdict = (
                    "as you prefer" if f.company_size == self.size else "you prefer"
                )
                wish = "" if f.company_size == self.size else f" {self.size}"
                parts.append(f"{f.company_size}-company cues, {verdict}{wish}")
        if self.industries:
            known = sorted(f.industries)
            wanted = listing(self.industries)
            if set(known) & set(self.industries):
                parts.append(f"industry {listing(known)} matches your {wanted}")
            elif known:
                parts.append(f"industry {listing(known)}, not your {wanted}")
            else:
                parts.append(f"industry not stated (you want {wanted})")
        if not parts:
            parts.append("nothing notable about the poster")
        sentence = "; ".join(parts)
        return sentence[0].upper() + sentence[1:]


def build_factors(settings: Mapping[str, Mapping[str, Any]]) -> list[Factor]:
    """The five factors, in `scoring.FACTORS` order, from a profile's settings."""
    return [
        Salary(config_of(settings, "salary")),
        Keywords(config_of(settings, "keywords")),
        Location(config_of(settings, "location")),
        Experience(config_of(settings, "experience")),
        Company(config_of(settings, "company")),
    ]
