"""A base for commands that turn each file named on the command line into one
JSON line (the parse_* contracts in CONTRACTS.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class JsonLinesFileCommand(BaseCommand):
    """Reads every FILE, prints `record(name, data)` as one JSON line each. An
    unreadable file is reported on stderr; the others still print, and the exit
    status is then 1."""

    file_help = "input file"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help=self.file_help)

    def record(self, name: str, data: bytes) -> dict[str, Any]:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = 0
        for name in options["files"]:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                unreadable += 1
                self.stderr.write(f"{name}: cannot read file: {exc.strerror or exc}")
                continue
            self.stdout.write(json.dumps(self.record(name, data)))
        if unreadable:
            raise CommandError(f"{unreadable} file(s) could not be read", returncode=1)
