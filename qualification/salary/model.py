"""Salary normaliser: the result type, limits and the shared regular expressions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from qualification import salary_words as words

PERIODS = ("hour", "day", "week", "month", "year", "project", "unknown")

# Past these the number is revenue, an identifier or junk, not a wage.
_MAX_ANNUAL = 10_000_000.0
_MAX_DIGITS = 12
# Craigslist caps the compensation field far below this, no real posting body
# comes near the description limit, and a sentence with more numbers than the
# amount cap is a table, not a statement of pay.
_MAX_COMPENSATION_CHARS = 5_000
_MAX_DESCRIPTION_CHARS = 200_000
_MAX_AMOUNTS_PER_SEGMENT = 40
_MAX_SEGMENTS = 2_000


@dataclass(frozen=True)
class Compensation:
    """Normalised pay. Annual amounts are null for project and unknown periods."""

    min_annual: float | None = None
    max_annual: float | None = None
    period: str = "unknown"
    currency: str | None = None
    is_paid: bool | None = None
    amount_min: float | None = None
    amount_max: float | None = None
    source: str | None = None

    def as_contract(self) -> dict[str, object]:
        """The `parse_compensation` keys of CONTRACTS.md."""
        return {
            "min_annual": self.min_annual,
            "max_annual": self.max_annual,
            "period": self.period,
            "currency": self.currency,
            "is_paid": self.is_paid,
        }


class _Tok(NamedTuple):
    kind: str  # "num" | "word" | "sym" | "punct"
    text: str
    start: int
    end: int


@dataclass
class _Atom:
    """One number with its currency and scale word: "C$25", "1.400 €", "90k"."""

    first: int  # token index of the currency prefix, or of the number
    num: int
    last: int  # index after the number and its suffixes
    value: float
    raw: float  # before the scale word
    scale: float
    currency: str | None
    plain_dollar: bool  # a bare "$", which "CAD" elsewhere may overrule


@dataclass
class _Candidate:
    """An amount or range read from the text, with what surrounds it."""

    lo: float | None
    hi: float | None
    currency: str | None
    plain_dollar: bool
    period: str | None  # a key of PERIOD_MULTIPLIERS, "shift" or "project"
    explicit: int  # 2: period stated beside the amount; 1: elsewhere
    scaled: bool
    first: int
    end: int
    noise: bool = False
    penalised: bool = False


# A sentence's tokens and the candidates read from them.
_Segment = tuple[list[_Tok], list[_Candidate]]

_TOKEN_RE = re.compile(
    r"(?P<num>[0-9]+(?:[.,'][0-9]+)*)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<sym>[$£€¥₹₩₽₪₺฿₱¢])"
    r"|(?P<punct>[-/+~():;,.!?|·•*&%#@=\[\]<>])"
)
_SEPARATOR_RE = re.compile(r"[.,']")
_NBSP_GROUP_RE = re.compile(
    r"(?<=[0-9])[\u00a0\u202f\u2009\u2007](?=[0-9]{3}(?![0-9]))"
)
_SPACE_GROUP_RE = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?: [0-9]{3})+(?![0-9])")
_CURRENCY_AFTER_RE = re.compile(r"\s?(?:[$€£]|eur|euro|chf|cad|usd|gbp|kr|zł)", re.I)
_CURRENCY_BEFORE_RE = re.compile(r"[$€£]\s?$")
_PHONE_RE = re.compile(
    r"(?<![0-9$£€.,])(?:\+?1[ .-]?)?(?:\([0-9]{3}\)|[0-9]{3})[ .-]?[0-9]{3}[ .-]"
    r"[0-9]{4}(?![0-9])|(?<![0-9$£€.,-])[0-9]{3}-[0-9]{4}(?![0-9])"
)
_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")
)
_QUOTES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc", "'"))
# A description is read sentence by sentence and bullet by bullet.
_SEGMENT_RE = re.compile(r"[\n\r]+|[.!?;](?=\s)|\s[·•|]\s")
_DIGIT_RE = re.compile(r"[0-9]")
_QUALIFIERS_BEFORE = words.MAX_BEFORE | words.MIN_BEFORE
