"""`python manage.py parse_compensation "TEXT" [--description TEXT]` (CONTRACTS.md).

Prints one JSON line: `{"min_annual", "max_annual", "period", "currency",
"is_paid"}`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qualification.salary import normalise_compensation


class Command(BaseCommand):
    help = (
        "Normalise a compensation text (e.g. '$52,000 to $66,800 a year') and "
        "print the annual range, period, currency and whether it is paid as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", metavar="TEXT", help="the compensation text")
        parser.add_argument(
            "--description",
            default=None,
            metavar="TEXT",
            help="posting body, searched for pay when TEXT names no amount",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pay = normalise_compensation(options["text"], options["description"])
        self.stdout.write(json.dumps(pay.as_contract()))
