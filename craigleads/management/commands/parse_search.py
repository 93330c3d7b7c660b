"""`manage.py parse_search FILE…`: the main result list of each saved search page."""

from __future__ import annotations

from typing import Any

from craigleads.management.file_command import JsonLinesFileCommand
from scraping.parsing import parse_search
from scraping.parsing.records import search_record


class Command(JsonLinesFileCommand):
    help = (
        "Parse saved Craigslist search pages (HTML, RSS/RDF feed or JSON); print one "
        'JSON object per file: {"file", "results", "next_page"}. Unreadable files '
        "are reported on stderr and make the exit status 1."
    )
    file_help = "saved search page"

    def record(self, name: str, data: bytes) -> dict[str, Any]:
        return search_record(name, parse_search(data))
