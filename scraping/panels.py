"""Dashboard panel for the scrapers: last run, failures, silent searches.

Registered with `leads.panels` (found by autodiscovery), so the dashboard in
`leads` shows it without importing this app.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from leads.panels import register

from . import selectors
from .services import EMPTY_RUNS_ALERT

RECENT = timedelta(days=7)
SEARCHES_SHOWN = 25


@register("scrape-health", order=20, template="scraping/panels/scrape_health.html")
def scrape_health_panel(user: Any) -> dict[str, Any] | None:
    """Per saved search: when it last ran, how that run ended, the failed jobs
    and pages of the last week, and whether it has found nothing
    `EMPTY_RUNS_ALERT` runs in a row (the console's alert)."""
    if not (
        user.has_perm("scraping.view_scrapejob")
        and user.has_perm("scraping.view_savedsearch")
    ):
        return None
    since = timezone.now() - RECENT
    searches = selectors.saved_search_health(
        since=since, alert_after=EMPTY_RUNS_ALERT, limit=SEARCHES_SHOWN
    )
    total = selectors.count_saved_searches()
    return {
        "overview": selectors.scrape_overview(since=since),
        "searches": searches,
        "silent": [s for s in searches if s.silent],  # type: ignore[attr-defined]
        "more": max(0, total - len(searches)),
        "alert_after": EMPTY_RUNS_ALERT,
        "recent_days": RECENT.days,
    }
