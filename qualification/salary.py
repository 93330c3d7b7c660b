"""Normalise free-text Craigslist compensation into annual amounts.

Pure and Django-free, so that the parser, the scraper and the qualification
factors can all call it. Text is read as tokens (numbers, words, currency
symbols, punctuation); a small grammar recognises amounts, ranges, the
qualifiers around them ("up to", "starting at", "+") and the pay period, and
the vocabularies live in `qualification.salary_words`. Every regular
expression matches in linear time and the work per call is bounded, so no
input makes `normalise_compensation` slow or raise.
"""

from __future__ import annotations

import re
import unicodedata
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


def normalise_compensation(
    text: str | None, description: str | None = None
) -> Compensation:
    """Read pay from a compensation text, falling back to the posting body.

    The compensation text wins when it names an amount or says the job is not
    paid; otherwise the description is searched for pay, preferring sentences
    that talk about pay. Pure function; never raises on any string.
    """
    result, hint = Compensation(), None
    if text and text.strip():
        tokens = _tokenize(_prepare(_clip(text, _MAX_COMPENSATION_CHARS)))
        cands = _candidates(tokens)
        best = _best([(tokens, cands)], lenient=True)
        if best is not None:
            if not best[0].explicit and description:
                _confirm_period(best[0], _read_description(description))
            return _from_candidate(best[0], tokens, "compensation")
        zero = any(c.hi == 0 and not c.lo and not c.noise for c in cands)
        result, hint = _from_words(tokens, zero=zero)
    if result.is_paid is False or not description or not description.strip():
        return result
    segments = _read_description(description)
    found = _best(segments, lenient=False, hint=hint)
    if found is not None:
        return _from_candidate(found[0], segments[found[1]][0], "description")
    if result.is_paid is None:
        verdict = _description_verdict(
            _prepare(_clip(description, _MAX_DESCRIPTION_CHARS))
        )
        if verdict is not None:
            return Compensation(is_paid=verdict, source="description")
    return result


def _read_description(description: str) -> list[_Segment]:
    body = _prepare(_clip(description, _MAX_DESCRIPTION_CHARS))
    return [(toks, _candidates(toks)) for toks in _segments(body)]


def _clip(text: str, limit: int) -> str:
    # Cut at a space, so that the last word is not misread ("pa" of "pay").
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:space] if space > 0 else cut


# --- text to tokens ----------------------------------------------------------


def _prepare(text: str) -> str:
    text = _NBSP_GROUP_RE.sub("'", text)
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    text = _SPACE_GROUP_RE.sub(_join_spaced_group, text)
    return _PHONE_RE.sub(" ", text).lower()


def _join_spaced_group(match: re.Match[str]) -> str:
    # "50 000 $" and "€ 1 400" are one amount; "pay 2 500 people" is not.
    text, start, end = match.string, match.start(), match.end()
    if _CURRENCY_AFTER_RE.match(text, end) or _CURRENCY_BEFORE_RE.search(
        text[max(0, start - 2) : start]
    ):
        return match.group().replace(" ", "'")
    return match.group()


def _tokenize(text: str) -> list[_Tok]:
    toks = [
        _Tok(m.lastgroup or "punct", m.group(), m.start(), m.end())
        for m in _TOKEN_RE.finditer(text)
    ]
    return _merge_abbreviations(toks)


def _merge_abbreviations(toks: list[_Tok]) -> list[_Tok]:
    """Join "d.o.e.", "p.a." and "n/a" into one word each ("doe", "pa", "na")."""
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        tok, j = toks[i], i
        after_number = bool(out) and out[-1].kind == "num" and out[-1].end == tok.start
        if tok.kind == "word" and len(tok.text) == 1 and not after_number:
            while (
                j + 2 < len(toks)
                and toks[j + 1].text in {".", "/"}
                and toks[j + 2].kind == "word"
                and len(toks[j + 2].text) == 1
                and toks[j].end == toks[j + 1].start == toks[j + 2].start - 1
            ):
                j += 2
        if j > i:
            if j + 1 < len(toks) and toks[j + 1].text == "." and _glued(toks, j, j + 1):
                j += 1
            letters = "".join(t.text for t in toks[i : j + 1] if t.kind == "word")
            out.append(_Tok("word", letters, tok.start, toks[j].end))
        else:
            out.append(tok)
        i = j + 1
    return out


