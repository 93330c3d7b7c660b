"""The dashboard: charts with the same figures as tables, the volume split by
category or site, the panels other apps register, empty states, roles, and a
query budget that does not grow with the data."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from model_bakery import baker

from leads import panels
from leads.models import Category, Lead, Site
from responses.models import Draft
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_dashboard_embeds_chart_data_and_tables(viewer: Any, defaults: None) -> None:
    sof, cpg = Category.objects.get(code="sof"), Category.objects.get(code="cpg")
    for i, (category, grade) in enumerate([(sof, "A"), (sof, "B"), (cpg, "B")]):
        baker.make(
            Lead,
            url=f"https://x.craigslist.org/{i}.html",
            category=category,
            qualification_grade=grade,
        )
    html = client_for(viewer).get("/").content.decode()
    volume = json.loads(
        re.search(r'id="volume-data"[^>]*>(.*?)</script>', html).group(1)
    )
    assert sum(volume["series"]["sof"]) == 2 and sum(volume["series"]["cpg"]) == 1
    grades = json.loads(
        re.search(r'id="grade-data"[^>]*>(.*?)</script>', html).group(1)
    )
    assert grades == {"labels": list("ABCDF"), "series": {"leads": [1, 2, 0, 0, 0]}}
    assert 'data-chart="bar"' in html and "chart-4.6.1.umd.min.js" in html
    assert '<th class="n">sof</th>' in html  # the table behind the chart


# --- volume by site, fragments, bad input ------------------------------------------


def make_leads(n: int, *, start: int = 0, **extra: Any) -> list[Lead]:
    sites = list(Site.objects.order_by("code")[:3])
    categories = list(Category.objects.filter(code__in=["sof", "cpg", "web"]))
    return [
        baker.make(
            Lead,
            url=f"https://x.craigslist.org/lead-{start + i}.html",
            site=sites[i % len(sites)],
            category=categories[i % len(categories)],
            qualification_grade="ABCDF"[i % 5],
            contact_name=f"Pat Secret{start + i}",
            contact_email=f"pat.secret{start + i}@hidden-example.com",
            contact_phone="415-555-0199",
            **extra,
        )
        for i in range(n)
    ]


def chart_data(html: str, element_id: str) -> dict[str, Any]:
    return json.loads(
        re.search(rf'id="{element_id}"[^>]*>(.*?)</script>', html).group(1)
    )


def test_the_volume_chart_splits_by_site_on_request(
    viewer: Any, defaults: None
) -> None:
    sfbay, boston = Site.objects.get(code="sfbay"), Site.objects.get(code="boston")
    for i, site in enumerate([sfbay, sfbay, boston]):
        baker.make(Lead, url=f"https://x.craigslist.org/{i}.html", site=site)
    client = client_for(viewer)

    page = client.get("/?by=site").content.decode()
    volume = chart_data(page, "volume-data")
    assert volume["by"] == "site"
    assert sum(volume["series"]["sfbay"]) == 2 and sum(volume["series"]["boston"]) == 1
    assert '<th class="n">sfbay</th>' in page  # the table behind the chart
    # The toggle is a plain link, so it works without JavaScript too.
    assert '<a href="?by=site#volume-card" aria-current="true">by site</a>' in page
    by_category = chart_data(client.get("/").content.decode(), "volume-data")
    assert by_category["by"] == "category" and "sfbay" not in by_category["series"]


def test_a_day_without_leads_is_a_zero_on_the_time_axis(
    viewer: Any, defaults: None
) -> None:
    sof = Category.objects.get(code="sof")
    for i, days_ago in enumerate([0, 3]):
        lead = baker.make(Lead, url=f"https://x.craigslist.org/{i}.html", category=sof)
        Lead.objects.filter(pk=lead.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    volume = chart_data(client_for(viewer).get("/").content.decode(), "volume-data")
    assert len(volume["labels"]) == 4
    assert volume["series"] == {"sof": [1, 0, 0, 1]}


def test_an_unknown_split_is_refused_naming_the_choices(viewer: Any) -> None:
    response = client_for(viewer).get("/?by=<b>weather</b>")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "not a way to split the volume: use category or site" in text


def test_the_latest_leads_fragment_still_refreshes_on_its_own(
    viewer: Any, defaults: None
) -> None:
    make_leads(2)
    fragment = (
        client_for(viewer)
        .get("/", headers={"HX-Request": "true", "HX-Target": "recent-leads"})
        .content.decode()
    )
    assert fragment.lstrip().startswith('<div id="recent-leads"')
    assert fragment.count('<tr><td><a href="/leads/') == 2


def test_the_counters_refresh_live_and_cached_figures_follow_changes(
    settings: Any, monkeypatch: Any, viewer: Any, defaults: None
) -> None:
    from craigleads import events

    settings.DASHBOARD_CACHE_SECONDS = 30
    make_leads(2)
    client = client_for(viewer)
    page = client.get("/").content.decode()
    assert 'id="dashboard-stats"' in page and 'hx-trigger="lead-created' in page
    live = {"HX-Request": "true", "HX-Target": "dashboard-stats"}
    first = client.get("/", headers=live).content.decode()
    assert first.lstrip().startswith('<section class="stats" id="dashboard-stats"')
    assert re.search(r'<span class="num">2</span><span class="label">leads', first)

    make_leads(3, start=10)  # rows written without an event: the cache holds
    assert client.get("/", headers=live).content.decode() == first
    events.note_change()  # what every console event does
    # within a few seconds of a change the cached figures may still be shown ...
    monkeypatch.setattr(panels, "STALE_AFTER_CHANGE", 3600.0)
    assert client.get("/", headers=live).content.decode() == first
    # ... after that they are computed again, for the counters and the charts
    monkeypatch.setattr(panels, "STALE_AFTER_CHANGE", 0.0)
    later = client.get("/", headers=live).content.decode()
    assert re.search(r'<span class="num">5</span><span class="label">leads', later)
    charts = client.get("/").content.decode()
    assert sum(chart_data(charts, "grade-data")["series"]["leads"]) == 5


# --- empty states, roles ------------------------------------------------------------


def test_an_empty_console_explains_every_panel(viewer: Any) -> None:
    html = client_for(viewer).get("/").content.decode()
    for sentence in (
        "No leads in the last 30 days.",
        "No lead has been scored yet.",
        "No reply drafts yet.",
        "No A/B test is running.",
        "No decisions yet",
        "No saved searches yet.",
        "Nothing yet. New leads appear here as they are scraped.",
    ):
        assert sentence in html, sentence
    assert "<canvas" not in html  # no empty charts


def test_panels_come_in_their_registered_order(viewer: Any) -> None:
    html = client_for(viewer).get("/").content.decode()
    ids = re.findall(r'id="panel-([\w-]+)"', html)
    assert ids == ["scrape-health", "funnel", "learning", "ab-tests"]
    assert [p.name for p in panels.registered()] == [
        "scrape-health",
        "funnel",
        "learning",
        "ab-tests",
    ]


def test_a_viewer_sees_the_dashboard_without_contact_details(
    viewer: Any, reviewer: Any, defaults: None
) -> None:
    leads = make_leads(6)
    for lead in leads[:3]:
        baker.make(
            Draft,
            lead=lead,
            to_email=lead.contact_email,
            state=Draft.State.PENDING_REVIEW,
        )
    for user in (viewer, reviewer):
        html = client_for(user).get("/").content.decode()
        assert "panel-funnel" in html and "Latest leads" in html
        assert "hidden-example.com" not in html
        assert "Secret" not in html and "555-0199" not in html


def test_someone_without_a_role_is_refused(roleless: Any) -> None:
    assert client_for(roleless).get("/").status_code == 403
    assert client_for(None).get("/").status_code == 302


def test_scraped_text_on_the_dashboard_is_escaped(viewer: Any, defaults: None) -> None:
    baker.make(
        Lead,
        url="https://x.craigslist.org/evil.html",
        title="<script>alert(1)</script> Dev",
    )
    html = client_for(viewer).get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Dev" in html


# --- the registry -------------------------------------------------------------------


def test_a_provider_returning_none_leaves_its_panel_out(
    viewer: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(panels, "_registry", dict(panels._registry))
    calls = []

    @panels.register("hidden", order=1, template="leads/dashboard.html")
    def hidden(user: Any) -> dict[str, Any] | None:
        calls.append(user.pk)
        return None

    html = client_for(viewer).get("/").content.decode()
    assert calls == [viewer.pk]
    assert html.count("<h1>Dashboard</h1>") == 1


def test_two_providers_cannot_share_a_panel_name(monkeypatch: Any) -> None:
    monkeypatch.setattr(panels, "_registry", dict(panels._registry))

    def other(user: Any) -> dict[str, Any] | None:
        return {}

    with pytest.raises(ValueError, match="'funnel' is already registered by"):
        panels.register("funnel", order=1, template="x.html")(other)
    with pytest.raises(ValueError, match="needs a name and a template"):
        panels.register("", order=1, template="x.html")


# --- query budget -------------------------------------------------------------------

# Session, user, permissions, the lead figures, and a few per panel; the point
# is that it stays put as the data grows.
QUERY_BUDGET = 28


def fill(n: int, start: int) -> None:
    """`n` more of every row the dashboard reads: leads with drafts (some in A/B
    tests), A/B tests, saved searches with jobs, feedback, versions."""
    from learning.models import AgentVersion, Feedback
    from responses.models import ABTest, ABVariant, ResponseTemplate
    from scraping.models import ParseFailure, SavedSearch, ScrapeJob

    leads = make_leads(n, start=start, qualification_passed=True)
    template = baker.make(ResponseTemplate, name=f"t{start}")
    for i, lead in enumerate(leads):
        test = ABTest.objects.create(name=f"test {start + i}", min_sample=1)
        ABVariant.objects.create(
            test=test, name="A", template=template, is_control=True
        )
        ABVariant.objects.create(test=test, name="B", template=template)
        baker.make(
            Draft,
            lead=lead,
            ab_test=test,
            variant="AB"[i % 2],
            state=[Draft.State.SENT, Draft.State.DELIVERED, Draft.State.APPROVED][
                i % 3
            ],
            outcome=["reply", "interview", ""][i % 3],
        )
        search = baker.make(
            SavedSearch,
            name=f"search {start + i}",
            category=lead.category,
            empty_runs=i % 4,
        )
        baker.make(ScrapeJob, saved_search=search, status="failed", _quantity=2)
        baker.make(ParseFailure)
        baker.make(
            Feedback, lead=lead, kind="approved", advice="skip", reward=1, state_key="s"
        )
        baker.make(AgentVersion, version=start + i + 1, epsilon=0.5, agreement=0.5)


def test_the_dashboard_costs_the_same_queries_for_2_or_30_of_everything(
    viewer: Any, defaults: None, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(viewer)
    fill(2, start=0)
    client.get("/")  # warm the session and the content types
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    fill(28, start=2)
    with django_assert_max_num_queries(QUERY_BUDGET):
        html = client.get("/").content.decode()
    with CaptureQueriesContext(connection) as large:
        client.get("/")
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert "And 5 more on the" in html  # 30 searches, 25 shown
    assert html.count("<h3>test ") == 10  # the newest ten running tests


def test_figures_are_cached_per_role_set_and_recomputed_after_the_ttl(
    settings: Any, defaults: None, viewer: Any, operator: Any, make_user: Any
) -> None:
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 30
    make_leads(3)
    first = client_for(viewer).get("/").content.decode()
    assert chart_data(first, "grade-data")["series"]["leads"] == [1, 1, 1, 0, 0]
    make_leads(2, start=10)
    # another viewer shares the cached figures; the latest leads list is live
    other = make_user("viewer", username="second-viewer")
    again = client_for(other).get("/").content.decode()
    assert chart_data(again, "grade-data")["series"]["leads"] == [1, 1, 1, 0, 0]
    recent = again[again.index('id="recent-leads"') :]
    recent = recent[: recent.index("</table>")]
    assert recent.count("<tr>") == 1 + 5  # the live list already shows all five
    # an operator (another role set) computes its own, current figures
    fresh = client_for(operator).get("/").content.decode()
    assert chart_data(fresh, "grade-data")["series"]["leads"] == [2, 2, 1, 0, 0]
    cache.clear()  # as when the 30 s are up
    later = client_for(viewer).get("/").content.decode()
    assert chart_data(later, "grade-data")["series"]["leads"] == [2, 2, 1, 0, 0]
