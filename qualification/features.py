"""What qualification knows about a lead, read once from its text and fields.

Pure and Django-free: `extract_features` takes plain values (the caller reads
them off the lead) and returns a `LeadFeatures` that scoring needs and nothing
more. Features are JSON-safe through `to_dict`/`from_dict`, so they can be
stored and every lead rescored in bulk when criteria change, without reading
the text again.

Unknown numbers are `nan` (remote, seniority, years) or `None` (pay, place,
time), so that "not stated" never passes for "zero".

`LeadArrays` turns a batch of features into numpy columns once, for the
factors and filters to score every lead with array operations; its one Python
loop over leads is the term look-up that fills the keyword count matrices.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from itertools import chain
from operator import attrgetter
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from qualification import text
from qualification.salary import normalise_compensation

NAN = math.nan
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
# One alternative of a keyword: the stems that must all be present.
Terms = tuple[str, ...]
T = TypeVar("T")
INDUSTRY_BITS = {name: 1 << i for i, name in enumerate(text.INDUSTRIES)}

# "Founded 30 years ago" is not a requirement; anything past this is noise.
_MAX_YEARS = 40
_YEAR_WORD = r"(?:years?|yrs?)"
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
}
_N = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
# "5+ years", "3-5 years", "at least 4 years", "2 years of experience",
# "5 yrs exp". Bounded repetition only, so matching stays linear.
_YEARS_RE = re.compile(
    r"\b(?:"
    rf"{_N}\s?(?:\+|plus)\s?{_YEAR_WORD}"
    rf"|{_N}\s?(?:-|to)\s?\d{{1,2}}\s?\+?\s?{_YEAR_WORD}"
    rf"|(?:at least|minimum(?: of)?|min\.?|over|more than)\s{_N}\s?{_YEAR_WORD}"
    rf"|{_N}\s?{_YEAR_WORD}(?: of)?(?: [a-z-]+){{0,3}}? (?:experience|exp)\b"
    r")",
)
_EMPLOYER_BEFORE_RE = re.compile(
    r"\b(?:for|since|past|last|than|aged?)\s+(?:over\s+)?$"
)
_EMPLOYER_AFTER_RE = re.compile(
    r"\s*(?:in business|of service|of excellence|serving|old|of age|ago"
    r"|in the community|of combined|combined)"
)
_EXPERIENCE_RE = re.compile(r"\b(?:experience|exp)\b")
_EXPERIENCE_AFTER_RE = re.compile(r"(?: of)?(?: [a-z-]+){0,3}? (?:experience|exp)\b")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_EMPLOYEES_RE = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d{1,6})\s?\+?\s?(?:employees|staff members)\b"
)
# Beside the phrases: how many employees make a company small or large.
_SMALL_HEADCOUNT = 50
_LARGE_HEADCOUNT = 1_000
# Industry phrases are loose; one in the title or two in the body count.
_INDUSTRY_BODY_MENTIONS = 2


@dataclass(frozen=True, slots=True)
class LeadFeatures:
    """The scoring inputs of one lead. Annual pay; epoch seconds; lower case."""

    title_terms: dict[str, int]
    body_terms: dict[str, int]
    body_length: int
    salary_min: float | None
    salary_max: float | None
    is_paid: bool | None
    remote: float
    latitude: float | None
    longitude: float | None
    posted_at: float | None
    seniority: float
    years_required: float
    category: str
    company: str
    poster: str
    recruiter_cues: int
    scam_cues: int
    nonprofit: bool
    company_size: str | None
    industries: frozenset[str]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict: `nan` becomes None, industries a sorted list."""
        data: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, float) and math.isnan(value):
                value = None
            elif isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, dict):
                value = dict(value)
            data[field.name] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LeadFeatures:
        """The inverse of `to_dict`; missing or null fields read as unknown."""

        def number(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        def unknown_is_nan(key: str) -> float:
            value = number(key)
            return NAN if value is None else value

        paid = data.get("is_paid")
        size = data.get("company_size")
        return cls(
            title_terms={
                str(k): int(v) for k, v in (data.get("title_terms") or {}).items()
            },
            body_terms={
                str(k): int(v) for k, v in (data.get("body_terms") or {}).items()
            },
            body_length=int(data.get("body_length") or 0),
            salary_min=number("salary_min"),
            salary_max=number("salary_max"),
            is_paid=None if paid is None else bool(paid),
            remote=unknown_is_nan("remote"),
            latitude=number("latitude"),
            longitude=number("longitude"),
            posted_at=number("posted_at"),
            seniority=unknown_is_nan("seniority"),
            years_required=unknown_is_nan("years_required"),
            category=str(data.get("category") or ""),
            company=str(data.get("company") or ""),
            poster=str(data.get("poster") or ""),
            recruiter_cues=int(data.get("recruiter_cues") or 0),
            scam_cues=int(data.get("scam_cues") or 0),
            nonprofit=bool(data.get("nonprofit")),
            company_size=None if size is None else str(size),
            industries=frozenset(str(i) for i in data.get("industries") or ()),
        )


def extract_features(
    *,
    title: str,
    description: str,
    compensation: str = "",
    attributes: Mapping[str, Any] | None = None,
    salary_min: float | None = None,
    salary_max: float | None = None,
    is_remote: bool | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    posted_at: datetime | None = None,
    experience_level: str = "",
    category: str = "",
    company: str = "",
    contact_email: str = "",
    is_nonprofit: bool | None = None,
) -> LeadFeatures:
    """Read the scoring inputs of one lead. Pure; never raises on any text.

    Pay given as `salary_min`/`salary_max` (annual) is trusted; when both are
    missing the compensation text, then the description, is read with
    `normalise_compensation`. `latitude`/`longitude` are the lead's own or else
    its site's. A naive `posted_at` is taken as UTC.
    """
    title = title or ""
    body = "\n".join(
        part
        for part in (
            description or "",
            compensation or "",
            *_attribute_texts(attributes),
        )
        if part
    )
    title_tokens, body_tokens = text.tokens(title), text.tokens(body)
    title_stems = [text.stem(t) for t in title_tokens]
    body_stems = [text.stem(t) for t in body_tokens]
    title_cues = text.CUES.count(title_tokens, title_stems)
    body_cues = text.CUES.count(body_tokens, body_stems)
    cues = title_cues + body_cues

    low, high, paid = _pay(salary_min, salary_max, compensation, description)
    return LeadFeatures(
        title_terms=text.count_terms(title_tokens),
        body_terms=text.count_terms(body_tokens),
        body_length=len(body_tokens),
        salary_min=low,
        salary_max=high,
        is_paid=paid,
        remote=_remote(is_remote, cues),
        latitude=_within(latitude, 90.0),
        longitude=_within(longitude, 180.0),
        posted_at=_epoch(posted_at),
        seniority=_seniority(experience_level, title_cues, body_cues),
        years_required=years_required(f"{title}\n{body}"),
        category=(category or "").strip().lower(),
        company=" ".join((company or "").lower().split()),
        poster=(contact_email or "").strip().lower(),
        recruiter_cues=cues["recruiter"],
        scam_cues=cues["scam"],
        nonprofit=bool(is_nonprofit)
        if is_nonprofit is not None
        else cues["nonprofit"] > 0,
        company_size=_company_size(cues, f"{title}\n{body}"),
        industries=_industries(category, title_cues, body_cues),
    )


def _attribute_texts(attributes: Mapping[str, Any] | None) -> list[str]:
    """Attribute values as text; a flag ("telecommuting okay": True) is its label."""
    out: list[str] = []
    for label, value in (attributes or {}).items():
        if value is True:
            out.append(str(label))
        elif isinstance(value, str):
            out.append(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out.append(str(value))
        elif isinstance(value, list | tuple):
            out.extend(str(v) for v in value if isinstance(v, str | int | float))
    return out


def _within(value: float | None, limit: float) -> float | None:
    """A coordinate, or None when missing or off the globe."""
    number = _finite(value)
    return number if number is not None and -limit <= number <= limit else None


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _pay(
    salary_min: float | None,
    salary_max: float | None,
    compensation: str,
    description: str,
) -> tuple[float | None, float | None, bool | None]:
    low, high = _finite(salary_min), _finite(salary_max)
    if low is None and high is None:
        pay = normalise_compensation(compensation, description)
        low, high, paid = _finite(pay.min_annual), _finite(pay.max_annual), pay.is_paid
    else:
        paid = True
    low = low if low is None or low >= 0 else None
    high = high if high is None or high >= 0 else None
    if low is not None and high is not None and low > high:
        low, high = high, low
    if paid and low is not None and high is not None and high == 0:
        paid = False  # "$0" stored as pay is no pay
    return low, high, paid


def _epoch(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _remote(flag: bool | None, cues: Counter[str]) -> float:
    """1 remote, 0.5 hybrid, 0 on-site, nan when the posting does not say."""
    if flag:
        return 1.0
    if cues["hybrid"]:
        return 0.5
    # A stated "telecommuting: no" outweighs a stray "remote" in the text.
    if flag is False:
        return 0.0
    if cues["remote"]:
        # "Remote for training, then on site" is neither.
        return 0.5 if cues["onsite"] else 1.0
    return 0.0 if cues["onsite"] else NAN


def _levels(cues: Counter[str], prefix: str) -> list[int]:
    return [int(kind[len(prefix) :]) for kind in cues if kind.startswith(prefix)]


def _seniority(field: str, title: Counter[str], body: Counter[str]) -> float:
    """The experience-level field wins, then the title, then level statements.

    Several levels ("Junior/Mid Developer") read as the highest named.
    """
    stated = _levels(text.FIELD_LEVELS.count(text.tokens(field or "")), "level:")
    for levels in (
        stated,
        _levels(title, "title_level:") + _levels(title, "level:"),
        _levels(body, "level:"),
    ):
        if levels:
            return float(max(levels))
    return NAN


def years_required(content: str) -> float:
    """The most years of experience the text asks for, or nan.

    "3-5 years" asks for 3; "5+ years of Python, 2+ with AWS" asks for 5.
    """
    lowered = content[: text.MAX_TEXT_CHARS].lower().translate(_DASHES)
    found = [
        value
        for match in _YEARS_RE.finditer(lowered)
        for raw in match.groups()
        if raw is not None
        and (value := _NUMBER_WORDS.get(raw) or int(raw)) <= _MAX_YEARS
        and not _about_employer(lowered, match)
    ]
    return float(max(found)) if found else NAN


def _about_employer(lowered: str, match: re.Match[str]) -> bool:
    """ "Serving the bay for 25+ years", "20 years in business", "18 years old"."""
    before = lowered[max(0, match.start() - 16) : match.start()]
    after = lowered[match.end() : match.end() + 40]
    if _EMPLOYER_AFTER_RE.match(after):
        return True
    # "for 25+ years" is the firm's age; "looking for 5+ years of experience" is not.
    return bool(_EMPLOYER_BEFORE_RE.search(before)) and not (
        _EXPERIENCE_RE.search(match.group()) or _EXPERIENCE_AFTER_RE.match(after)
    )


def _company_size(cues: Counter[str], content: str) -> str | None:
    small, large = cues["small"], cues["large"]
    for match in _EMPLOYEES_RE.finditer(content[: text.MAX_TEXT_CHARS].lower()):
        headcount = int(match.group(1).replace(",", ""))
        if headcount >= _LARGE_HEADCOUNT:
            large += 1
        elif 0 < headcount <= _SMALL_HEADCOUNT:
            small += 1
    if small == large:
        return None
    return "small" if small > large else "large"


def _industries(
    category: str, title: Counter[str], body: Counter[str]
) -> frozenset[str]:
    found = set()
    from_category = text.CATEGORY_INDUSTRIES.get((category or "").strip().lower())
    if from_category:
        found.add(from_category)
    for industry in text.INDUSTRIES:
        kind = f"industry:{industry}"
        if title[kind] or body[kind] >= _INDUSTRY_BODY_MENTIONS:
            found.add(industry)
    return frozenset(found)


# --- a batch as columns ---------------------------------------------------------


class LeadArrays:
    """The features of a batch as numpy columns, plus term counts for `terms`.

    `terms` are the keyword alternatives that the profile will ask about;
    `title_counts[:, col]` and `body_counts[:, col]` hold each stem's count.
    """

    def __init__(self, features: Sequence[LeadFeatures], terms: Iterable[Terms]):
        self.features = features
        n = len(features)
        # One C-level pass reads every number; numpy turns None into nan.
        numbers = np.array(
            list(map(_NUMBERS, features)), dtype=np.float64, ndmin=2
        ).reshape(n, len(_NUMBER_FIELDS))
        (
            self.salary_min,
            self.salary_max,
            self.paid,
            self.remote,
            self.latitude,
            self.longitude,
            self.posted_at,
            self.seniority,
            self.years,
            self.body_length,
            self.recruiter,
            self.scam,
        ) = (np.ascontiguousarray(numbers[:, k]) for k in range(len(_NUMBER_FIELDS)))
        self.nonprofit = np.fromiter((f.nonprofit for f in features), np.bool_, n)
        self.size = np.array([f.company_size or "" for f in features], dtype="<U5")
        self.industries = np.fromiter(
            (_industry_mask(f.industries) for f in features), np.int64, n
        )
        self.category = np.array([f.category for f in features], dtype=np.str_)
        self.company = np.array([f.company for f in features], dtype=np.str_)
        self.poster = np.array([f.poster for f in features], dtype=np.str_)

        stems = sorted({s for alternative in terms for s in alternative})
        self._column = {s: i for i, s in enumerate(stems)}
        self.title_counts = _count_matrix([f.title_terms for f in features], stems)
        self.body_counts = _count_matrix([f.body_terms for f in features], stems)
        self._derived: dict[Hashable, Any] = {}

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A value computed from the columns once per batch (pay ranges, distances),
        so that a sentence quotes exactly the number that was scored."""
        if key not in self._derived:
            self._derived[key] = compute()
        return cast(T, self._derived[key])

    def __len__(self) -> int:
        return len(self.features)

    def hits(self, alternatives: Sequence[Terms], *, where: str) -> FloatArray:
        """Per lead, how often the best alternative occurs ("title" or "body").

        An alternative of several words occurs as often as its rarest word.
        Computed once per batch, so sentences read the counts that were scored.
        """
        return self.derived(
            ("hits", tuple(alternatives), where),
            lambda: self._hits(alternatives, where),
        )

    def _hits(self, alternatives: Sequence[Terms], where: str) -> FloatArray:
        counts = self.title_counts if where == "title" else self.body_counts
        best = np.zeros(len(self), np.float64)
        for alternative in alternatives:
            columns = [self._column[s] for s in alternative]
            if columns:
                best = np.maximum(best, counts[:, columns].min(axis=1))
        return best


_NUMBER_FIELDS = (
    "salary_min",
    "salary_max",
    "is_paid",
    "remote",
    "latitude",
    "longitude",
    "posted_at",
    "seniority",
    "years_required",
    "body_length",
    "recruiter_cues",
    "scam_cues",
)
_NUMBERS = attrgetter(*_NUMBER_FIELDS)


def _industry_mask(industries: frozenset[str]) -> int:
    return sum(INDUSTRY_BITS.get(name, 0) for name in industries) if industries else 0


def _count_matrix(bags: list[dict[str, int]], stems: list[str]) -> FloatArray:
    if not stems:
        return np.zeros((len(bags), 0), np.float64)
    # The one Python loop over leads: a dict look-up per lead and stem, made
    # by `map` so that no Python frame runs per look-up.
    zeros = [0] * len(stems)
    counts = chain.from_iterable(map(bag.get, stems, zeros) for bag in bags)
    return np.fromiter(counts, np.float64, len(bags) * len(stems)).reshape(
        len(bags), len(stems)
    )


def occurs(bag: Mapping[str, int], alternative: Terms) -> int:
    """How often an alternative occurs in one lead's terms (its rarest word)."""
    if len(alternative) == 1:
        return bag.get(alternative[0], 0)
    return min((bag.get(s, 0) for s in alternative), default=0)