def _segments(text: str) -> list[list[_Tok]]:
    """The sentences that hold a digit, tokenized."""
    parts = [p for p in _SEGMENT_RE.split(text) if p and not p.isspace()]
    out: list[list[_Tok]] = []
    for index, part in enumerate(parts):
        if _DIGIT_RE.search(part):
            heading = parts[index - 1] if index else ""
            # A short line before ("Compensation:") says what the numbers are.
            if 0 < len(heading) <= 40 and not _DIGIT_RE.search(heading):
                part = f"{heading} | {part}"
            out.append(_tokenize(part))
            if len(out) == _MAX_SEGMENTS:
                break
    return out


def _get(toks: list[_Tok], i: int) -> _Tok | None:
    return toks[i] if 0 <= i < len(toks) else None


def _word(toks: list[_Tok], i: int) -> str | None:
    tok = _get(toks, i)
    return tok.text if tok is not None and tok.kind == "word" else None


def _glued(toks: list[_Tok], i: int, j: int) -> bool:
    a, b = _get(toks, i), _get(toks, j)
    return a is not None and b is not None and a.end == b.start


def _near(toks: list[_Tok], i: int, j: int) -> bool:
    a, b = _get(toks, i), _get(toks, j)
    return a is not None and b is not None and b.start - a.end <= 1


# --- numbers -----------------------------------------------------------------


def _parse_number(text: str) -> float | None:
    """ "52,000" → 52000, "1.400" → 1400, "45.000,50" → 45000.5, "22.50" → 22.5."""
    seps = _SEPARATOR_RE.findall(text)
    groups = _SEPARATOR_RE.split(text)
    decimals = ""
    if seps:
        last = seps[-1]
        # One separator before 1, 2 or 4+ digits, or a second kind at the end,
        # is the decimal mark; "1.400" and "1,400" are thousands.
        if len(set(seps)) > 1 or (
            len(seps) == 1
            and last != "'"
            and (len(groups[-1]) != 3 or groups[0] == "0")
        ):
            if last == "'" or seps.count(last) > 1:
                return None
            decimals = groups.pop()
            seps.pop()
        if len(groups) > 1 and (
            len(groups[0]) > 3
            or any(len(g) != 3 for g in groups[1:])
            or len(set(seps)) > 1
        ):
            return None  # a date, a version number or a list
    integer = "".join(groups)
    if len(integer) > _MAX_DIGITS or (len(integer) > 1 and integer[0] == "0"):
        return None
    return float(f"{integer}.{decimals}" if decimals else integer)


def _atoms(toks: list[_Tok]) -> list[_Atom]:
    found: list[_Atom] = []
    for i, tok in enumerate(toks):
        if tok.kind == "num" and (atom := _atom(toks, i)) is not None:
            found.append(atom)
            if len(found) == _MAX_AMOUNTS_PER_SEGMENT:
                break
    return found


