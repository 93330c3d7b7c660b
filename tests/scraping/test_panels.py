"""The dashboard's scrape-health panel: the last run, recent failures, and the
searches that keep finding nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from model_bakery import baker

from leads.models import Category
from scraping.models import ParseFailure, SavedSearch, ScrapeJob
from scraping.services import EMPTY_RUNS_ALERT
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
Status = ScrapeJob.Status


def search_rows(html: str) -> dict[str, list[str]]:
    """The saved-search table as {search name: [cells after the name]}."""
    table = html.split('<table class="data search-health">', 1)[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr( class=\"flagged\")?><td>(.*?)</tr>", table, re.S):
        flagged, body = row
        name = re.sub(r"<[^>]+>", "|", body.split("</td>", 1)[0]).split("|")[0]
        cells = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
            for c in re.findall(r"<td.*?</td>", "<td>" + body, re.S)[1:]
        ]
        rows[name.strip()] = [*cells, "flagged" if flagged else ""]
    return rows


def make_search(name: str, **extra: Any) -> SavedSearch:
    return baker.make(
        SavedSearch, name=name, category=Category.objects.get(code="sof"), **extra
    )


def make_job(search: SavedSearch | None, status: str, **extra: Any) -> ScrapeJob:
    return baker.make(ScrapeJob, saved_search=search, status=status, **extra)


def test_each_search_shows_its_last_run_recent_failures_and_silence(
    defaults: None, viewer: Any
) -> None:
    now = timezone.now()
    healthy = make_search("Python remote", last_run_at=now - timedelta(minutes=5))
    make_job(healthy, Status.FAILED, error="connection refused", failures=4)
    make_job(healthy, Status.SUCCEEDED, failures=1, finished_at=now)
    silent = make_search("Rust in Boise", empty_runs=EMPTY_RUNS_ALERT)
    old = make_job(silent, Status.FAILED, failures=9)
    ScrapeJob.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=30))
    make_job(silent, Status.SUCCEEDED)
    paused = make_search("Old idea", active=False, empty_runs=EMPTY_RUNS_ALERT + 2)

    html = client_for(viewer).get("/").content.decode()
    rows = search_rows(html)

    # The silent search comes first and is flagged; a paused one is not alerted.
    assert list(rows) == ["Rust in Boise", "Python remote", "Old idea"]
    assert rows["Rust in Boise"][1:] == ["succeeded", "1", "0", "0", "⚠ 3", "flagged"]
    assert rows["Python remote"][1:] == ["succeeded", "2", "1", "5", "0", ""]
    assert rows["Python remote"][0] == "5 minutes ago"
    assert rows["Old idea"][0] == "never" and rows["Old idea"][-2:] == ["5", ""]
    alert = re.search(r'<div class="alert" role="alert">(.*?)</div>', html, re.S)[1]
    assert "<em>Rust in Boise</em> (3 runs)" in alert and paused.name not in alert


def test_the_overview_counts_the_week_and_names_the_latest_run(
    defaults: None, viewer: Any
) -> None:
    search = make_search("Python remote")
    ancient = make_job(None, Status.FAILED, failures=50)
    ScrapeJob.objects.filter(pk=ancient.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    make_job(None, Status.FAILED, failures=2)
    make_job(None, Status.RUNNING)
    make_job(search, Status.FAILED, error="<b>403</b> from the server")
    baker.make(ParseFailure, resolved=False, _quantity=2)
    baker.make(ParseFailure, resolved=True)

    html = client_for(viewer).get("/").content.decode()
    health = html.split('<dl class="fields health">', 1)[1].split("</dl>")[0]
    text = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", health.replace("</dt>", " </dt>"))
    )

    assert "Last run failed now · Python remote" in text
    assert "3 jobs, 2 failed, 2 pages not fetched or parsed" in text
    assert "Running now 1 " in text and "Unresolved parse failures 2 " in text
    # Error text from the network is shown, escaped.
    assert "&lt;b&gt;403&lt;/b&gt; from the server" in health


def test_without_searches_or_runs_the_panel_says_what_to_do(viewer: Any) -> None:
    html = client_for(viewer).get("/").content.decode()
    assert "No saved searches yet. Save one on the" in html
    health = html.split('<dl class="fields health">', 1)[1].split("</dl>")[0]
    assert "never" in health
    assert 'role="alert"' not in html


def test_many_searches_show_the_first_ones_and_point_to_the_rest(
    defaults: None, viewer: Any
) -> None:
    for i in range(30):
        make_search(f"search {i:02}")
    html = client_for(viewer).get("/").content.decode()
    assert len(search_rows(html)) == 25
    assert "And 5 more on the" in html
