"""Text helpers shared by the posting, search and feed parsers.

Everything here works on short strings or scans linearly: the pages come from the
internet and may be several megabytes, so no regex has nested or unbounded
quantifiers over user text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from scraping.parsing.types import Number

# --------------------------------------------------------------------------- decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})"""
)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and old Craigslist
# pages declared or implied ISO-8859-1 while serving cp1252 quotes and bullets.
_CP1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii"}


def _utf8_or_cp1252(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not valid UTF-8 as windows-1252 (latin-1 if unmapped)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_byte_as_cp1252(b) for b in bad), error.end


def _byte_as_cp1252(value: int) -> str:
    try:
        return bytes([value]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(value)


codecs.register_error("craigleads-cp1252", _utf8_or_cp1252)


def _declared_encoding(head: bytes) -> str | None:
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii", errors="ignore").strip().lower()
    if label in _CP1252_ALIASES:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A declaration readable as ASCII cannot be in a UTF-16/32 document; browsers
    # read such pages as UTF-8 (WHATWG "prescan" rule).
    return None if name.startswith(("utf-16", "utf-32")) else name


def decode_document(data: str | bytes) -> str:
    """Return the document as text, never raising.

    Bytes are decoded by BOM, then by a declared `<meta charset>` / XML encoding,
    else as UTF-8 where bytes that are not valid UTF-8 are read as windows-1252 (the
    encoding old Craigslist pages really used). A leading BOM is removed and lone
    surrogates are replaced so the text can always be encoded again.
    """
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data)
        encoding: str | None = None
        for bom, name in _BOMS:
            if raw.startswith(bom):
                raw, encoding = raw[len(bom) :], name
                break
        if encoding is None:
            encoding = _declared_encoding(raw[:4096])
        if encoding is None or encoding in {"utf-8", "utf_8"}:
            text = raw.decode("utf-8", errors="craigleads-cp1252")
        else:
            try:
                text = raw.decode(encoding, errors="replace")
            except (LookupError, ValueError):
                text = raw.decode("utf-8", errors="craigleads-cp1252")
    text = text.removeprefix("\ufeff")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", errors="replace").decode("utf-8")
    return text


# ---------------------------------------------------------------------- normalising

# Line separators become "\n"; C0 controls (NUL breaks PostgreSQL text), DEL,
# zero-width space and BOM are dropped. One str.translate pass, no regex.
_TRANSLATE = {
    **dict.fromkeys((0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029), "\n"),
    **dict.fromkeys((*range(0x09), *range(0x0E, 0x1C), 0x1F, 0x7F)),
    0x200B: None,
    0xFEFF: None,
}


def normalise_text(value: str) -> str:
    """Normalise multi-line text: NFC, one space between words, at most one blank line.

    Idempotent: `normalise_text(normalise_text(x)) == normalise_text(x)`.
    """
    # Controls go before NFC, so that removing one cannot leave composable pairs.
    text = value.replace("\r\n", "\n").translate(_TRANSLATE)
    lines = [
        " ".join(line.split())
        for line in unicodedata.normalize("NFC", text).split("\n")
    ]
    out: list[str] = []
    blank = True  # drops leading blank lines
    for line in lines:
        if line:
            out.append(line)
            blank = False
        elif not blank:
            out.append("")
            blank = True
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def normalise_line(value: str) -> str:
    """Normalise text to one line (titles, labels, values)."""
    return " ".join(unicodedata.normalize("NFC", value.translate(_TRANSLATE)).split())


def clean_or_none(value: object) -> str | None:
    """Return a normalised one-line string, or None for empty or non-string values."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = normalise_line(value)
    return text or None


# -------------------------------------------------------------------------- numbers


def to_number(value: object) -> Number | None:
    """Turn 2, 2.0, "2", "1.5" into a number (int when whole); anything else → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    number: float
    if isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text or len(text) > 32:
            return None
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() else number


def to_coordinate(value: object, limit: float) -> float | None:
    """Return a latitude/longitude within ±limit; None when absent or invalid."""
    number = to_number(value)
    if number is None or abs(number) > limit:
        return None
    return float(number)


def coordinates(lat: object, lng: object) -> tuple[float | None, float | None]:
    """Return a valid (lat, lng) pair; Craigslist's 0,0 means "no location"."""
    latitude, longitude = to_coordinate(lat, 90), to_coordinate(lng, 180)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None, None
    return latitude, longitude


