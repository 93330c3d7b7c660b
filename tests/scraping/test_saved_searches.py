"""Saved searches: the beat dispatcher claims due searches once, and a search that
keeps finding nothing raises an alert on the Scrapes page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from model_bakery import baker

from leads.models import Category, Site
from scraping import services
from scraping.fixture_site import FixtureSite
from scraping.models import SavedSearch, ScrapeJob
from tests.conftest import client_for


@pytest.fixture
def search(settings: Any, fixture_site: FixtureSite, defaults: None) -> SavedSearch:
    settings.SCRAPE_ALLOWED_HOSTS = [fixture_site.host_port]
    settings.SCRAPE_TEST_HOST_RATE = 200.0
    saved = baker.make(
        SavedSearch,
        name="Bay Area Python",
        category=Category.objects.get(code="sof"),
        query="python",
        base_url=fixture_site.base_url,
        max_pages=1,
        interval_minutes=30,
        next_run_at=timezone.now() - timedelta(minutes=1),
    )
    saved.sites.set(Site.objects.filter(code="sfbay"))
    return saved


def test_dispatcher_starts_a_due_search_once_and_schedules_the_next_run(
    search: SavedSearch,
) -> None:
    started = services.dispatch_due_searches()
    assert len(started) == 1
    job = ScrapeJob.objects.get(pk=started[0])
    assert job.saved_search == search and job.keywords == "python"
    assert services.dispatch_due_searches() == []  # claimed: not due again yet
    search.refresh_from_db()
    assert search.next_run_at > timezone.now() + timedelta(minutes=29)


def test_paused_and_future_searches_are_not_dispatched(search: SavedSearch) -> None:
    services.set_search_active(search_id=search.pk, active=False)
    assert services.dispatch_due_searches() == []
    services.set_search_active(search_id=search.pk, active=True)
    SavedSearch.objects.filter(pk=search.pk).update(
        next_run_at=timezone.now() + timedelta(hours=1)
    )
    assert services.dispatch_due_searches() == []


def test_a_search_finding_nothing_three_runs_in_a_row_raises_an_alert(
    search: SavedSearch, operator: Any
) -> None:
    SavedSearch.objects.filter(pk=search.pk).update(query="zzzz-no-such-thing")
    for _ in range(services.EMPTY_RUNS_ALERT):
        SavedSearch.objects.filter(pk=search.pk).update(next_run_at=timezone.now())
        (job_id,) = services.dispatch_due_searches()
        while services.run_job_chunk(job_id=job_id).more:
            pass
    search.refresh_from_db()
    assert search.empty_runs == services.EMPTY_RUNS_ALERT
    page = client_for(operator).get("/scrapes/").content.decode()
    assert "found nothing in several runs in a row" in page
    assert "Bay Area Python" in page


def test_operator_creates_and_pauses_a_saved_search_from_the_page(
    operator: Any, defaults: None, fixture_site: FixtureSite, settings: Any
) -> None:
    client = client_for(operator)
    sfbay = Site.objects.get(code="sfbay")
    response = client.post(
        "/scrapes/searches/",
        {
            "name": "Gigs",
            "sites": [sfbay.pk],
            "category": Category.objects.get(code="cpg").pk,
            "query": "",
            "base_url": fixture_site.base_url,
            "max_pages": 2,
            "interval_minutes": 60,
            "active": "on",
        },
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(name="Gigs")
    assert saved.owner == operator and list(saved.sites.all()) == [sfbay]
    client.post(f"/scrapes/searches/{saved.pk}/toggle/")
    saved.refresh_from_db()
    assert saved.active is False
    bad = client.post("/scrapes/searches/", {"name": ""}, follow=True)
    assert "Check the saved search" in bad.content.decode()
    assert SavedSearch.objects.count() == 1


def test_operator_edits_a_saved_search_and_bad_input_changes_nothing(
    search: SavedSearch, operator: Any, viewer: Any
) -> None:
    client = client_for(operator)
    page = client.get(f"/scrapes/searches/{search.pk}/")
    assert page.status_code == 200 and "Bay Area Python" in page.content.decode()
    two = list(Site.objects.filter(code__in=["sfbay", "newyork"]).order_by("pk"))
    form = {
        "name": "Python, two cities",
        "sites": [site.pk for site in two],
        "category": search.category_id,
        "query": "django",
        "base_url": search.base_url,
        "max_pages": 2,
        "interval_minutes": 120,
    }
    assert client.post(f"/scrapes/searches/{search.pk}/", form).status_code == 302
    search.refresh_from_db()
    assert search.name == "Python, two cities" and search.query == "django"
    assert list(search.sites.order_by("pk")) == two
    assert search.interval_minutes == 120 and search.active is False

    bad = client.post(
        f"/scrapes/searches/{search.pk}/", {**form, "name": "", "max_pages": "x"}
    )
    assert bad.status_code == 400
    assert "nothing was saved" in bad.content.decode()
    search.refresh_from_db()
    assert search.name == "Python, two cities"
    # viewers may read the Scrapes page but not change a search
    assert client_for(viewer).get(f"/scrapes/searches/{search.pk}/").status_code == 403
