"""Rate limits: API requests per user, scrape jobs per minute, and the
failed-login lock-out, each answering 429 with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from craigleads.models import AuditEvent
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def test_api_requests_beyond_the_hourly_rate_get_429(
    monkeypatch: pytest.MonkeyPatch, viewer: Any
) -> None:
    from rest_framework.throttling import SimpleRateThrottle

    # DRF reads the rates once into a class attribute; patch it for this test.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/hour", "anon": None}
    )
    client = client_for(viewer)
    assert [client.get("/api/v1/leads").status_code for _ in range(3)] == [200] * 3
    limited = client.get("/api/v1/leads")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0


def test_starting_more_than_ten_scrape_jobs_a_minute_is_refused(
    settings: Any, operator: Any, defaults: None
) -> None:
    from leads.models import Site

    settings.SCRAPE_ALLOWED_HOSTS = ["127.0.0.1:9"]
    body = {
        "location_ids": [Site.objects.get(code="sfbay").pk],
        "categories": ["sof"],
        "base_url": "http://127.0.0.1:9",
    }
    client = client_for(operator)
    codes = [
        client.post(
            "/api/v1/scraper/jobs", body, content_type="application/json"
        ).status_code
        for _ in range(settings.SCRAPE_JOBS_PER_MINUTE)
    ]
    assert codes == [201] * settings.SCRAPE_JOBS_PER_MINUTE
    refused = client.post("/api/v1/scraper/jobs", body, content_type="application/json")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert "10 scrape jobs a minute" in refused.json()["detail"]


def test_the_scrape_limit_counts_any_sixty_seconds_from_the_console(
    settings: Any, operator: Any, defaults: None
) -> None:
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from scraping.models import ScrapeJob

    settings.SCRAPE_ALLOWED_HOSTS = ["127.0.0.1:9"]
    form = {
        "sites": ["sfbay"],
        "category": "sof",
        "max_pages": 1,
        "base_url": "http://127.0.0.1:9",
    }
    client = client_for(operator)
    url = reverse("scraping:start")
    for _ in range(settings.SCRAPE_JOBS_PER_MINUTE):
        assert client.post(url, form).status_code == 302
    assert ScrapeJob.objects.count() == settings.SCRAPE_JOBS_PER_MINUTE

    # Started 55 s ago, whatever the clock's minute: still inside the window.
    ScrapeJob.objects.update(created_at=timezone.now() - timedelta(seconds=55))
    refused = client.post(url, form)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 6
    assert "10 scrape jobs a minute" in refused.content.decode()
    assert client.post(url, form).status_code == 429  # refusals add no job
    assert ScrapeJob.objects.count() == settings.SCRAPE_JOBS_PER_MINUTE

    ScrapeJob.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert client.post(url, form).status_code == 302


def test_five_failed_logins_lock_that_username_from_that_address(
    make_user: Any,
) -> None:
    make_user("viewer", username="vic")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert (
            client.post("/login/", {"username": "vic", "password": "wrong"}).status_code
            == 200
        )
    locked = client.post("/login/", {"username": "vic", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert (
        AuditEvent.objects.filter(action="auth.locked_out", actor_name="vic").count()
        == 1
    )
    elsewhere = Client(REMOTE_ADDR="198.51.100.2")
    assert (
        elsewhere.post("/login/", {"username": "vic", "password": PASSWORD}).status_code
        == 302
    )
