"""The Playwright fetcher, driving the system Chromium against the fixture site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from scraping.browser import BrowserUnavailable, chromium_available, fetch_rendered
from scraping.clients import DisallowedByRobots, DisallowedPath, FetcherConfig
from scraping.fixture_site import FixtureSite

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(),
        reason=f"no Chromium at {FetcherConfig().chromium_path} (apt install chromium)",
    ),
]
MakeSite = Callable[..., FixtureSite]


def config_for(*sites: FixtureSite, **overrides: Any) -> FetcherConfig:
    values: dict[str, Any] = {
        "contact_email": "ops@craigleads.example.com",
        "allowed_hosts": tuple(site.host_port for site in sites),
        "test_host_rate": 200.0,
        "backoff_base": 0.01,
        "timeout": 5.0,
    }
    values.update(overrides)
    return FetcherConfig(**values)


def test_a_page_drawn_by_javascript_comes_back_rendered(make_site: MakeSite) -> None:
    site = make_site()
    result = fetch_rendered(f"{site.base_url}/jsapp", config=config_for(site))
    assert result.status == 200
    assert "rendered by javascript" in result.text
    assert 'class="no-js"' not in result.text


def test_every_browser_request_goes_through_the_polite_fetcher(
    make_site: MakeSite,
) -> None:
    site = make_site()
    config = config_for(site)
    same_site = quote(f"{site.base_url}/sfbay/search/sof?from=js", safe="")
    fetch_rendered(f"{site.base_url}/jsapp?ext={same_site}", config=config)
    seen = {r.target: r.headers.get("user-agent") for r in site.requests}
    assert seen["/robots.txt"] == config.user_agent
    assert seen["/sfbay/search/sof?from=js"] == config.user_agent  # the script
    assert all(agent == config.user_agent for agent in seen.values())


def test_sub_requests_off_the_allowlist_never_reach_their_host(
    make_site: MakeSite,
) -> None:
    site, trap = make_site(), make_site()
    external = quote(f"{trap.base_url}/steal.js", safe="")
    result = fetch_rendered(
        f"{site.base_url}/jsapp?ext={external}", config=config_for(site)
    )
    assert "rendered by javascript" in result.text
    assert trap.connection_count == 0
    assert trap.requests == []


def test_a_posting_page_renders_with_its_markup(
    fixture_site: FixtureSite,
) -> None:
    posting = next(p for p in fixture_site.postings if p.status == "active")
    result = fetch_rendered(
        fixture_site.posting_url(posting), config=config_for(fixture_site)
    )
    assert result.final_url == fixture_site.posting_url(posting)
    assert '<span id="titletextonly">' in result.text
    assert f"post id: {posting.pid}" in result.text


def test_refused_urls_are_refused_before_chromium_starts(make_site: MakeSite) -> None:
    site = make_site()
    config = config_for(site)
    with pytest.raises(DisallowedByRobots):
        fetch_rendered(f"{site.base_url}/sfbay/fb/sfo/sof/1", config=config)
    with pytest.raises(DisallowedPath):
        fetch_rendered(f"{site.base_url}/sfbay/reply/sfo/sof/1", config=config)
    assert [r.path for r in site.requests] == ["/robots.txt"]


def test_a_missing_chromium_is_reported_clearly(fixture_site: FixtureSite) -> None:
    config = config_for(fixture_site, chromium_path="/nonexistent/chromium")
    with pytest.raises(BrowserUnavailable, match="CHROMIUM_PATH"):
        fetch_rendered(fixture_site.search_url("sfbay", "sof"), config=config)
