"""The broker dies mid-scrape and comes back empty.

Redis keeps its queue in memory only (no RDB, no AOF here, as in Debian's default
of `appendonly no`), so the message for the running job's next chunk is gone. The
ScrapeJob row is the source of truth: once the dead chunk's lease has run out,
the recovery sweep re-queues the job, and the lease plus checkpoint make it
resume without storing any posting twice (RELIABILITY_CHECKLIST CEL-8).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from craigleads.recovery import run_recovery_sweep
from leads.models import Lead
from scraping import services
from scraping.models import ScrapeJob

from .harness import (
    RedisServer,
    kill_group,
    log_tail,
    start_worker,
    wait_for,
    worker_ready,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]
SITES, CATEGORIES, PAGES = ["sfbay", "seattle"], ["sof", "cpg"], 2


def expected_post_ids(site: Any) -> set[int]:
    """Active postings on the first PAGES result pages of every search."""
    pids: set[int] = set()
    for code in SITES:
        for category in CATEGORIES:
            results = site.search_results(code, category)[: 25 * PAGES]
            pids |= {p.pid for p in results if p.status == "active"}
    return pids


def test_a_job_survives_redis_restarting_empty_mid_scrape(
    scrape_site: Any,
    worker_env: dict[str, str],
    private_redis: RedisServer,
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.SCRAPE_LEASE_SECONDS = 4  # as the workers see it, for the sweep
    env = {
        **worker_env,
        "SCRAPE_ALLOWED_HOSTS": scrape_site.host_port,
        "SCRAPE_TEST_HOST_RATE": "8",
        "SCRAPE_CHUNK_SECONDS": "2",
        "SCRAPE_LEASE_SECONDS": "4",
    }
    worker = start_worker(env, tmp_path, "w1")
    sweeps: list[dict[str, list[int]]] = []
    try:
        wait_for(lambda: worker_ready(tmp_path, "w1"), 60, "worker w1 to start")
        job = services.create_job(
            site_codes=SITES,
            category_codes=CATEGORIES,
            max_pages=PAGES,
            base_url=scrape_site.base_url,
        )
        wait_for(lambda: Lead.objects.count() >= 10, 60, "the first leads")

        private_redis.kill()
        assert ScrapeJob.objects.get(pk=job.pk).status == ScrapeJob.Status.RUNNING
        # The running chunk finishes its two seconds and fails to queue the next
        # one; its lease then runs out.
        time.sleep(2 * settings.SCRAPE_LEASE_SECONDS)
        stalled_at = Lead.objects.count()
        private_redis.start()  # same port, empty
        assert private_redis.ping()

        last_sweep = 0.0

        def sweep_now_and_then() -> None:
            # What beat does every 5 minutes, done here every 3 seconds.
            nonlocal last_sweep
            if time.monotonic() - last_sweep >= 3:
                last_sweep = time.monotonic()
                sweeps.append(run_recovery_sweep())

        def finished() -> bool:
            job.refresh_from_db()
            if not job.is_finished:
                sweep_now_and_then()
            return job.is_finished

        def all_scored() -> bool:
            # Qualification messages queued before the crash were lost too.
            left = Lead.objects.filter(qualified_at__isnull=True).exists()
            if left:
                sweep_now_and_then()
            return not left

        wait_for(finished, 120, "the job to finish after the broker came back")
        wait_for(all_scored, 60, "every stored lead to be scored")
    finally:
        kill_group(worker)

    assert job.status == ScrapeJob.Status.SUCCEEDED, log_tail(tmp_path, "w1")
    assert any(job.pk in s["scrape_jobs"] for s in sweeps), "the sweep re-queued it"
    assert Lead.objects.count() > stalled_at, "work continued after the restart"
    stored = [int(p) for p in Lead.objects.values_list("post_id", flat=True)]
    assert len(stored) == len(set(stored)), "a posting was stored twice"
    assert set(stored) >= expected_post_ids(scrape_site)
    assert job.new + job.reposts + job.duplicates == len(stored)