def _atom(toks: list[_Tok], i: int) -> _Atom | None:
    value = _parse_number(toks[i].text)
    before = _get(toks, i - 1)
    if value is None or _is_glued_code(toks, i):
        return None
    currency, first, plain = None, i, False
    if before is not None and before.text in words.CURRENCY_SYMBOLS:
        currency, first = words.CURRENCY_SYMBOLS[before.text], i - 1
        prefix = _word(toks, i - 2)
        if (
            before.text == "$"
            and prefix in words.DOLLAR_PREFIXES
            and _glued(toks, i - 2, i - 1)
        ):
            currency, first = words.DOLLAR_PREFIXES[prefix], i - 2  # "C$25", "US$50"
        plain = currency == "USD" and first == i - 1
    elif (
        before is not None
        and len(before.text) == 3
        and before.text in words.CURRENCY_WORDS
    ):
        currency, first = words.CURRENCY_WORDS[before.text], i - 1  # "CHF 100'000"
    if currency is None and toks[i].text in words.FORM_NUMBERS:
        return None  # 401(k), 1099
    k, scale = i + 1, 1.0
    scale_word = _word(toks, k)
    if (
        scale_word in words.MULTIPLIERS
        and _near(toks, i, k)
        and (scale_word not in words.CURRENCY_ONLY_MULTIPLIERS or currency)
    ):
        scale = words.MULTIPLIERS[scale_word]
        if scale_word == "mil" and currency in words.SPANISH_THOUSAND_CURRENCIES:
            scale = 1e3
        k += 1
    after = _get(toks, k)
    if after is not None and _near(toks, k - 1, k):
        if after.text == "¢":
            scale, k = scale / 100, k + 1  # "50¢ per word"
        elif after.kind == "sym":
            if currency is None:
                currency = words.CURRENCY_SYMBOLS.get(after.text)
                plain = after.text == "$"
            k += 1
        elif after.text in words.CURRENCY_WORDS:
            code = words.CURRENCY_WORDS[after.text]
            if currency is None:
                currency, plain = code, after.text in words.DOLLAR_WORDS
            elif plain and code != "USD":  # "$25 CAD"
                currency, plain = code, False
            k += 1
        elif after.text in words.WEAK_CURRENCY_WORDS and _period_at(toks, k + 1, True):
            currency = currency or words.WEAK_CURRENCY_WORDS[after.text]
            k += 1
    return _Atom(first, i, k, value * scale, value, scale, currency, plain)


def _is_glued_code(toks: list[_Tok], i: int) -> bool:
    """ "w2", "h1b", "9:00", "24/7" and "1/2" hold numbers that are not amounts."""
    before = _get(toks, i - 1)
    if before is not None and before.kind == "word" and _glued(toks, i - 1, i):
        return before.text not in words.CURRENCY_WORDS
    for step in (1, -1):
        mark, other = _get(toks, i + step), _get(toks, i + 2 * step)
        low = min(i, i + 2 * step)
        if (
            mark is not None
            and other is not None
            and mark.text in {":", "/"}
            and other.kind == "num"
            and _glued(toks, low, low + 1)
            and _glued(toks, low + 1, low + 2)
        ):
            return True
    return False


# --- periods -----------------------------------------------------------------


def _period_at(toks: list[_Tok], i: int, bare_unit: bool) -> tuple[str, int] | None:
    """The period named at token i ("/hr", "per month", "annually") and its end.

    `bare_unit` allows a unit noun with no connector ("$25 hr"), which is only
    safe right after an amount that has a currency or a scale word.
    """
    tok = _get(toks, i)
    if tok is None:
        return None
    nxt = _word(toks, i + 1)
    if tok.text == "/" and nxt is not None:
        if nxt in words.UNIT_WORDS:
            return words.UNIT_WORDS[nxt], i + 2
        if words.PERIOD_ADJECTIVES.get(nxt, "project") != "project":
            return words.PERIOD_ADJECTIVES[nxt], i + 2
        return None
    if tok.kind != "word":
        return None
    word = tok.text
    if word in words.PER_WORDS or word == "by":  # "per hour", "paid by the hour"
        skip = nxt in words.RATE_UNIT_MODIFIERS or (word == "by" and nxt == "the")
        j = i + 2 if skip else i + 1
        unit = _word(toks, j)
        if unit is None or unit in {"a", "an"}:
            return None
        if unit in words.UNIT_WORDS and (len(unit) > 1 or word in words.OPEN_PER_WORDS):
            return words.UNIT_WORDS[unit], j + 1
        if (
            word in words.OPEN_PER_WORDS
            and len(unit) > 2
            and unit not in words.OPEN_PER_STOP
        ):
            return "project", j + 1  # a piece rate: "$40 per lawn"
        return None
    if word == "for":  # "$120 for the whole job", "$200 for the day"
        j = i + 1
        while j < i + 3 and _word(toks, j) in words.FOR_MODIFIERS:
            j += 1
        unit = _word(toks, j)
        if j > i + 1 and unit in words.UNIT_WORDS and len(unit) > 1:
            return words.UNIT_WORDS[unit], j + 1
        return None
    if word == "project" and nxt in {"based", "basis"}:
        return "project", i + 2
    if word in {"bi", "semi"} and nxt is None and _get(toks, i + 1) is not None:
        joined = word + (_word(toks, i + 2) or "")  # "bi-weekly", "semi-monthly"
        if toks[i + 1].text == "-" and joined in words.PERIOD_ADJECTIVES:
            return words.PERIOD_ADJECTIVES[joined], i + 3
    if word in words.PERIOD_ADJECTIVES:
        key = words.PERIOD_ADJECTIVES[word]
        if key == "project":  # "flat", "fixed", "budget" …
            if nxt in words.NOT_PROJECT_AFTER:
                return None
            if nxt in {"rate", "fee", "sum", "price", "pay", "amount"}:
                return key, i + 2
        return key, i + 1
    if bare_unit:
        unit = "month" if word == "pm" else words.UNIT_WORDS.get(word)
        if unit and unit != "project" and word not in words.UNIT_NEEDS_CONNECTOR:
            return unit, i + 1
    return None


