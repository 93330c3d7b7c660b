"""`python manage.py backup [--dir DIR]`: a verified backup; prints JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craigleads.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's backup API) and verify the copy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", type=Path, help="Where to write (default var/backups)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = backup(directory=options["dir"])
        except BackupError as exc:
            raise CommandError(f"Backup failed: {exc}") from None
        self.stdout.write(
            json.dumps(
                {
                    "path": str(made.path),
                    "engine": made.engine,
                    "bytes": made.size,
                    "entries": made.entries,
                }
            )
        )
