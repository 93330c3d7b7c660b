"""Reads of saved searches and scrape jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ParseFailure, SavedSearch, ScrapeJob


def list_jobs() -> QuerySet[ScrapeJob]:
    return ScrapeJob.objects.prefetch_related("sites").select_related("saved_search")


def list_saved_searches() -> QuerySet[SavedSearch]:
    return SavedSearch.objects.select_related("category", "owner").prefetch_related(
        "sites"
    )


def list_parse_failures() -> QuerySet[ParseFailure]:
    return ParseFailure.objects.filter(resolved=False).defer("html")