def _period_after(
    toks: list[_Tok], pos: int, bare_unit: bool
) -> tuple[str, int, bool] | None:
    """A period right after an amount, past fillers like "USD", "gross" or "+".

    The third item says whether a "+" was passed ("$25+/hr").
    """
    plus = False
    for j in range(pos, pos + 4):
        hit = _period_at(toks, j, bare_unit)
        if hit is not None:
            return hit[0], hit[1], plus
        tok = _get(toks, j)
        if tok is None:
            return None
        if tok.text == "+":
            plus = True
        elif tok.text not in {"(", ")"} and tok.text not in words.PERIOD_FILLERS:
            return None
    return None


def _period_before(toks: list[_Tok], first: int) -> str | None:
    """ "Hourly rate: $25", "Day rate $300", "per month: €900"."""
    for j in range(first - 1, max(-1, first - 7), -1):
        tok, previous = toks[j], _word(toks, j - 1)
        if tok.kind in {"num", "sym"} or tok.text in {".", ";", "|"}:
            return None
        if tok.kind != "word":
            continue
        key = words.PERIOD_ADJECTIVES.get(tok.text)
        if (
            key
            and previous not in words.PAY_FREQUENCY_LEADS
            and (key != "project" or _word(toks, j + 1) not in words.NOT_PROJECT_AFTER)
        ):
            return key
        if tok.text in words.RATE_NOUNS and previous in words.UNIT_WORDS:
            return words.UNIT_WORDS[previous]  # "day rate"
        if tok.text in words.UNIT_WORDS and previous in words.PER_WORDS:
            return words.UNIT_WORDS[tok.text]
    return None


def _loose_periods(toks: list[_Tok], taken: set[int]) -> set[str]:
    """Periods named in the text but beside no amount ("Hourly. $18-20")."""
    found: set[str] = set()
    for j in range(len(toks)):
        previous = _word(toks, j - 1)
        # "paid weekly" says when pay arrives; "hours/week" rates something else.
        if (
            j in taken
            or previous in words.NOISE_UNITS
            or (
                previous in words.PAY_FREQUENCY_LEADS
                and (
                    toks[j].text in words.PERIOD_ADJECTIVES
                    or toks[j].text in {"bi", "semi"}
                )
            )
        ):
            continue
        hit = _period_at(toks, j, False)
        if hit is not None:
            found.add(hit[0])
    return found


def _plausible(period: str, lo: float | None, hi: float | None) -> bool:
    low, high = words.PLAUSIBLE.get(period, (0.0, _MAX_ANNUAL))
    return all(low <= v <= high for v in (lo, hi) if v is not None)


def _magnitude_period(lo: float | None, hi: float | None, scaled: bool) -> str | None:
    # Jobs: 7-200 reads as hourly, 20,000+ as yearly ("$45k" too). The middle
    # could be a week, a month or a project, so it stays unknown.
    values = [v for v in (lo, hi) if v is not None]
    if not values:
        return None
    if all(7 <= v <= 200 for v in values):
        return "hour"
    if scaled and min(values) >= 10_000:
        return "year"
    if min(values) >= 5_000 and max(values) >= 20_000:
        return "year"
    return None


