"""Scrape jobs against the loopback fixture site: counts, dedup, resume after a
crash, the API, and real Celery worker processes killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from leads.models import Lead
from scraping import services
from scraping.fixture_site import FixtureSite
from scraping.models import ScrapeJob
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site_settings(
    settings: Any, fixture_site: FixtureSite, defaults: None
) -> FixtureSite:
    settings.SCRAPE_ALLOWED_HOSTS = [fixture_site.host_port]
    settings.SCRAPE_TEST_HOST_RATE = 200.0
    return fixture_site


def _expected_pids(
    site: FixtureSite, sites: list[str], category: str, pages: int
) -> set[int]:
    """Active postings the job should store: the first `pages` pages of results."""
    pids: set[int] = set()
    for code in sites:
        results = site.search_results(code, category)[: 25 * pages]
        pids |= {p.pid for p in results if p.status == "active"}
    return pids


def _run_to_end(job_id: int, budget: float = 60.0) -> int:
    chunks = 0
    while True:
        chunks += 1
        if not services.run_job_chunk(job_id=job_id, budget_seconds=budget).more:
            return chunks


def test_scrape_stores_each_active_posting_once_and_counts_what_it_did(
    site_settings: FixtureSite, db: Any
) -> None:
    job = services.create_job(
        site_codes=["sfbay", "seattle"],
        category_codes=["sof"],
        max_pages=2,
        base_url=site_settings.base_url,
        enqueue=False,
    )
    _run_to_end(job.pk)
    job.refresh_from_db()
    expected = _expected_pids(site_settings, ["sfbay", "seattle"], "sof", 2)
    stored = {int(pid) for pid in Lead.objects.values_list("post_id", flat=True)}
    assert job.status == ScrapeJob.Status.SUCCEEDED
    assert stored >= expected
    assert job.new + job.reposts + job.duplicates == Lead.objects.count()
    assert job.failures == 0
    assert job.pages >= 2

    again = services.create_job(
        site_codes=["sfbay", "seattle"],
        category_codes=["sof"],
        max_pages=2,
        base_url=site_settings.base_url,
        enqueue=False,
    )
    _run_to_end(again.pk)
    again.refresh_from_db()
    assert (again.new, again.reposts, again.duplicates) == (0, 0, 0)
    assert Lead.objects.count() == job.new + job.reposts + job.duplicates


def test_reposts_and_cross_city_duplicates_link_to_their_original(
    site_settings: FixtureSite, db: Any
) -> None:
    job = services.create_job(
        site_codes=["sfbay", "newyork", "seattle"],
        category_codes=["sof", "cpg"],
        max_pages=3,
        base_url=site_settings.base_url,
        enqueue=False,
    )
    _run_to_end(job.pk)
    reposts = Lead.objects.filter(dedup_class=Lead.DedupClass.REPOST)
    duplicates = Lead.objects.filter(dedup_class=Lead.DedupClass.DUPLICATE)
    assert reposts.exists() and duplicates.exists()
    for lead in [*reposts, *duplicates]:
        assert lead.original is not None
        assert lead.original.dedup_class in {
            Lead.DedupClass.NEW,
            Lead.DedupClass.UPDATED,
        }
        assert lead.original.created_at <= lead.created_at
    for lead in duplicates:
        assert lead.site_id != lead.original.site_id


def test_a_job_resumes_from_its_checkpoint_without_losing_or_repeating_work(
    site_settings: FixtureSite, db: Any
) -> None:
    job = services.create_job(
        site_codes=["sfbay"],
        category_codes=["sof"],
        max_pages=2,
        base_url=site_settings.base_url,
        enqueue=False,
    )
    chunks = _run_to_end(job.pk, budget=0.05)
    job.refresh_from_db()
    assert chunks > 3, "the tiny budget should have split the job into chunks"
    assert job.status == ScrapeJob.Status.SUCCEEDED
    assert job.new + job.reposts + job.duplicates == Lead.objects.count()
    stored = {int(p) for p in Lead.objects.values_list("post_id", flat=True)}
    assert stored >= _expected_pids(site_settings, ["sfbay"], "sof", 2)


def test_progress_of_a_job_with_several_targets_rises_steadily_to_100(
    site_settings: FixtureSite, db: Any, operator: Any
) -> None:
    job = services.create_job(
        site_codes=["sfbay", "seattle"],
        category_codes=["sof", "web"],
        max_pages=2,
        base_url=site_settings.base_url,
        enqueue=False,
    )
    seen = [job.progress_percent]
    while services.run_job_chunk(job_id=job.pk, budget_seconds=0.05).more:
        job.refresh_from_db()
        seen.append(job.progress_percent)
        if len(seen) == 6:  # the Scrapes page draws the same figure
            page = client_for(operator).get("/scrapes/").content.decode()
            assert f'max="100" value="{job.progress_percent}"' in page
    job.refresh_from_db()
    assert seen[0] == 0 and job.progress_percent == 100
    assert seen == sorted(seen), "progress went backwards"
    assert max(seen) < 100, "a running job showed as complete"
    # Four targets: the first target's end is a quarter, not the whole bar
    # (counting search pages alone filled it after four pages of any target).
    assert len({p for p in seen if 0 < p < 100}) >= 8
    assert any(20 <= p <= 30 for p in seen)


def test_a_job_whose_worker_died_is_recovered_and_finished(
    site_settings: FixtureSite, db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = services.create_job(
        site_codes=["sfbay"],
        category_codes=["sof"],
        max_pages=1,
        base_url=site_settings.base_url,
        enqueue=False,
    )
    services.run_job_chunk(job_id=job.pk, budget_seconds=0.05)
    # A worker that claimed the job and then died leaves a live lease behind.
    ScrapeJob.objects.filter(pk=job.pk).update(
        status=ScrapeJob.Status.RUNNING,
        lease_token="dead",
        lease_until=timezone.now() + timezone.timedelta(minutes=5),
    )
    assert services.run_job_chunk(job_id=job.pk).status == "busy"
    with django_capture_on_commit_callbacks() as callbacks:
        recovered = services.recover_unfinished_jobs(force=True)
    assert recovered == [job.pk]
    assert len(callbacks) == 1
    _run_to_end(job.pk)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.SUCCEEDED
    assert job.new + job.reposts + job.duplicates == Lead.objects.count()


def test_gone_postings_mark_their_lead_and_unknown_sites_are_refused(
    site_settings: FixtureSite, db: Any
) -> None:
    with pytest.raises(services.ScrapeError, match="Unknown site: atlantis"):
        services.create_job(
            site_codes=["atlantis"],
            category_codes=["sof"],
            base_url=site_settings.base_url,
        )
    with pytest.raises(services.ScrapeError, match="not a test site"):
        services.create_job(
            site_codes=["sfbay"], category_codes=["sof"], base_url="http://127.0.0.1:1"
        )
    with pytest.raises(services.ScrapeError, match="Live Craigslist fetching is off"):
        services.create_job(site_codes=["sfbay"], category_codes=["sof"])
    assert ScrapeJob.objects.count() == 0


def test_api_starts_a_job_after_commit_and_rejects_bad_input(
    site_settings: FixtureSite,
    operator: Any,
    viewer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from leads.models import Site

    sfbay = Site.objects.get(code="sfbay")
    client = client_for(operator)
    body = {
        "location_ids": [sfbay.pk],
        "categories": ["sof"],
        "keywords": "python",
        "max_pages": 1,
        "base_url": site_settings.base_url,
    }
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/api/v1/scraper/jobs", body, content_type="application/json"
        )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "queued"
    assert response.json()["sites"] == ["sfbay"]
    assert any("run_scrape_job" in repr(cb) or callable(cb) for cb in callbacks)

    bad = client.post(
        "/api/v1/scraper/jobs",
        {**body, "location_ids": [999999]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "999999" in bad.content.decode()
    off_list = client.post(
        "/api/v1/scraper/jobs",
        {**body, "base_url": "http://10.0.0.1/"},
        content_type="application/json",
    )
    assert (
        off_list.status_code == 400
        and "SCRAPE_ALLOWED_HOSTS" in off_list.json()["detail"]
    )
    assert (
        client_for(viewer)
        .post("/api/v1/scraper/jobs", body, content_type="application/json")
        .status_code
        == 403
    )

    status = client.get("/api/v1/scraper/queue/status").json()
    assert status["queued"] == 1
    job_id = response.json()["id"]
    cancel = client.post(f"/api/v1/scraper/jobs/{job_id}/cancel")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    assert client.post(f"/api/v1/scraper/jobs/{job_id}/cancel").status_code == 409


def test_scrape_command_prints_a_json_summary_last(
    site_settings: FixtureSite, db: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "scrape",
        "--site",
        "phoenix",
        "--category",
        "sof",
        "--max-pages",
        "1",
        "--base-url",
        site_settings.base_url,
        stdout=out,
        stderr=StringIO(),
    )
    import json

    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["status"] == "succeeded"
    assert set(summary) == {
        "job_id",
        "status",
        "pages",
        "seen",
        "new",
        "updated",
        "reposts",
        "duplicates",
        "failures",
    }
    assert summary["new"] == Lead.objects.filter(dedup_class="new").count() > 0


# --- real worker processes (PostgreSQL + Redis) ------------------------------------


def _worker_env(site: FixtureSite, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    db = connection.settings_dict
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        SCRAPE_ALLOWED_HOSTS=site.host_port,
        SCRAPE_CHUNK_SECONDS="2",
        SCRAPE_LEASE_SECONDS="4",
        **extra,
    )
    return env


def _start_worker(
    env: dict[str, str], tmp_path: Path, name: str
) -> subprocess.Popen[bytes]:
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "craigleads",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            "default,scrape,send",
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_job_runs_end_to_end_through_redis_in_a_real_worker(
    site_settings: FixtureSite, tmp_path: Path
) -> None:
    worker = _start_worker(
        _worker_env(site_settings, SCRAPE_TEST_HOST_RATE="100"), tmp_path, "w1"
    )
    try:
        job = services.create_job(
            site_codes=["sfbay"],
            category_codes=["sof"],
            max_pages=1,
            base_url=site_settings.base_url,
        )
        _wait_for(lambda: ScrapeJob.objects.get(pk=job.pk).is_finished, 60, "the job")
    finally:
        _stop(worker)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.SUCCEEDED, (tmp_path / "w1.log").read_text()[
        -3000:
    ]
    assert job.new + job.reposts + job.duplicates == Lead.objects.count() > 0


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kill", ["child", "whole worker"])
def test_kill_9_mid_scrape_loses_and_duplicates_nothing(
    site_settings: FixtureSite, tmp_path: Path, kill: str, settings: Any
) -> None:
    from craigleads.recovery import run_recovery_sweep

    settings.SCRAPE_LEASE_SECONDS = 4  # as the workers see it

    env = _worker_env(site_settings, SCRAPE_TEST_HOST_RATE="8")
    worker = _start_worker(env, tmp_path, "w1")
    second = None
    try:
        job = services.create_job(
            site_codes=["sfbay", "seattle"],
            category_codes=["sof", "cpg"],
            max_pages=2,
            base_url=site_settings.base_url,
        )
        _wait_for(lambda: Lead.objects.count() >= 10, 60, "the first leads")
        if kill == "child":
            children = subprocess.run(
                ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
            ).stdout.split()
            assert children, "prefork worker has no child"
            os.kill(int(children[0]), signal.SIGKILL)
        else:
            _stop(worker)
            assert ScrapeJob.objects.get(pk=job.pk).status == ScrapeJob.Status.RUNNING
            second = _start_worker(env, tmp_path, "w2")
            time.sleep(5)  # the dead worker's lease runs out
            run_recovery_sweep()
        _wait_for(lambda: ScrapeJob.objects.get(pk=job.pk).is_finished, 120, "the job")
    finally:
        _stop(worker)
        if second is not None:
            _stop(second)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.SUCCEEDED
    expected = _expected_pids(
        site_settings, ["sfbay", "seattle"], "sof", 2
    ) | _expected_pids(site_settings, ["sfbay", "seattle"], "cpg", 2)
    stored = [int(p) for p in Lead.objects.values_list("post_id", flat=True)]
    assert len(stored) == len(set(stored))
    assert set(stored) >= expected
    assert job.new + job.reposts + job.duplicates == len(stored)