_CURRENCY_SIGNS: tuple[tuple[str, str], ...] = (
    ("R$", "BRL"),
    ("C$", "CAD"),
    ("CA$", "CAD"),
    ("A$", "AUD"),
    ("AU$", "AUD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("US$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
    ("₩", "KRW"),
    ("₱", "PHP"),
    ("₪", "ILS"),
    ("₺", "TRY"),
    ("$", "USD"),
)
_CURRENCY_CODE = re.compile(
    r"\b(USD|CAD|EUR|GBP|AUD|NZD|MXN|JPY|INR|CHF|HKD|SGD|CNY|BRL|SEK|NOK|DKK|PLN|CZK|ZAR)\b"
)
_AMOUNT = re.compile(
    r"\d{1,3}(?:[.,' \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"
)
# Dollar sites outside the US: the page says "$" and the region says which dollar.
DOLLAR_COUNTRIES = {
    "CA": "CAD",
    "AU": "AUD",
    "NZ": "NZD",
    "HK": "HKD",
    "SG": "SGD",
    "MX": "MXN",
}


def _amount_value(token: str) -> Number | None:
    token = re.sub(r"[' \u00a0\u202f]", "", token)
    commas, dots = token.count(","), token.count(".")
    if commas and dots:
        decimal = "," if token.rfind(",") > token.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        token = token.replace(thousands, "").replace(decimal, ".")
    elif commas or dots:
        sep = "," if commas else "."
        head, _, tail = token.rpartition(sep)
        if token.count(sep) == 1 and len(tail) != 3:
            token = f"{head}.{tail}"
        else:
            token = token.replace(sep, "")
    return to_number(token)


def parse_money(
    text: str | None, default_dollar: str = "USD"
) -> tuple[Number | None, str | None]:
    """Read "$1,967", "€1.400", "$1149000 / 3br" as (amount, ISO currency)."""
    if not text:
        return None, None
    text = text[:200]
    currency: str | None = None
    start = 0
    for sign, code in _CURRENCY_SIGNS:
        position = text.find(sign)
        if position >= 0:
            currency = default_dollar if code == "USD" and sign == "$" else code
            start = position
            break
    code_match = _CURRENCY_CODE.search(text)
    if currency is None and code_match:
        currency = code_match.group(1)
        start = 0
    match = _AMOUNT.search(text, start) or _AMOUNT.search(text)
    if not match:
        return None, currency
    return _amount_value(match.group(0)), currency


# -------------------------------------------------------------------------- housing

_BEDROOMS = re.compile(r"(\d{1,2}(?:\.\d)?)\s?br\b", re.I)
_BATHROOMS = re.compile(r"(\d{1,2}(?:\.\d{1,2})?)\s?ba\b", re.I)
_SQFT = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d{1,7})\s?(?:ft2|ft²|ft\^2|sq\.? ?ft|sqft)", re.I
)
_SQM = re.compile(r"(\d{1,3}(?:,\d{3})+|\d{1,7})\s?(?:m2|m²)(?![\w])", re.I)


def parse_housing(
    text: str | None,
) -> tuple[Number | None, Number | None, Number | None]:
    """Read bedrooms, bathrooms and square feet from "/ 1br - 448ft² -", "1BR / 1Ba"."""
    if not text:
        return None, None, None
    text = text[:300]
    bedrooms = bathrooms = sqft = None
    if match := _BEDROOMS.search(text):
        bedrooms = to_number(match.group(1))
    if match := _BATHROOMS.search(text):
        bathrooms = to_number(match.group(1))
    if match := _SQFT.search(text):
        sqft = to_number(match.group(1))
    elif match := _SQM.search(text):
        metres = to_number(match.group(1))
        sqft = round(metres * 10.7639) if metres is not None else None
    return bedrooms, bathrooms, sqft


# --------------------------------------------------------------------------- times

TIMEZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "HAST": -10,
    "HADT": -9,
    "AST": -4,
    "ADT": -3,
    "NST": -3,  # really -3:30; handled below
    "NDT": -2,
}
_HALF_HOUR_ZONES = {
    "NST": timedelta(hours=-3, minutes=-30),
    "NDT": timedelta(hours=-2, minutes=-30),
}

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d{1,9})?"
    r"\s?(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?"
)
_GEN_A_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2}),?\s{1,5}(\d{1,2}):(\d{2})\s{0,3}([AaPp][Mm])\s{0,3}"
    r"(AKST|AKDT|HAST|HADT|[A-Za-z]{2,4}(?![A-Za-z]))?"
)


def _tz_from_offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text.startswith("-") else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _naive_iso(
    year: int, month: int, day: int, hour: int, minute: int, second: int
) -> str:
    # Validates the parts; the page gave no offset, so none is invented.
    datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"


