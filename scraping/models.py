"""Scraping: saved searches, scrape jobs with checkpoints, and parse failures."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from leads.models import Category, Lead, Site


class ScrapingPolicy(models.Model):
    """The one switch for live Craigslist fetching (off until an admin has read the
    terms notice). The fixture site on loopback needs no switch."""

    live_fetching_enabled = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "scraping policy"

    def __str__(self) -> str:
        return "live fetching on" if self.live_fetching_enabled else "live fetching off"


class SavedSearch(models.Model):
    """A Craigslist search the team watches on an interval."""

    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_searches",
    )
    sites = models.ManyToManyField(Site, related_name="saved_searches")
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    query = models.CharField(max_length=200, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    base_url = models.URLField(
        blank=True, help_text="A loopback test site instead of Craigslist (optional)"
    )
    max_pages = models.PositiveSmallIntegerField(default=3)
    interval_minutes = models.PositiveIntegerField(default=60)
    active = models.BooleanField(default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(default=timezone.now, db_index=True)
    empty_runs = models.PositiveIntegerField(
        default=0, help_text="Runs in a row that found nothing"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "saved searches"

    def __str__(self) -> str:
        return self.name

    def schedule_next(self) -> None:
        now = timezone.now()
        self.last_run_at = now
        self.next_run_at = now + timedelta(minutes=self.interval_minutes)
        self.save(update_fields=["last_run_at", "next_run_at"])


class ScrapeJob(models.Model):
    """One run of a search over sites and pages; its checkpoint lets a job whose
    worker died resume where it stopped."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"
        CANCELLED = "cancelled", "cancelled"

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    saved_search = models.ForeignKey(
        SavedSearch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    sites = models.ManyToManyField(Site, related_name="scrape_jobs")
    categories = models.JSONField(default=list)
    keywords = models.CharField(max_length=200, blank=True)
    base_url = models.URLField(blank=True)
    max_pages = models.PositiveSmallIntegerField(default=3)
    priority = models.SmallIntegerField(default=5)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    checkpoint = models.JSONField(default=dict, blank=True)
    pages = models.PositiveIntegerField(default=0)
    seen = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("run_scrape", "Can start and cancel scrape jobs")]

    def __str__(self) -> str:
        return f"scrape job {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def progress_percent(self) -> int:
        """How far the job is, 0-100, from its checkpoint: each site x category
        target is an equal share, and within a target each of its `max_pages`
        search pages is an equal share, filled as that page's postings are read
        (a page with no next page is the target's last). 100 only when the job
        has finished."""
        if self.is_finished:
            return 100
        targets = self.checkpoint.get("targets", [])
        if not targets:
            return 0
        share = 0.0
        for target in targets:
            if target.get("done"):
                share += 1
                continue
            pages = int(target.get("page", 0))
            if pages == 0:
                continue
            batch = int(target.get("batch", 0))
            left = len(target.get("pending", []))
            this_page = (batch - left) / batch if batch else 1.0
            # Without a next page this one is the target's last.
            planned = self.max_pages if target.get("next_url") else pages
            share += (pages - 1 + this_page) / max(1, planned, pages)
        return min(99, int(100 * share / len(targets)))

    def counts(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in (
                "pages",
                "seen",
                "new",
                "updated",
                "reposts",
                "duplicates",
                "failures",
            )
        }


class ParseFailure(models.Model):
    """A page the parser could not read, kept whole for `reparse`."""

    url = models.URLField(max_length=500)
    job = models.ForeignKey(
        ScrapeJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, null=True, blank=True)
    html = models.TextField()
    errors = models.JSONField(default=list)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"parse failure {self.url}"
