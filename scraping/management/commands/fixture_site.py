"""`python manage.py fixture_site --port N [--seed S] [--count C]`.

Serves the Craigslist look-alike on 127.0.0.1:N until Ctrl-C (or SIGTERM). The first
stdout line is JSON: {"base_url", "port", "seed", "postings"}.
"""

from __future__ import annotations

import json
import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scraping.fixture_site import FixtureSite


class Command(BaseCommand):
    help = "Serve the Craigslist look-alike fixture site on 127.0.0.1 until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=8765, help="0 picks a free port"
        )
        parser.add_argument("--seed", type=int, default=1, help="data set seed")
        parser.add_argument("--count", type=int, default=400, help="postings to make")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            site = FixtureSite(
                port=options["port"], seed=options["seed"], count=options["count"]
            )
        except OSError as exc:
            raise CommandError(
                f"cannot listen on port {options['port']}: {exc}"
            ) from exc

        def _terminate(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _terminate)
        summary = {
            "base_url": site.base_url,
            "port": site.port,
            "seed": options["seed"],
            "postings": len(site.postings),
        }
        self.stdout.write(json.dumps(summary))
        self.stdout.flush()
        try:
            site.serve_forever()
        except KeyboardInterrupt:
            self.stderr.write("fixture site stopped")
