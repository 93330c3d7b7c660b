"""`manage.py gdpr export|erase --email X | --phone X`: subject-access export and
erasure (GDPR Art. 15 and 17), each recorded in the audit log by hash prefix."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craigleads.personal_data import (
    PersonalDataError,
    erase_subject,
    export_json,
    export_subject,
    preview_erasure,
    subject_from,
)


class Command(BaseCommand):
    help = (
        "Export (JSON) or erase everything stored about one person, named by e-mail "
        "address or phone number. Erasure keeps only salted hashes so the person's "
        "postings are not stored or contacted again."
    )
    # Tests hand in a terminal stand-in to answer the confirmation.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="export|erase")
        actions.required = True
        export = actions.add_parser(
            "export", help="Print (or write) every stored field about the person"
        )
        erase = actions.add_parser(
            "erase", help="Delete or anonymise everything stored about the person"
        )
        for sub in (export, erase):
            sub.add_argument("--email", help="The person's e-mail address")
            sub.add_argument("--phone", help="The person's phone number")
        export.add_argument(
            "--output", type=Path, help="Write the JSON to FILE instead of stdout"
        )
        erase.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            subject_from(email=options["email"], phone=options["phone"])
            if options["action"] == "export":
                self._export(options)
            else:
                self._erase(options)
        except PersonalDataError as exc:
            raise CommandError(str(exc)) from None

    def _export(self, options: dict[str, Any]) -> None:
        data = export_subject(email=options["email"], phone=options["phone"])
        if not data["records"]:
            self.stderr.write("Nothing stored matches that person.")
        text = export_json(data)
        target: Path | None = options["output"]
        if target is None:
            self.stdout.write(text)
            return
        try:
            # The file holds the person's data: readable by its owner only.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text + "\n")
        except OSError as exc:
            raise CommandError(
                f"Cannot write {target}: {exc.strerror or exc}"
            ) from None
        self.stdout.write(f"Wrote {sum(data['counts'].values())} records to {target}.")

    def _erase(self, options: dict[str, Any]) -> None:
        subject = subject_from(email=options["email"], phone=options["phone"])
        preview = preview_erasure(subject)
        if preview and not options["yes"]:
            self._confirm(preview, options.get("stdin") or sys.stdin)
        report = erase_subject(email=options["email"], phone=options["phone"])
        if not report.found_anything:
            self.stdout.write(
                "Nothing stored matches that person; the suppression list now holds "
                "a hash of it, so their postings will not be stored."
            )
            return
        lines = [f"  {label}: {count}" for label, count in report.erased.items()]
        self.stdout.write(
            "Erased:\n"
            + "\n".join(lines)
            + f"\n{report.suppressed} new suppression entries (hashes only)."
        )

    def _confirm(self, preview: dict[str, int], stdin: Any) -> None:
        if not stdin.isatty():
            raise CommandError(
                "Erasure deletes data for good; add --yes when not on a terminal."
            )
        listing = "\n".join(f"  {label}: {count}" for label, count in preview.items())
        self.stdout.write(f"This will delete or anonymise:\n{listing}")
        self.stdout.write("Type 'erase' to go on: ", ending="")
        self.stdout.flush()
        if stdin.readline().strip().lower() != "erase":
            raise CommandError("Nothing was erased.")
