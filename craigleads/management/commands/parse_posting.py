"""`manage.py parse_posting FILE…`: one JSON object per posting page (CONTRACTS.md)."""

from __future__ import annotations

from typing import Any

from craigleads.management.file_command import JsonLinesFileCommand
from qualification.salary import normalise_compensation
from scraping.parsing import parse_posting
from scraping.parsing.records import posting_record


def _salary(compensation: str | None, description: str | None) -> tuple[Any, Any]:
    """Annual (min, max) from the qualification app's normaliser. This command
    lives in the project package because it joins two sibling apps' work."""
    if not compensation and not description:
        return None, None
    pay = normalise_compensation(compensation or "", description)
    return pay.min_annual, pay.max_annual


class Command(JsonLinesFileCommand):
    help = (
        "Parse saved Craigslist posting pages; print one JSON object per file "
        "(keys as in CONTRACTS.md). Unreadable files are reported on stderr and "
        "make the exit status 1."
    )
    file_help = "saved posting page"

    def record(self, name: str, data: bytes) -> dict[str, Any]:
        parsed = parse_posting(data)
        low, high = _salary(parsed.compensation, parsed.description)
        return posting_record(name, parsed, low, high)