# --- grammar -----------------------------------------------------------------


def _candidates(toks: list[_Tok]) -> list[_Candidate]:
    atoms = _atoms(toks)
    by_first = {a.first: a for a in atoms}
    out: list[_Candidate] = []
    for a in atoms:
        if out and a.first < out[-1].end:
            continue  # already read as the upper end of a range
        out.append(_read_group(toks, a, by_first))
    taken = {j for c in out for j in range(c.first, c.end)}
    loose = _loose_periods(toks, taken)
    for cand in out:
        if cand.period is None:
            before = _period_before(toks, cand.first)
            if before and _plausible(before, cand.lo, cand.hi):
                cand.period, cand.explicit = before, 2
            elif len(loose) == 1 and _plausible(next(iter(loose)), cand.lo, cand.hi):
                cand.period, cand.explicit = next(iter(loose)), 1
    return _join_open_ends(out)


def _read_group(toks: list[_Tok], a: _Atom, by_first: dict[int, _Atom]) -> _Candidate:
    """One amount, or a range "A - B", "A to B", "between A and B", with its period."""
    after_a = _period_after(toks, a.last, a.currency is not None or a.scale > 1)
    b = _range_end(toks, a, after_a[1] if after_a else a.last, by_first)
    after_b = None
    if b is not None:
        after_b = _period_after(toks, b.last, b.currency is not None or b.scale > 1)
        lo, hi = a.value, b.value
        if b.scale > 1 and a.scale == 1 and a.raw < b.raw:
            lo = a.raw * b.scale  # "$90-110k": the k belongs to both ends
        elif a.scale > 1 and b.scale == 1 and b.raw > a.raw:
            hi = b.raw * a.scale
        if lo > hi and a.currency and b.currency:
            lo, hi = hi, lo
        if (
            lo > hi
            or (lo > 0 and hi / lo > 100)
            or (a.currency and b.currency and a.currency != b.currency)
            or (after_a and after_b and after_a[0] != after_b[0])
        ):
            b = None
    if b is None:
        cand = _Candidate(
            lo=a.value,
            hi=a.value,
            currency=a.currency,
            plain_dollar=a.plain_dollar,
            period=after_a[0] if after_a else None,
            explicit=2 if after_a else 0,
            scaled=a.scale > 1,
            first=a.first,
            end=after_a[1] if after_a else a.last,
        )
        cand.noise = _is_noise(toks, cand, a.last, a.scale, a.num)
        _apply_qualifiers(toks, cand, plus=bool(after_a and after_a[2]))
    else:
        period = after_b or after_a
        cand = _Candidate(
            lo=lo,
            hi=hi,
            currency=a.currency or b.currency,
            plain_dollar=a.plain_dollar or b.plain_dollar,
            period=period[0] if period else None,
            explicit=2 if period else 0,
            scaled=a.scale > 1 or b.scale > 1,
            first=a.first,
            end=after_b[1] if after_b else b.last,
        )
        cand.noise = _is_noise(toks, cand, b.last, b.scale, a.num)
    cand.penalised = _is_penalised(toks, cand)
    return cand


def _range_end(
    toks: list[_Tok], a: _Atom, pos: int, by_first: dict[int, _Atom]
) -> _Atom | None:
    tok = _get(toks, pos)
    if tok is None:
        return None
    joins = tok.text in {"-", "~"} or tok.text in words.CONNECTOR_WORDS
    if tok.text in words.RANGE_BREAKERS:  # only "between $20 and $25"
        joins = _word(toks, a.first - 1) in words.RANGE_BREAKERS
    if not joins:
        return None
    nxt = pos + 1 + (tok.text == "-" and _word(toks, pos + 1) in words.CONNECTOR_WORDS)
    return by_first.get(nxt)


