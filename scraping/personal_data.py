"""Personal data in scraping: pages kept for reparse (parse failures) and what a
scrape job remembers (its checkpoint of pending posting URLs, its error).
Registered with craigleads.personal_data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from craigleads.personal_data import (
    Counts,
    Findings,
    Handler,
    mentioning,
    normalise_url,
    redact,
    register,
)

from .models import ParseFailure, ScrapeJob


def find(findings: Findings) -> None:
    """Failures of the subject's leads or postings, or whose page names them; jobs
    whose checkpoint lists the subject's postings or whose data names them."""
    failures = set(
        ParseFailure.objects.filter(
            Q(lead_id__in=findings.lead_ids) | Q(url__in=findings.urls)
        ).values_list("pk", flat=True)
    )
    failures.update(
        mentioning(
            ParseFailure.objects.exclude(pk__in=failures), ["html", "errors"], findings
        )
    )
    findings.add_rows(ParseFailure, failures)
    jobs = set(mentioning(ScrapeJob.objects.all(), ["checkpoint", "error"], findings))
    if findings.urls:
        by_url = Q(pk__in=[])
        for url in findings.urls:
            by_url |= Q(checkpoint_text__contains=url)
        jobs.update(
            ScrapeJob.objects.alias(checkpoint_text=Cast("checkpoint", TextField()))
            .filter(by_url)
            .values_list("pk", flat=True)
        )
    findings.add_rows(ScrapeJob, jobs)


def _scrub(value: Any, findings: Findings, urls: set[str]) -> Any:
    """The checkpoint without the subject's posting URLs (dropped from lists) and
    with their addresses and numbers blanked elsewhere."""
    if isinstance(value, list):
        return [
            _scrub(item, findings, urls)
            for item in value
            if not (isinstance(item, str) and normalise_url(item) in urls)
        ]
    if isinstance(value, dict):
        return {
            key: None
            if isinstance(item, str) and normalise_url(item) in urls
            else _scrub(item, findings, urls)
            for key, item in value.items()
        }
    return redact(value, findings)


def erase(findings: Findings) -> Counts:
    """Delete the kept pages; scrub the jobs (their counters stay)."""
    deleted, _ = ParseFailure.objects.filter(pk__in=findings.pks(ParseFailure)).delete()
    urls = {normalise_url(url) for url in findings.urls}
    jobs = list(ScrapeJob.objects.filter(pk__in=findings.pks(ScrapeJob)))
    for job in jobs:
        job.checkpoint = _scrub(job.checkpoint, findings, urls)
        job.error = redact(job.error, findings)
        job.save(update_fields=["checkpoint", "error"])
    return {ParseFailure._meta.label: deleted, ScrapeJob._meta.label: len(jobs)}


def purge_leads(lead_ids: list[int]) -> Counts:
    cleared = (
        ParseFailure.objects.filter(lead_id__in=lead_ids)
        .exclude(html="")
        .update(html="")
    )
    return {ParseFailure._meta.label: cleared}


def purge_before(before: datetime) -> Counts:
    """Pages of unparseable postings kept past retention lose their HTML (the URL
    and errors stay, so the failure is still counted)."""
    cleared = (
        ParseFailure.objects.filter(created_at__lt=before)
        .exclude(html="")
        .update(html="")
    )
    return {ParseFailure._meta.label: cleared}


register(
    Handler(
        app="scraping",
        order=40,
        personal={
            ParseFailure._meta.label: ["url", "html", "errors"],
            ScrapeJob._meta.label: ["checkpoint", "error"],
        },
        find=find,
        erase=erase,
        purge_leads=purge_leads,
        purge_before=purge_before,
    )
)
