"""`python manage.py restore FILE --yes`: replace the database with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craigleads.audit import record_event
from craigleads.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup`. Replaces every row; needs --yes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm the replacement"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "Restoring replaces the whole database; add --yes to confirm."
            )
        try:
            restore(path=options["file"])
        except BackupError as exc:
            raise CommandError(f"Restore failed: {exc}") from None
        record_event(
            action="ops.restore", actor="command line", target=str(options["file"])
        )
        self.stdout.write(f"Restored {options['file']}.")
