"""Salary normaliser: the grammar of amounts, ranges, qualifiers and periods."""

from __future__ import annotations

from qualification import salary_words as words

from .model import (
    _MAX_AMOUNTS_PER_SEGMENT,
    _MAX_ANNUAL,
    _QUALIFIERS_BEFORE,
    _Atom,
    _Candidate,
    _Segment,
    _Tok,
)
from .tokens import (
    _get,
    _glued,
    _near,
    _parse_number,
    _word,
)


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
