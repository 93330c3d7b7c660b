"""The JSON lines printed by the `parse_posting` and `parse_search` commands.

Kept here, pure and testable, so that the commands stay thin. The key order and
names follow CONTRACTS.md exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scraping.parsing.types import (
    POSTING_CONTRACT_KEYS,
    Number,
    ParsedPosting,
    ParsedSearch,
)


def json_number(value: object) -> Number | None:
    """A JSON-safe number (Decimal → int/float); anything else → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    return None


def posting_record(
    file: str,
    parsed: ParsedPosting,
    salary_min_annual: object = None,
    salary_max_annual: object = None,
) -> dict[str, Any]:
    """One `parse_posting` output object: `file` first, then the contract keys."""
    values = parsed.to_dict()
    values["file"] = file
    values["salary_min_annual"] = json_number(salary_min_annual)
    values["salary_max_annual"] = json_number(salary_max_annual)
    return {key: values.get(key) for key in POSTING_CONTRACT_KEYS}


def search_record(file: str, parsed: ParsedSearch) -> dict[str, Any]:
    """One `parse_search` output object: `file`, the main results, `next_page`."""
    return {
        "file": file,
        "results": [row.contract_dict() for row in parsed.results],
        "next_page": parsed.next_page,
    }
