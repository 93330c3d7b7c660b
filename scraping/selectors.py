"""Reads of saved searches and scrape jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from .models import ParseFailure, SavedSearch, ScrapeJob


def list_jobs() -> QuerySet[ScrapeJob]:
    return ScrapeJob.objects.prefetch_related("sites").select_related("saved_search")


def list_saved_searches() -> QuerySet[SavedSearch]:
    return SavedSearch.objects.select_related("category", "owner").prefetch_related(
        "sites"
    )


def list_parse_failures() -> QuerySet[ParseFailure]:
    return ParseFailure.objects.filter(resolved=False).defer("html")


# --- dashboard ------------------------------------------------------------------------


def scrape_overview(*, since: datetime) -> dict[str, Any]:
    """The scrapers at a glance, in three queries: the latest job, counts of jobs
    since `since` (all, failed, still running) with the pages that failed in
    them, and the parse failures nobody has resolved yet."""
    recent = Q(created_at__gte=since)
    totals = ScrapeJob.objects.aggregate(
        recent_jobs=Count("id", filter=recent),
        recent_failed=Count("id", filter=recent & Q(status=ScrapeJob.Status.FAILED)),
        running=Count("id", filter=Q(status__in=ScrapeJob.UNFINISHED)),
        recent_page_failures=Coalesce(Sum("failures", filter=recent), 0),
    )
    # The highest id is the newest job; the primary key index answers at once.
    latest = (
        ScrapeJob.objects.select_related("saved_search")
        .only(
            "id",
            "status",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "saved_search__name",
        )
        .order_by("-id")
        .first()
    )
    return {
        **totals,
        "latest": latest,
        "open_parse_failures": ParseFailure.objects.filter(resolved=False).count(),
    }


def saved_search_health(
    *, since: datetime, alert_after: int, limit: int = 50
) -> list[SavedSearch]:
    """Saved searches with their last job's status and error, and their jobs and
    failed pages since `since`, in one query. Searches that found nothing
    `alert_after` runs in a row come first, then those with failed jobs.

    Each row carries `last_status`, `last_error`, `last_finished_at`,
    `recent_jobs`, `recent_failed`, `recent_page_failures` and `silent`.
    """
    last_job = ScrapeJob.objects.filter(saved_search=OuterRef("pk")).order_by("-id")
    recent = Q(jobs__created_at__gte=since)
    silent = Q(active=True, empty_runs__gte=alert_after)
    return list(
        SavedSearch.objects.select_related("category")
        .annotate(
            last_status=Subquery(last_job.values("status")[:1]),
            last_error=Subquery(last_job.values("error")[:1]),
            last_finished_at=Subquery(last_job.values("finished_at")[:1]),
            recent_jobs=Count("jobs", filter=recent),
            recent_failed=Count(
                "jobs", filter=recent & Q(jobs__status=ScrapeJob.Status.FAILED)
            ),
            recent_page_failures=Coalesce(Sum("jobs__failures", filter=recent), 0),
            silent=Case(When(silent, then=True), default=False),
        )
        .order_by("-silent", "-recent_failed", "name", "id")[:limit]
    )


def count_saved_searches() -> int:
    return SavedSearch.objects.count()
