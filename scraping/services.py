"""Scraping writes: saved searches, scrape jobs and the resumable crawl.

A job crawls in chunks. Each chunk claims the job with a lease (a conditional
UPDATE that must hit one row), fetches outside any transaction, and commits each
stored posting together with the job's counters and checkpoint, so a worker killed
at any point leaves a job that resumes where it stopped, with nothing lost and
nothing counted twice.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from craigleads import events, personal_data
from craigleads.audit import record_event
from craigleads.limits import seconds_until_room
from leads import services as lead_services
from leads.models import Category, Lead, Site

from . import parsing
from .clients import FetcherConfig, FetchError, PoliteFetcher, TransientFetchError
from .models import ParseFailure, SavedSearch, ScrapeJob, ScrapingPolicy

logger = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(hours=6)
EMPTY_RUNS_ALERT = 3
MAX_ATTEMPTS = 3


class ScrapeError(Exception):
    """A scrape request that cannot be carried out, with a sentence saying why."""


class ScrapeRateLimited(ScrapeError):
    """Too many jobs started in the last minute; `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


JOB_RATE_WINDOW = timedelta(seconds=60)


def _check_job_rate(user: Any) -> None:
    """At most SCRAPE_JOBS_PER_MINUTE jobs per user in any 60 seconds.

    Counted from the user's own jobs in the database: exact (a fixed window in
    the cache lets twice the limit through around a minute boundary), shared
    by every process, and refused attempts leave no row. Called inside the
    transaction that creates the job, with the user's row locked, so that two
    concurrent starts on PostgreSQL are counted one after the other.
    """
    if not getattr(user, "is_authenticated", False):
        return
    limit = settings.SCRAPE_JOBS_PER_MINUTE
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk"))
    now = timezone.now()
    recent = ScrapeJob.objects.filter(
        created_by=user, created_at__gt=now - JOB_RATE_WINDOW
    ).order_by("-created_at")
    retry_after = seconds_until_room(
        list(recent.values_list("created_at", flat=True)[:limit]),
        limit=limit,
        window=JOB_RATE_WINDOW,
        now=now,
    )
    if retry_after is None:
        return
    raise ScrapeRateLimited(
        f"You may start {limit} scrape jobs a minute; "
        f"try again in {retry_after} seconds.",
        retry_after=retry_after,
    )


@dataclass(frozen=True)
class ChunkResult:
    job_id: int
    status: str
    more: bool


# --- policy -------------------------------------------------------------------


def get_policy() -> ScrapingPolicy:
    policy, _ = ScrapingPolicy.objects.get_or_create(pk=1)
    return policy


def set_live_fetching(*, enabled: bool, actor: Any) -> ScrapingPolicy:
    """Switch live Craigslist fetching on or off; recorded in the audit log."""
    with transaction.atomic():
        policy = get_policy()
        policy.live_fetching_enabled = enabled
        policy.changed_by = actor
        policy.changed_at = timezone.now()
        policy.save()
        record_event(
            action="scraping.live_fetching_" + ("on" if enabled else "off"),
            actor=actor,
            target="scraping policy",
        )
    return policy


def _is_test_host(url: str) -> bool:
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    return any(
        netloc == allowed.lower() or parts.hostname == allowed.lower()
        for allowed in settings.SCRAPE_ALLOWED_HOSTS
    )


# --- jobs -----------------------------------------------------------------------


def create_job(
    *,
    site_codes: Iterable[str],
    category_codes: Iterable[str],
    keywords: str = "",
    max_pages: int = 3,
    priority: int = 5,
    base_url: str = "",
    created_by: Any = None,
    saved_search: SavedSearch | None = None,
    enqueue: bool = True,
) -> ScrapeJob:
    """Validate and store a queued job; queue its first chunk after commit.

    Raises ScrapeError naming the problem (unknown site or category, a base URL
    not in SCRAPE_ALLOWED_HOSTS, live fetching switched off).
    """
    site_codes = [s.strip().lower() for s in site_codes if s.strip()]
    category_codes = [c.strip().lower() for c in category_codes if c.strip()]
    if not site_codes:
        raise ScrapeError("Choose at least one site.")
    if not category_codes:
        raise ScrapeError("Choose at least one category.")
    if not 1 <= max_pages <= 50:
        raise ScrapeError("max_pages must be between 1 and 50.")
    sites = list(Site.objects.filter(code__in=site_codes))
    missing = sorted(set(site_codes) - {s.code for s in sites})
    if missing:
        raise ScrapeError(f"Unknown site: {', '.join(missing)}.")
    known = set(
        Category.objects.filter(code__in=category_codes).values_list("code", flat=True)
    )
    unknown = sorted(set(category_codes) - known)
    if unknown:
        raise ScrapeError(f"Unknown category: {', '.join(unknown)}.")
    base_url = base_url.rstrip("/")
    if base_url:
        if urlsplit(base_url).scheme not in {"http", "https"} or not _is_test_host(
            base_url
        ):
            raise ScrapeError(
                f"{base_url} is not a test site named in SCRAPE_ALLOWED_HOSTS."
            )
    elif not get_policy().live_fetching_enabled:
        raise ScrapeError(
            "Live Craigslist fetching is off. An admin must read the terms notice "
            "on the Scrapes page and switch it on, or use a test site."
        )
    with transaction.atomic():
        _check_job_rate(created_by)
        job = ScrapeJob.objects.create(
            categories=category_codes,
            keywords=keywords[:200],
            max_pages=max_pages,
            priority=priority,
            base_url=base_url,
            created_by=created_by,
            saved_search=saved_search,
            checkpoint=_initial_checkpoint(
                site_codes, category_codes, keywords, base_url
            ),
        )
        job.sites.set(sites)
        if enqueue:
            _enqueue_chunk_on_commit(job.pk)
        events.publish_on_commit(
            "scraper.progress", _progress(job), groups=("console",)
        )
    return job


def _enqueue_chunk_on_commit(job_id: int) -> None:
    from .tasks import run_scrape_job_task

    run_scrape_job_task.delay_on_commit(job_id)  # type: ignore[attr-defined]


def _initial_checkpoint(
    sites: list[str], categories: list[str], keywords: str, base_url: str
) -> dict[str, Any]:
    targets = [
        {
            "site": site,
            "category": category,
            "next_url": search_url(site, category, keywords, base_url),
            "page": 0,
            "pending": [],
            "done": False,
            "empty": True,
        }
        for site in sites
        for category in categories
    ]
    return {"targets": targets}


def search_url(site: str, category: str, query: str = "", base_url: str = "") -> str:
    """The first search page for a site and category, on Craigslist or on the
    loopback fixture site (whose paths are prefixed by the site code)."""
    params = urlencode({"query": query}) if query else ""
    if base_url:
        url = f"{base_url.rstrip('/')}/{site}/search/{category}"
    else:
        url = f"https://{site}.craigslist.org/search/{category}"
    return f"{url}?{params}" if params else url


def cancel_job(*, job_id: int, actor: Any = None) -> bool:
    """Cancel an unfinished job; False when it had already finished."""
    changed = ScrapeJob.objects.filter(
        pk=job_id, status__in=ScrapeJob.UNFINISHED
    ).update(
        status=ScrapeJob.Status.CANCELLED, finished_at=timezone.now(), lease_until=None
    )
    if changed:
        job = ScrapeJob.objects.get(pk=job_id)
        events.publish_on_commit("scraper.progress", _progress(job))
    return bool(changed)


def _progress(job: ScrapeJob) -> dict[str, Any]:
    targets = job.checkpoint.get("targets", [])
    done = sum(1 for t in targets if t.get("done"))
    return {
        "job_id": job.pk,
        "status": job.status,
        "targets_done": done,
        "targets": len(targets),
        "percent": job.progress_percent,
        **job.counts(),
    }


# --- the crawl ------------------------------------------------------------------


def _claim(job_id: int, token: str) -> bool:
    now = timezone.now()
    return (
        ScrapeJob.objects.filter(pk=job_id, status__in=ScrapeJob.UNFINISHED)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            status=ScrapeJob.Status.RUNNING,
            lease_token=token,
            lease_until=now + timedelta(seconds=settings.SCRAPE_LEASE_SECONDS),
            heartbeat_at=now,
            started_at=now,
            attempts=F("attempts") + 1,
        )
        == 1
    )


def _renew(job_id: int, token: str) -> bool:
    now = timezone.now()
    return (
        ScrapeJob.objects.filter(
            pk=job_id, lease_token=token, status=ScrapeJob.Status.RUNNING
        ).update(
            lease_until=now + timedelta(seconds=settings.SCRAPE_LEASE_SECONDS),
            heartbeat_at=now,
        )
        == 1
    )


def run_job_chunk(*, job_id: int, budget_seconds: float | None = None) -> ChunkResult:
    """Crawl for up to `budget_seconds`, then checkpoint.

    Safe to call twice or concurrently: only the holder of the lease works; a
    second caller returns `busy`. The caller queues another chunk when `more`.
    """
    token = uuid.uuid4().hex
    if budget_seconds is None:
        budget_seconds = settings.SCRAPE_CHUNK_SECONDS
    if not _claim(job_id, token):
        job = ScrapeJob.objects.filter(pk=job_id).first()
        status = job.status if job else "missing"
        return ChunkResult(
            job_id, "busy" if job and not job.is_finished else status, False
        )
    job = ScrapeJob.objects.get(pk=job_id)
    if job.attempts > MAX_ATTEMPTS * 20:
        # A job that keeps dying (a poison page killing its worker) stops here.
        _finish(job, token, ScrapeJob.Status.FAILED, "gave up after repeated crashes")
        return ChunkResult(job_id, ScrapeJob.Status.FAILED, False)
    config = FetcherConfig.from_settings(
        live_craigslist=get_policy().live_fetching_enabled
    )
    crawl = _Crawl(job, token, config)
    try:
        more = crawl.run(budget_seconds)
    except _LeaseLost:
        return ChunkResult(job_id, "lease lost", False)
    job.refresh_from_db()
    if job.status == ScrapeJob.Status.CANCELLED:
        return ChunkResult(job_id, job.status, False)
    if more:
        ScrapeJob.objects.filter(pk=job_id, lease_token=token).update(lease_until=None)
        return ChunkResult(job_id, ScrapeJob.Status.RUNNING, True)
    _finish(job, token, ScrapeJob.Status.SUCCEEDED, "")
    return ChunkResult(job_id, ScrapeJob.Status.SUCCEEDED, False)


def _finish(job: ScrapeJob, token: str, status: str, error: str) -> None:
    with transaction.atomic():
        ScrapeJob.objects.filter(pk=job.pk, lease_token=token).update(
            status=status, error=error, finished_at=timezone.now(), lease_until=None
        )
        job.refresh_from_db()
        if job.saved_search_id is not None:
            _after_saved_search_run(job)
        events.publish_on_commit("scraper.progress", _progress(job))


def _after_saved_search_run(job: ScrapeJob) -> None:
    found = job.seen > 0
    SavedSearch.objects.filter(jobs=job).update(
        empty_runs=0 if found else F("empty_runs") + 1
    )


class _LeaseLost(Exception):
    pass


class _Crawl:
    """One chunk of one job: walks the checkpoint's targets page by page."""

    def __init__(self, job: ScrapeJob, token: str, config: FetcherConfig) -> None:
        self.job = job
        self.token = token
        self.config = config

    def run(self, budget_seconds: float) -> bool:
        loop = asyncio.new_event_loop()
        fetcher = PoliteFetcher(self.config)
        loop.run_until_complete(fetcher.__aenter__())
        self._loop, self._fetcher = loop, fetcher
        try:
            return self._walk(time.monotonic() + budget_seconds)
        finally:
            loop.run_until_complete(fetcher.__aexit__(None, None, None))
            loop.close()

    def _fetch_one(self, url: str) -> Any:
        return self._loop.run_until_complete(self._fetcher.fetch(url))

    def _walk(self, deadline: float) -> bool:
        checkpoint = self.job.checkpoint
        for index, target in enumerate(checkpoint.get("targets", [])):
            while not target["done"]:
                if time.monotonic() > deadline:
                    return True
                if not _renew(self.job.pk, self.token):
                    raise _LeaseLost
                if target["pending"]:
                    self._posting(index, target["pending"][0])
                elif target["next_url"] and target["page"] < self.job.max_pages:
                    self._search_page(index, target["next_url"])
                else:
                    self._save_target(index, {"done": True})
                target = self.job.checkpoint["targets"][index]
        return False

    def _save_target(
        self,
        index: int,
        changes: dict[str, Any],
        counters: dict[str, int] | None = None,
    ) -> None:
        """Commit a checkpoint step and counter increments together."""
        checkpoint = self.job.checkpoint
        checkpoint["targets"][index].update(changes)
        updates: dict[str, Any] = {
            "checkpoint": checkpoint,
            "heartbeat_at": timezone.now(),
        }
        for name, amount in (counters or {}).items():
            updates[name] = F(name) + amount
        ScrapeJob.objects.filter(pk=self.job.pk, lease_token=self.token).update(
            **updates
        )
        self.job.refresh_from_db()
        events.publish_on_commit("scraper.progress", _progress(self.job))

    def _search_page(self, index: int, url: str) -> None:
        target = self.job.checkpoint["targets"][index]
        try:
            result = self._fetch_one(url)
        except TransientFetchError as exc:
            self._fail_page(index, url, str(exc), stop=False)
            return
        except FetchError as exc:
            self._fail_page(index, url, str(exc), stop=True)
            return
        if result.status >= 400:
            self._fail_page(
                index, url, f"search page answered {result.status}", stop=True
            )
            return
        page = parsing.parse_search(result.text, url=result.final_url or url)
        pending = [
            r.url for r in page.results if r.url and self._wants(r.url, r.post_id)
        ]
        seen_now = len(page.results) - len(pending)
        next_url = page.next_page if page.results else None
        with transaction.atomic():
            self._save_target(
                index,
                {
                    "pending": pending,
                    "batch": len(pending),
                    "next_url": next_url,
                    "page": target["page"] + 1,
                    "empty": target["empty"] and not page.results,
                },
                {"pages": 1, "seen": seen_now},
            )

    def _wants(self, url: str, post_id: str | None) -> bool:
        """Fetch a posting unless we stored it recently (politeness first) or its
        author asked to be erased."""
        if personal_data.is_suppressed(urls=[url], post_ids=[post_id or ""]):
            return False
        query = Q(url=url)
        if post_id:
            query |= Q(post_id=post_id)
        lead = Lead.objects.filter(query).only("scraped_at").first()
        return lead is None or lead.scraped_at < timezone.now() - REFRESH_AFTER

    def _posting(self, index: int, url: str) -> None:
        rest = self.job.checkpoint["targets"][index]["pending"][1:]
        try:
            result = self._fetch_one(url)
        except TransientFetchError as exc:
            self._record_failure(index, url, "", [str(exc)], rest)
            return
        except FetchError as exc:
            self._record_failure(index, url, "", [str(exc)], rest)
            return
        if result.status in {404, 410}:
            parsed: dict[str, Any] = {"status": "deleted", "url": url}
        elif result.status >= 400:
            self._record_failure(index, url, "", [f"answered {result.status}"], rest)
            return
        else:
            parsed = parsing.parse_posting(
                result.text, url=result.final_url or url
            ).to_dict()
        if parsed.get("status") == "unparseable":
            self._record_failure(
                index, url, result.text, parsed.get("errors") or [], rest
            )
            return
        with transaction.atomic():
            outcome = lead_services.record_posting(
                parsed=parsed,
                url=url,
                body_html=result.text if result.status < 400 else "",
            )
            counters = {"seen": 1}
            key = {
                "new": "new",
                "updated": "updated",
                "repost": "reposts",
                "duplicate": "duplicates",
            }
            if outcome.kind in key:
                counters[key[outcome.kind]] = 1
            self._save_target(index, {"pending": rest}, counters)

    def _record_failure(
        self, index: int, url: str, html: str, errors: list[str], rest: list[str]
    ) -> None:
        with transaction.atomic():
            ParseFailure.objects.create(
                url=url[:500], job=self.job, html=html, errors=errors
            )
            self._save_target(index, {"pending": rest}, {"failures": 1})

    def _fail_page(self, index: int, url: str, error: str, *, stop: bool) -> None:
        logger.warning(
            "scrape job %s: search page %s failed: %s", self.job.pk, url, error
        )
        with transaction.atomic():
            ParseFailure.objects.create(
                url=url[:500], job=self.job, html="", errors=[error]
            )
            changes: dict[str, Any] = {"done": True} if stop else {"next_url": None}
            self._save_target(index, changes, {"failures": 1})


# --- saved searches, recovery -----------------------------------------------------


def dispatch_due_searches(*, now: Any = None) -> list[int]:
    """Start a job for every active saved search that is due; returns job ids.

    Each search is claimed by moving its next_run_at forward with a conditional
    UPDATE, so two dispatchers never start the same run twice.
    """
    now = now or timezone.now()
    started: list[int] = []
    for search in SavedSearch.objects.filter(active=True, next_run_at__lte=now):
        claimed = SavedSearch.objects.filter(
            pk=search.pk, next_run_at=search.next_run_at
        ).update(
            last_run_at=now,
            next_run_at=now + timedelta(minutes=search.interval_minutes),
        )
        if not claimed:
            continue
        try:
            job = create_job(
                site_codes=search.sites.values_list("code", flat=True),
                category_codes=[search.category.code],
                keywords=search.query,
                max_pages=search.max_pages,
                base_url=search.base_url,
                created_by=search.owner,
                saved_search=search,
            )
        except ScrapeError as exc:
            logger.warning("saved search %s not run: %s", search.pk, exc)
            continue
        started.append(job.pk)
    return started


def recover_unfinished_jobs(*, force: bool = False) -> list[int]:
    """Re-queue jobs left queued or running by a crash; returns their ids.

    With `force` (process start, when no other worker can hold a lease) leases are
    cleared first; otherwise only jobs whose lease has run out are re-queued.
    """
    now = timezone.now()
    stuck = ScrapeJob.objects.filter(status__in=ScrapeJob.UNFINISHED)
    if force:
        stuck.update(lease_until=None)
    else:
        stuck = stuck.filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        ).filter(
            Q(heartbeat_at__isnull=True)
            | Q(heartbeat_at__lt=now - timedelta(seconds=settings.SCRAPE_LEASE_SECONDS))
        )
    ids = list(stuck.values_list("pk", flat=True))
    for job_id in ids:
        _enqueue_chunk_on_commit(job_id)
    return ids


def searches_returning_nothing() -> list[SavedSearch]:
    """Saved searches that found nothing several runs in a row (console alert)."""
    return list(
        SavedSearch.objects.filter(active=True, empty_runs__gte=EMPTY_RUNS_ALERT)
    )


def reparse_leads(*, lead_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Run the current parser over stored HTML and update leads; returns counts.
    Safe to repeat: unchanged pages stay unchanged."""
    counts = {"leads": 0, "updated": 0, "unchanged": 0, "failed": 0}
    qs = Lead.objects.exclude(body_html="")
    if lead_ids is not None:
        qs = qs.filter(pk__in=list(lead_ids))
    for lead in qs.only("id", "url", "body_html").iterator(chunk_size=200):
        counts["leads"] += 1
        parsed = parsing.parse_posting(lead.body_html, url=lead.url).to_dict()
        if parsed.get("status") == "unparseable":
            counts["failed"] += 1
            continue
        outcome = lead_services.record_posting(
            parsed=parsed, url=lead.url, body_html=lead.body_html
        )
        counts["updated" if outcome.kind == "updated" else "unchanged"] += 1
    for failure in ParseFailure.objects.filter(resolved=False).exclude(html=""):
        parsed = parsing.parse_posting(failure.html, url=failure.url).to_dict()
        if parsed.get("status") != "unparseable":
            lead_services.record_posting(
                parsed=parsed, url=failure.url, body_html=failure.html
            )
            ParseFailure.objects.filter(pk=failure.pk).update(resolved=True)
            counts["updated"] += 1
    return counts


def set_search_active(*, search_id: int, active: bool) -> None:
    """Pause or resume a saved search. Safe to repeat."""
    SavedSearch.objects.filter(pk=search_id).update(active=active)
