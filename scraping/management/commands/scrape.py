"""`python manage.py scrape --site S --category C [--query Q] [--max-pages N]
[--base-url URL]`: run one scrape job in the foreground and print its summary."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scraping import services
from scraping.models import ScrapeJob


class Command(BaseCommand):
    help = "Scrape one search through the polite fetcher; prints a JSON summary last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site",
            action="append",
            required=True,
            help="Craigslist site code; repeat for several",
        )
        parser.add_argument(
            "--category",
            action="append",
            required=True,
            help="Category code; repeat for several",
        )
        parser.add_argument("--query", default="")
        parser.add_argument("--max-pages", type=int, default=3)
        parser.add_argument(
            "--base-url",
            default="",
            help="A loopback test site named in SCRAPE_ALLOWED_HOSTS",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            job = services.create_job(
                site_codes=options["site"],
                category_codes=options["category"],
                keywords=options["query"],
                max_pages=options["max_pages"],
                base_url=options["base_url"],
                enqueue=False,
            )
        except services.ScrapeError as exc:
            raise CommandError(str(exc)) from None
        try:
            while True:
                result = services.run_job_chunk(job_id=job.pk)
                job.refresh_from_db()
                self._progress(job)
                if not result.more:
                    break
        except KeyboardInterrupt:
            services.cancel_job(job_id=job.pk)
            job.refresh_from_db()
        if sys.stderr.isatty():
            self.stderr.write("")
        summary = {"job_id": job.pk, "status": job.status, **job.counts()}
        self.stdout.write(json.dumps(summary))
        if job.status != ScrapeJob.Status.SUCCEEDED:
            raise CommandError(f"scrape job {job.pk} ended {job.status}: {job.error}")

    def _progress(self, job: ScrapeJob) -> None:
        counts = job.counts()
        line = " ".join(f"{k}={v}" for k, v in counts.items())
        self.stderr.write(f"\rjob {job.pk} {job.status}: {line}", ending="")
