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

from qualification import salary_words as words

from .grammar import (
    _best,
    _candidates,
    _confirm_period,
    _loose_periods,
    _multiplier,
)
from .model import (
    _MAX_COMPENSATION_CHARS,
    _MAX_DESCRIPTION_CHARS,
    _SEGMENT_RE,
    PERIODS,
    Compensation,
    _Candidate,
    _Segment,
    _Tok,
)
from .tokens import (
    _clip,
    _prepare,
    _segments,
    _tokenize,
)


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


__all__ = ["PERIODS", "Compensation", "normalise_compensation"]
