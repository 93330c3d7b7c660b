"""Salary normaliser: turning text into tokens and reading numbers."""

from __future__ import annotations

import re
import unicodedata

from .model import (
    _CURRENCY_AFTER_RE,
    _CURRENCY_BEFORE_RE,
    _DASHES,
    _DIGIT_RE,
    _MAX_DIGITS,
    _MAX_SEGMENTS,
    _NBSP_GROUP_RE,
    _PHONE_RE,
    _QUOTES,
    _SEGMENT_RE,
    _SEPARATOR_RE,
    _SPACE_GROUP_RE,
    _TOKEN_RE,
    _Tok,
)


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
