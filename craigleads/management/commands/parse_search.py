"""`manage.py parse_search FILE…`: the main result list of each saved search page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scraping.parsing import parse_search
from scraping.parsing.records import search_record


class Command(BaseCommand):
    help = (
        "Parse saved Craigslist search pages (HTML, RSS/RDF feed or JSON); print one "
        'JSON object per file: {"file", "results", "next_page"}. Unreadable files '
        "are reported on stderr and make the exit status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="saved search page"
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
            self.stdout.write(json.dumps(search_record(name, parse_search(data))))
        if unreadable:
            raise CommandError(f"{unreadable} file(s) could not be read", returncode=1)
