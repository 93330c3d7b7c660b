"""`python manage.py reparse [--lead ID …]`: run the current parser over stored
HTML (leads and recorded parse failures) and update what changed."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scraping import services


class Command(BaseCommand):
    help = "Re-run the parser over stored pages; prints counts as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lead", type=int, action="append", dest="leads")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.reparse_leads(lead_ids=options["leads"])
        self.stdout.write(json.dumps(counts))
