"""`manage.py parse_posting FILE…`: one JSON object per posting page (CONTRACTS.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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


class Command(BaseCommand):
    help = (
        "Parse saved Craigslist posting pages; print one JSON object per file "
        "(keys as in CONTRACTS.md). Unreadable files are reported on stderr and "
        "make the exit status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="saved posting page"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = 0
        for name in options["files"]:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                unreadable += 1
                self.stderr.write(f"{name}: cannot read file: {exc.strerror or exc}")
                continue
            parsed = parse_posting(data)
            low, high = _salary(parsed.compensation, parsed.description)
            record = posting_record(name, parsed, low, high)
            self.stdout.write(json.dumps(record))
        if unreadable:
            raise CommandError(f"{unreadable} file(s) could not be read", returncode=1)