def _is_noise(
    toks: list[_Tok], cand: _Candidate, last: int, scale: float, num: int
) -> bool:
    """Counts, years, zip codes, times and durations, which carry no currency."""
    if cand.currency is not None:
        return False
    plus = _get(toks, last) is not None and toks[last].text == "+"
    j = last + 1 if plus else last  # "3+ years"
    unit = _get(toks, j)
    if unit is not None and unit.text in {"%", "percent"}:
        return True
    if unit is not None and cand.explicit == 0 and _near(toks, j - 1, j):
        if unit.text in words.NOISE_UNITS:
            return True  # "3 years", "40 hrs", "9am", "50 lbs"
        if unit.kind == "word" and _glued(toks, j - 1, j) and scale == 1:
            return True  # "3d", "5g", "2nd"
    prefix = _get(toks, cand.first - 1)
    if prefix is not None and (
        prefix.text in words.NOISE_PREFIXES or prefix.text == "#"
    ):
        return True  # "ages 18", "CA 94550", "#1"
    text = toks[num].text
    is_year = len(text) == 4 and text.isdigit() and 1900 <= int(text) <= 2099
    return is_year and scale == 1 and cand.explicit == 0


def _apply_qualifiers(toks: list[_Tok], cand: _Candidate, plus: bool) -> None:
    """ "up to X" keeps only a maximum; "from X", "X+", "X and up" only a minimum."""
    end = cand.end
    if not plus and _get(toks, end) is not None and toks[end].text in {"+", "plus"}:
        after = _get(toks, end + 1)
        # "$60k+" and "$70k+ DOE" are open-ended; "$100k + equity" adds extras.
        plus = after is None or (
            after.kind == "punct"
            or after.text in words.OPEN_PLUS_FOLLOWERS
            or _period_at(toks, end + 1, True) is not None
        )
    following = tuple(_word(toks, end + k) or "" for k in range(3))
    heads = {following[:n] for n in (1, 2, 3)}
    if _get(toks, end + 1) is not None and toks[end + 1].kind == "num":
        heads = set()  # "$25/hr minimum 4 hrs": the minimum is of something else
    if plus or heads & words.MIN_AFTER:
        cand.hi = None
        return
    if heads & words.MAX_AFTER:
        cand.lo = None
        return
    preceding: list[str] = []
    j = cand.first - 1
    while j >= 0 and len(preceding) < 6:
        tok = toks[j]
        if tok.kind == "word":
            preceding.insert(0, tok.text)
        elif tok.kind != "punct" or tok.text not in {":", "-", "(", "~", "."}:
            break
        j -= 1
    # Drop "just", "of", "a" … between a qualifier and the amount.
    while preceding and preceding[-1] in words.QUALIFIER_FILLERS:
        if tuple(preceding[-2:]) in _QUALIFIERS_BEFORE:
            break
        preceding.pop()
    for n in (4, 3, 2, 1):  # the longest match wins: "no less than" over "less than"
        tail = tuple(preceding[-n:]) if len(preceding) >= n else ()
        if tail in words.MIN_BEFORE:
            cand.hi = None
            return
        if tail in words.MAX_BEFORE:
            cand.lo = None
            return


def _is_penalised(toks: list[_Tok], cand: _Candidate) -> bool:
    """A bonus, deposit, charged fee or revenue figure rather than the wage."""
    previous = None
    for j in range(cand.end, cand.end + 3):
        tok = _get(toks, j)
        if tok is None or tok.text in words.EXTRA_STOPS or tok.kind in {"num", "sym"}:
            break
        if tok.kind == "word":
            if _penalty(tok.text, previous):
                return True
            previous = tok.text
    count = 0
    for j in range(cand.first - 1, max(-1, cand.first - 6), -1):
        tok = toks[j]
        if tok.kind in {"num", "sym"} or tok.text in {".", ";", "|", "+", ","}:
            break
        if tok.kind == "word":
            if _penalty(tok.text, _word(toks, j - 1)):
                return True
            count += 1
            if count == 3:
                break
    return False


def _penalty(word: str, previous: str | None) -> bool:
    if word in words.PENALTY_WORDS:
        return True
    return word in words.FEE_WORDS and previous not in words.PAY_FEE_MODIFIERS