def iso_datetime(value: str | None) -> str | None:
    """Normalise "2021-06-30T10:07:35-0700" to "2021-06-30T10:07:35-07:00".

    Without an offset the local time is returned without one; a bare date is kept
    as "YYYY-MM-DD". Anything unreadable → None.
    """
    if not value:
        return None
    match = _ISO.search(value.strip()[:80])
    if not match:
        return None
    year, month, day = (int(part) for part in match.group(1, 2, 3))
    try:
        if match.group(4) is None:
            datetime(year, month, day, tzinfo=UTC)
            return f"{year:04d}-{month:02d}-{day:02d}"
        hour, minute = int(match.group(4)), int(match.group(5))
        second = int(match.group(6) or 0)
        if match.group(7) is None:
            return _naive_iso(year, month, day, hour, minute, second)
        moment = datetime(
            year,
            month,
            day,
            hour,
            minute,
            second,
            tzinfo=_tz_from_offset(match.group(7)),
        )
    except (ValueError, OverflowError):
        return None
    return moment.isoformat()


def iso_from_classic_date(value: str | None) -> tuple[str | None, str | None]:
    """Read gen A "2010-09-11,  2:17PM EDT" → ("2010-09-11T14:17:00-04:00", error)."""
    if not value:
        return None, None
    match = _GEN_A_DATE.search(value[:200])
    if not match:
        return None, None
    year, month, day, hour, minute = (int(part) for part in match.group(1, 2, 3, 4, 5))
    meridiem, zone = match.group(6).upper(), (match.group(7) or "").upper()
    if not 1 <= hour <= 12:
        return None, f"unreadable time {match.group(0)!r}"
    hour = hour % 12 + (12 if meridiem == "PM" else 0)
    try:
        if zone in _HALF_HOUR_ZONES:
            tz = timezone(_HALF_HOUR_ZONES[zone])
        elif zone in TIMEZONE_ABBREVIATIONS:
            tz = timezone(timedelta(hours=TIMEZONE_ABBREVIATIONS[zone]))
        else:
            naive = _naive_iso(year, month, day, hour, minute, 0)
            return naive, f"unknown time zone {zone!r}; time kept without offset"
        return datetime(year, month, day, hour, minute, tzinfo=tz).isoformat(), None
    except ValueError:
        return None, f"unreadable date {match.group(0)!r}"


def iso_from_epoch(value: object) -> str | None:
    """Seconds since the epoch → UTC ISO 8601."""
    number = to_number(value)
    if number is None or not 0 < number < 4e10:
        return None
    return datetime.fromtimestamp(number, tz=UTC).isoformat()


def iso_from_rfc822(value: str | None) -> str | None:
    """RSS 2.0 pubDate ("Fri, 04 Nov 2011 09:35:17 -0700") → ISO 8601."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip()[:80])
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC).isoformat()
    return moment.isoformat()


# ------------------------------------------------------------------------ contacts

_LOCAL_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-"
)
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){0,8}\.([A-Za-z]{2,24})(?![A-Za-z0-9-])"
)
_NOT_TLDS = {"png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "css", "js"}
_MAX_AT_SIGNS = 2000


def find_emails(text: str | None) -> list[str]:
    """Return the distinct email addresses written in the text, in order."""
    if not text:
        return []
    found: list[str] = []
    seen: set[str] = set()
    position, seen_at = text.find("@"), 0
    while position > 0 and seen_at < _MAX_AT_SIGNS:
        seen_at += 1
        start = position
        while start > 0 and position - start < 64 and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        local = text[start:position].lstrip(".").rstrip(".")
        match = _DOMAIN.match(text, position + 1, min(len(text), position + 256))
        if local and match and match.group(1).lower() not in _NOT_TLDS:
            address = f"{local}@{match.group(0).lower()}"
            if address.lower() not in seen:
                seen.add(address.lower())
                found.append(address)
        position = text.find("@", position + 1)
    return found


_PHONE = re.compile(
    r"(?<![\w+$])(?:\+?1[ \t.\-\u00a0]{0,2})?(?:\([ ]?[2-9]\d{2}[ ]?\)|[2-9]\d{2})"
    r"[ \t.\-\u00a0]{0,2}[2-9]\d{2}[ \t.\-\u00a0]{0,2}\d{4}(?![\w])"
)


_PHONE_WINDOW = 100_000


def find_phones(text: str | None) -> list[str]:
    """Return US/NANP phone numbers written in the text, as written, in order.

    A bare run of ten digits is skipped: it is more often an id than a phone number.
    Only the first and last 100,000 characters are searched: contact lines sit at
    the start or end of a posting, and the scan stays fast on multi-MB bodies.
    """
    if not text:
        return []
    if len(text) > 2 * _PHONE_WINDOW:
        text = f"{text[:_PHONE_WINDOW]}\n{text[-_PHONE_WINDOW:]}"
    found: list[str] = []
    for match in _PHONE.finditer(text):
        number = match.group(0).strip()
        if number.isdigit() and not number.startswith("+"):
            continue
        if number not in found:
            found.append(number)
        if len(found) >= 20:
            break
    return found
