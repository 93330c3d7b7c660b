"""Finding and hiding contact details in free text: posting descriptions, reply
drafts and log lines (RELIABILITY_CHECKLIST PRIV-1).

Pure functions on strings, importable from settings-time code such as logging.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL_PATTERN = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
# North American numbers, with or without the country code and punctuation.
PHONE_PATTERN = re.compile(
    r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"
)
# Numbers written with a country code ("+44 20 7946 0958").
INTERNATIONAL_PHONE_PATTERN = re.compile(r"(?<![\w+])\+\d[\d\s().-]{5,22}\d(?!\d)")
# A name shorter than this is too likely to be an ordinary word to hide it.
MIN_NAME_LENGTH = 3


def mask_contact_details(
    text: str,
    *,
    names: Iterable[str] = (),
    email: str = "[email]",
    phone: str = "[phone]",
    name: str = "[name]",
) -> str:
    """`text` with e-mail addresses, phone numbers and the given names replaced
    by placeholders. Names match as whole words, ignoring case."""
    if not text:
        return text
    text = EMAIL_PATTERN.sub(email, text)
    text = INTERNATIONAL_PHONE_PATTERN.sub(phone, text)
    text = PHONE_PATTERN.sub(phone, text)
    for person in {n.strip() for n in names if n and len(n.strip()) >= MIN_NAME_LENGTH}:
        text = re.sub(rf"(?<!\w){re.escape(person)}(?!\w)", name, text, flags=re.I)
    return text


def mask_for_viewer(text: str, *, names: Iterable[str] = ()) -> str:
    """What a role without `leads.view_contact_details` sees of free text."""
    return mask_contact_details(
        text,
        names=names,
        email="[e-mail hidden]",
        phone="[phone hidden]",
        name="[name hidden]",
    )