def _join_open_ends(cands: list[_Candidate]) -> list[_Candidate]:
    """ "starting at $18/hr, up to $25/hr" is one range."""
    out: list[_Candidate] = []
    for cand in cands:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.lo is not None
            and prev.hi is None
            and cand.lo is None
            and cand.hi is not None
            and prev.lo <= cand.hi
            and cand.first - prev.end <= 4
            and _compatible(prev.period, cand.period)
            and _compatible(prev.currency, cand.currency)
        ):
            prev.hi, prev.end = cand.hi, cand.end
            prev.period = prev.period or cand.period
            prev.explicit = max(prev.explicit, cand.explicit)
            continue
        out.append(cand)
    return out


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


# --- choosing ----------------------------------------------------------------


def _best(
    segments: list[_Segment], *, lenient: bool, hint: str | None = None
) -> tuple[_Candidate, int] | None:
    """The most convincing amount and the index of its segment.

    `lenient` is for the compensation field, where a bare "25" is pay; in a
    description an amount needs a currency, a period or talk of pay nearby.
    """
    best: tuple[int, _Candidate, int] | None = None
    for index, (toks, cands) in enumerate(segments):
        if not cands:
            continue
        pay_context = any(t.kind == "word" and t.text in words.PAY_WORDS for t in toks)
        for cand in cands:
            if cand.noise or cand.penalised or (cand.hi == 0 and not cand.lo):
                continue
            _settle_period(cand, hint)
            if not _acceptable(cand, lenient=lenient, pay_context=pay_context):
                continue
            score = (
                2 * (cand.currency is not None)
                + (3 if cand.explicit == 2 else cand.explicit)
                + cand.scaled
                + 2 * pay_context
            )
            if best is None or score > best[0]:
                best = (score, cand, index)
    return (best[1], best[2]) if best else None


def _settle_period(cand: _Candidate, hint: str | None) -> None:
    if cand.period is None:
        if hint and _plausible(hint, cand.lo, cand.hi):
            cand.period, cand.explicit = hint, 1
        else:
            cand.period = _magnitude_period(cand.lo, cand.hi, cand.scaled)


def _acceptable(cand: _Candidate, *, lenient: bool, pay_context: bool) -> bool:
    values = [v for v in (cand.lo, cand.hi) if v is not None]
    multiplier = _multiplier(cand.period) or 1.0
    if not values or max(values) > 1e9 or max(values) * multiplier > _MAX_ANNUAL:
        return False
    if lenient:
        return (
            cand.currency is not None
            or cand.explicit > 0
            or cand.scaled
            or max(values) >= 7
        )
    if cand.currency is None:  # "pays 18-22 an hour", "Salary: 60-75k DOE"
        stated = cand.explicit == 2
        return (stated or cand.scaled) and (pay_context or (stated and cand.scaled))
    # "$5M in funding" is scaled too; only thousands read as pay by themselves.
    return cand.explicit > 0 or pay_context or (cand.scaled and max(values) < 1e6)


def _multiplier(key: str | None) -> float | None:
    """Periods a year for a period key; None for project and unknown pay."""
    if key is None:
        return None
    reported = words.REPORTED_PERIOD.get(key, key)
    return words.PERIOD_MULTIPLIERS.get(key, words.PERIOD_MULTIPLIERS.get(reported))


def _confirm_period(cand: _Candidate, segments: list[_Segment]) -> None:
    """A bare "$80" is hourly by size, unless the body says "$80 for the job"."""
    for _toks, others in segments:
        for other in others:
            if other.explicit == 2 and (other.lo, other.hi) == (cand.lo, cand.hi):
                cand.period, cand.explicit = other.period, 1
                return


def _from_candidate(cand: _Candidate, toks: list[_Tok], source: str) -> Compensation:
    currency = cand.currency
    if currency == "USD" and cand.plain_dollar:
        named = {words.DOLLAR_COUNTRY_WORDS.get(t.text) for t in toks} - {None}
        if len(named) == 1:
            currency = named.pop()  # "$28/hr (Canadian)"
    lo, hi = cand.lo, cand.hi
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    key = cand.period or "unknown"
    multiplier = _multiplier(key)
    return Compensation(
        min_annual=None if lo is None or not multiplier else round(lo * multiplier, 2),
        max_annual=None if hi is None or not multiplier else round(hi * multiplier, 2),
        period=words.REPORTED_PERIOD.get(key, key),
        currency=currency,
        is_paid=True,
        amount_min=None if lo is None else round(lo, 4),
        amount_max=None if hi is None else round(hi, 4),
        source=source,
    )


