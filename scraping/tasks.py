"""Scraping tasks: thin entry points over services (HOUSE_STYLE 14)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="scraping.run_scrape_job", acks_late=True, time_limit=240, soft_time_limit=200
)
def run_scrape_job_task(job_id: int) -> None:
    """Crawl one chunk of a job and queue the next; redelivery is harmless because
    the chunk claims the job's lease and resumes from its checkpoint."""
    result = services.run_job_chunk(job_id=job_id)
    if result.more:
        run_scrape_job_task.delay(job_id)
    elif result.status == "busy":
        # Another worker holds the lease; look again once it could have expired.
        run_scrape_job_task.apply_async(
            (job_id,), countdown=settings.SCRAPE_LEASE_SECONDS
        )


@shared_task(
    name="scraping.dispatch_due_searches",
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
)
def dispatch_due_searches_task() -> None:
    """Start the saved searches that are due (beat, every minute)."""
    started = services.dispatch_due_searches()
    if started:
        logger.info("started scrape jobs %s", started)