# --- words without amounts ---------------------------------------------------


def _from_words(toks: list[_Tok], *, zero: bool) -> tuple[Compensation, str | None]:
    """DOE, "no pay", "equity only", "tips": the verdict when no amount is named.

    Returns the result and the period the words name, for amounts found later
    in the description.
    """
    ws = [t.text for t in toks if t.kind == "word"]
    unpaid = paid = in_kind = equity = False
    negated: set[int] = set()
    for i, w in enumerate(ws):
        hits = set(_negated_pay(ws, i))  # "no pay", "without compensation"
        unpaid, negated = unpaid or bool(hits), negated | hits
        if w in words.EXPERIENCE_WORDS and words.EXPERIENCE_LEADS & set(
            ws[max(0, i - 3) : i]
        ):
            paid = True  # "based on experience"
    for i, w in enumerate(ws):
        if i in negated:
            continue
        if w in words.UNPAID_WORDS or (
            w == "free" and (i == 0 or ws[i - 1] in words.FREE_LEADS)
        ):
            unpaid = True
        in_kind = in_kind or w in words.IN_KIND_WORDS
        equity = equity or w in words.EQUITY_WORDS
        paid = paid or w in words.PAID_WORDS or _fuzzy_paid(w)
    loose = _loose_periods(toks, set())
    hint = next(iter(loose)) if len(loose) == 1 else None
    if unpaid:
        return Compensation(is_paid=False, source="compensation"), None
    if paid or hint:
        period = words.REPORTED_PERIOD.get(hint, hint) if hint else "unknown"
        return Compensation(period=period, is_paid=True, source="compensation"), hint
    if in_kind or equity or zero:  # equity is not pay; neither is "$0"
        return Compensation(is_paid=False, source="compensation"), None
    return Compensation(), None


def _negated_pay(ws: list[str], i: int) -> list[int]:
    """Indices of the pay words that ws[i] negates ("no pay", "not paid")."""
    if ws[i] not in words.NEGATIONS:
        return []
    # "non" binds to the next word only: "non-paid", but "non-profit; pay DOE".
    reach = 2 if ws[i] == "non" else 3
    return [
        j for j in range(i + 1, min(i + reach, len(ws))) if ws[j] in words.PAY_NOUNS
    ]


def _fuzzy_paid(word: str) -> bool:
    """Misspelt "commensurate", "competitive", "negotiable" … still count."""
    return len(word) >= 7 and any(
        word[0] == target[0]
        and abs(len(word) - len(target)) <= 2
        and _within_distance(word, target, 1 if len(target) < 9 else 2)
        for target in words.FUZZY_PAID_WORDS
    )


def _within_distance(a: str, b: str, limit: int) -> bool:
    """Whether the Levenshtein distance of two short words is at most `limit`."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            )
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _description_verdict(text: str) -> bool | None:
    """Plain statements only: "this is unpaid", "pay is DOE", not "paid holidays"."""
    paid = False
    for part in _SEGMENT_RE.split(text):
        if not part or not any(key in part for key in words.VERDICT_KEYS):
            continue
        ws = [t.text for t in _tokenize(part) if t.kind == "word"]
        for i, w in enumerate(ws):
            before, after = ws[i - 1] if i else "", ws[i + 1] if i + 1 < len(ws) else ""
            # "This internship is unpaid", not "unpaid leave" among the benefits.
            if w == "unpaid" and (
                after in words.VOLUNTEER_NOUNS
                or before in words.STATE_VERBS
                or not after
            ):
                return False
            if w.startswith("volunteer") and after in words.VOLUNTEER_NOUNS:
                return False
            if _negated_pay(ws, i):
                return False
            if w in words.EQUITY_WORDS and after == "only":
                return False
        if words.PAY_NOUNS & set(ws) and any(
            w in words.NEGOTIABLE_WORDS or _fuzzy_paid(w) for w in ws
        ):
            paid = True
    return True if paid else None
