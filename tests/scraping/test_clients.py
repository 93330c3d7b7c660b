"""The polite fetcher, against the real fixture site over loopback."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest

from scraping.clients import (
    ContactEmailMissing,
    DisallowedByRobots,
    DisallowedPath,
    FetcherConfig,
    FetchError,
    FetchResult,
    HostNotAllowed,
    HostPolicy,
    HostRateLimiter,
    PoliteFetcher,
    ResponseTooLarge,
    RobotsCache,
    Target,
    TooManyRedirects,
    TransientFetchError,
    fetch_sync,
    is_craigslist_host,
    parse_retry_after,
)
from scraping.fixture_site import FixtureSite

CONTACT = "ops@craigleads.example.com"
MakeSite = Callable[..., FixtureSite]


def config_for(*sites: FixtureSite, **overrides: Any) -> FetcherConfig:
    values: dict[str, Any] = {
        "contact_email": CONTACT,
        "allowed_hosts": tuple(site.host_port for site in sites),
        "test_host_rate": 500.0,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "timeout": 2.0,
        "max_retries": 3,
    }
    values.update(overrides)
    return FetcherConfig(**values)


def fresh_fetcher(config: FetcherConfig, **kwargs: Any) -> PoliteFetcher:
    kwargs.setdefault("rate_limiter", HostRateLimiter())
    kwargs.setdefault("robots_cache", RobotsCache())
    return PoliteFetcher(config, **kwargs)


def fetch(url: str, config: FetcherConfig, **kwargs: Any) -> FetchResult:
    async def _run() -> FetchResult:
        async with fresh_fetcher(config) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(_run())


def fetch_all(urls: list[str], fetcher: PoliteFetcher) -> list[FetchResult]:
    async def _run() -> list[FetchResult]:
        async with fetcher:
            return list(await asyncio.gather(*(fetcher.fetch(u) for u in urls)))

    return asyncio.run(_run())


def hits(site: FixtureSite, query: str) -> list[Any]:
    return [r for r in site.requests if r.query == query]


# 5 requests/s is a 0.2 s interval; a single gap measured where the requests
# arrive may come out a few milliseconds short of it under load.
ARRIVAL_GAP_FLOOR = 0.18


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


async def refuse_resolving(host: str, port: int) -> list[str]:
    raise AssertionError(f"the fetcher tried to resolve {host}")


# -- allowlist and SSRF ------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "craigslist.org",
        "sfbay.craigslist.org",
        "www.craigslist.org",
        "post.craigslist.org",
        "toronto.craigslist.ca",
        "shenzhen.craigslist.com.cn",
        "london.craigslist.co.uk",
        "SFBay.Craigslist.Org.",
    ],
)
def test_craigslist_domains_and_subdomains_are_craigslist_hosts(host: str) -> None:
    assert is_craigslist_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "craigslist.org.evil.com",
        "evilcraigslist.org",
        "craigslist.evil.com",
        "notcraigslist.org",
        "craigslist",
        "sfbay.craigslist.org.127.0.0.1.nip.io",
        "127.0.0.1",
        "craigslist.123",
    ],
)
def test_lookalike_domains_are_not_craigslist_hosts(host: str) -> None:
    assert not is_craigslist_host(host)


def test_a_listed_host_with_a_port_matches_only_that_port() -> None:
    policy = HostPolicy(FetcherConfig(allowed_hosts=("127.0.0.1:8001", "[::1]")))
    assert policy.check("http://127.0.0.1:8001/x").host == "127.0.0.1"
    assert policy.check("http://[::1]:9999/x").host == "::1"
    with pytest.raises(HostNotAllowed):
        policy.check("http://127.0.0.1:8002/x")


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/",
        "http://[::1]:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f.1:{port}/",
        "http://localhost:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "file:///etc/passwd",
        "ftp://sfbay.craigslist.org/",
        "http://sfbay.craigslist.org@127.0.0.1:{port}/",
        "http://sfbay.craigslist.org.127.0.0.1.nip.io:{port}/",
        "not a url",
    ],
)
def test_urls_off_the_allowlist_are_refused_before_any_connection(
    fixture_site: FixtureSite, make_site: MakeSite, template: str
) -> None:
    trap = make_site()
    config = config_for(fixture_site)  # lists the other site's port only
    with pytest.raises(HostNotAllowed):
        fetch(template.format(port=trap.port), config)
    assert trap.connection_count == 0
    assert trap.requests == []


def test_a_private_ip_literal_is_fetched_only_when_listed(make_site: MakeSite) -> None:
    site = make_site()
    assert fetch(f"{site.base_url}/sfbay/search/sof", config_for(site)).status == 200
    with pytest.raises(HostNotAllowed, match="IP literal"):
        fetch(f"{site.base_url}/sfbay/search/sof", config_for())


def test_a_craigslist_name_resolving_to_a_private_address_is_refused_at_connect(
    make_site: MakeSite,
) -> None:
    trap = make_site()
    resolved: list[str] = []

    async def resolve_to_loopback(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["127.0.0.1"]

    async def _run() -> None:
        async with fresh_fetcher(config_for(), resolver=resolve_to_loopback) as f:
            await f.fetch(f"http://sfbay.craigslist.org:{trap.port}/search/sof")

    with pytest.raises(HostNotAllowed, match=r"non-public address 127\.0\.0\.1"):
        asyncio.run(_run())
    assert resolved == ["sfbay.craigslist.org"]
    assert trap.connection_count == 0


def test_craigslist_is_refused_without_a_valid_contact_email() -> None:
    for email in ("", "not-an-address", "Ops <ops@example.com>"):
        config = config_for(contact_email=email)
        with pytest.raises(ContactEmailMissing, match="CRAIGLEADS_CONTACT_EMAIL"):
            asyncio.run(_fetch_with_resolver(config, "https://sfbay.craigslist.org/"))


def test_craigslist_is_refused_while_live_fetching_is_switched_off() -> None:
    config = config_for(live_craigslist=False)
    with pytest.raises(HostNotAllowed, match="switched off"):
        asyncio.run(_fetch_with_resolver(config, "https://sfbay.craigslist.org/"))


async def _fetch_with_resolver(config: FetcherConfig, url: str) -> FetchResult:
    async with fresh_fetcher(config, resolver=refuse_resolving) as fetcher:
        return await fetcher.fetch(url)


# -- robots.txt and the reply rule ---------------------------------------------------


def test_the_user_agent_names_the_product_and_the_contact_address(
    fixture_site: FixtureSite,
) -> None:
    config = config_for(fixture_site)
    fetch(f"{fixture_site.base_url}/sfbay/search/sof?t=ua", config)
    (request,) = hits(fixture_site, "t=ua")
    assert request.headers["user-agent"] == (
        f"craigleads/{config.version} (+mailto:{CONTACT})"
    )


def test_robots_txt_is_fetched_once_per_host_and_then_cached(
    make_site: MakeSite,
) -> None:
    site = make_site()
    fetcher = fresh_fetcher(config_for(site))
    fetch_all([site.search_url("sfbay", c) for c in ("sof", "web", "sad")], fetcher)
    assert len(site.requests_to("/robots.txt")) == 1
    assert len(site.requests_to("/sfbay/search/")) == 3


@pytest.mark.parametrize(
    "path", ["/sfbay/fb/sfo/sof/123", "/flag/?flagCode=28", "/newyork/eaf/x"]
)
def test_paths_disallowed_by_robots_are_refused_without_a_request(
    make_site: MakeSite, path: str
) -> None:
    site = make_site()
    with pytest.raises(DisallowedByRobots):
        fetch(site.base_url + path, config_for(site))
    assert [r.path for r in site.requests] == ["/robots.txt"]


def test_reply_paths_are_refused_even_when_robots_allows_everything(
    make_site: MakeSite,
) -> None:
    site = make_site(robots_txt="User-agent: *\nDisallow:\n")
    for path in ("/reply/sfo/sof/7970000001", "/sfbay/reply/sfo/lab/1/__SERVICE_ID__"):
        with pytest.raises(DisallowedPath):
            fetch(site.base_url + path, config_for(site))
    assert site.requests == []


def test_robots_wildcard_rules_are_honoured(make_site: MakeSite) -> None:
    site = make_site(robots_txt="User-agent: *\nDisallow: /*?lang=\n")
    config = config_for(site)
    assert fetch(site.search_url("sfbay", "sof"), config).status == 200
    with pytest.raises(DisallowedByRobots):
        fetch(site.search_url("sfbay", "sof") + "?lang=fr", config)


def test_a_robots_group_naming_craigleads_applies_to_it(make_site: MakeSite) -> None:
    robots = "User-agent: craigleads\nDisallow: /\n\nUser-agent: *\nDisallow:\n"
    site = make_site(robots_txt=robots)
    with pytest.raises(DisallowedByRobots):
        fetch(site.search_url("sfbay", "sof"), config_for(site))


def test_robots_txt_server_errors_disallow_the_whole_host(make_site: MakeSite) -> None:
    site = make_site(robots_status=500)
    config = config_for(site, max_retries=1)
    with pytest.raises(DisallowedByRobots, match="unreachable"):
        fetch(site.search_url("sfbay", "sof"), config)
    assert {r.path for r in site.requests} == {"/robots.txt"}
    assert len(site.requests) == 2  # retried once, then disallow all


def test_an_unanswered_robots_txt_disallows_the_whole_host(make_site: MakeSite) -> None:
    site = make_site(robots_delay=5)
    config = config_for(site, timeout=0.3, max_retries=0)
    started = time.monotonic()
    with pytest.raises(DisallowedByRobots):
        fetch(site.search_url("sfbay", "sof"), config)
    assert time.monotonic() - started < 2
    assert [r.path for r in site.requests] == ["/robots.txt"]


def test_a_missing_robots_txt_allows_everything(make_site: MakeSite) -> None:
    site = make_site(robots_status=404)
    result = fetch(site.base_url + "/sfbay/fb/sfo/sof/1", config_for(site))
    assert result.status == 404  # fetched: no rules once robots.txt is 404
    assert [r.path for r in site.requests] == ["/robots.txt", "/sfbay/fb/sfo/sof/1"]


def test_a_crawl_delay_longer_than_the_rate_interval_spaces_requests(
    make_site: MakeSite,
) -> None:
    site = make_site(robots_txt="User-agent: *\nCrawl-delay: 0.3\n")
    fetcher = fresh_fetcher(config_for(site))
    fetch_all([site.search_url("sfbay", c) for c in ("sof", "web", "sad")], fetcher)
    arrivals = [r.at for r in site.requests]
    assert len(arrivals) == 4
    assert min(gaps(arrivals)) >= 0.3


# -- rate limit ----------------------------------------------------------------------


def test_concurrent_requests_to_one_host_keep_to_the_rate_limit(
    make_site: MakeSite,
) -> None:
    site = make_site()
    fetcher = fresh_fetcher(config_for(site, test_host_rate=5.0))
    fetch_all([site.search_url("sfbay", "sof", offset=i) for i in range(8)], fetcher)
    arrivals = [r.at for r in site.requests]
    assert len(arrivals) == 9  # robots.txt counts as a request
    # Arrival times carry the server thread's scheduling jitter on a loaded
    # machine; the span over all eight intervals is the exact check.
    assert min(gaps(arrivals)) >= ARRIVAL_GAP_FLOOR
    assert arrivals[-1] - arrivals[0] >= 8 * 0.2


def test_the_rate_limit_is_shared_by_fetchers_in_other_threads(
    make_site: MakeSite,
) -> None:
    site = make_site()
    config = config_for(site, test_host_rate=5.0)
    limiter, robots = HostRateLimiter(), RobotsCache()

    def crawl(offset: int) -> None:
        fetcher = PoliteFetcher(config, rate_limiter=limiter, robots_cache=robots)
        urls = [site.search_url("sfbay", "web", offset=offset + i) for i in range(3)]
        fetch_all(urls, fetcher)

    threads = [threading.Thread(target=crawl, args=(n * 10,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    arrivals = [r.at for r in site.requests if r.path != "/robots.txt"]
    assert len(arrivals) == 6
    every = sorted(r.at for r in site.requests)
    assert min(gaps(every)) >= ARRIVAL_GAP_FLOOR
    assert every[-1] - every[0] >= (len(every) - 1) * 0.2


def test_each_host_has_its_own_rate_limit(make_site: MakeSite) -> None:
    one, two = make_site(), make_site()
    fetcher = fresh_fetcher(config_for(one, two, test_host_rate=5.0))
    urls = [
        s.search_url("sfbay", "sof", offset=i) for i in range(5) for s in (one, two)
    ]
    started = time.monotonic()
    fetch_all(urls, fetcher)
    elapsed = time.monotonic() - started
    assert 5 * 0.2 <= elapsed < 9 * 0.2  # in parallel, not one after the other


def test_craigslist_hosts_never_go_faster_than_one_request_per_second() -> None:
    config = FetcherConfig(
        contact_email=CONTACT, rate_per_host=10.0, allowed_hosts=("127.0.0.1:9",)
    )
    policy = HostPolicy(config)
    craigslist = policy.check("https://sfbay.craigslist.org/search/sof")
    listed = policy.check("http://127.0.0.1:9/x")
    assert craigslist.is_craigslist
    assert policy.interval_for(craigslist) == pytest.approx(1.0 * 1.02)
    assert policy.interval_for(craigslist, crawl_delay=5) == pytest.approx(5 * 1.02)
    assert policy.interval_for(listed) == pytest.approx(1 / 20 * 1.02)
    assert config.craigslist_rate == 1.0


# -- retries, statuses and redirects -------------------------------------------------


def test_429_with_retry_after_is_honoured_before_retrying(
    fixture_site: FixtureSite,
) -> None:
    query = "fault=429&retry_after=1&k=429"
    result = fetch(
        f"{fixture_site.base_url}/sfbay/search/lab?{query}", config_for(fixture_site)
    )
    assert (result.status, result.attempts) == (200, 2)
    first, second = (r.at for r in hits(fixture_site, query))
    assert second - first >= 1.0


def test_a_retry_after_beyond_the_cap_is_handed_to_the_caller(
    fixture_site: FixtureSite,
) -> None:
    query = "fault=503&retry_after=600&times=9&k=cap"
    with pytest.raises(TransientFetchError) as caught:
        fetch(f"{fixture_site.base_url}/x?{query}", config_for(fixture_site))
    assert (caught.value.status, caught.value.retry_after) == (503, 600)
    assert len(hits(fixture_site, query)) == 1


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 10, 21, 7, 27, 30, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT", now=now) == 30
    assert parse_retry_after("Wed, 21 Oct 2026 07:00:00 GMT", now=now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_are_retried_with_backoff_then_succeed(
    fixture_site: FixtureSite, status: int
) -> None:
    query = f"fault={status}&times=2&k=retry"
    result = fetch(
        f"{fixture_site.base_url}/sfbay/search/sad?{query}", config_for(fixture_site)
    )
    assert (result.status, result.attempts) == (200, 3)
    assert [r.status for r in hits(fixture_site, query)] == [status, status, 200]


def test_server_errors_that_outlast_the_retries_raise_a_transient_error(
    fixture_site: FixtureSite,
) -> None:
    query = "fault=500&times=99&k=exhaust"
    with pytest.raises(TransientFetchError) as caught:
        fetch(
            f"{fixture_site.base_url}/x?{query}",
            config_for(fixture_site, max_retries=2),
        )
    assert caught.value.status == 500
    assert len(hits(fixture_site, query)) == 3


def test_a_response_that_never_comes_is_retried_then_raises(
    fixture_site: FixtureSite,
) -> None:
    query = "fault=stall&k=timeout"
    config = config_for(fixture_site, timeout=0.3, max_retries=1)
    with pytest.raises(TransientFetchError, match="attempts"):
        fetch(f"{fixture_site.base_url}/x?{query}", config)
    assert len(hits(fixture_site, query)) == 2


@pytest.mark.parametrize(
    ("query", "status"),
    [("k=missing", 404), ("fault=410&times=9", 410), ("fault=blocked", 403)],
)
def test_client_errors_are_results_and_not_retried(
    fixture_site: FixtureSite, query: str, status: int
) -> None:
    result = fetch(
        f"{fixture_site.base_url}/no/such/page?{query}", config_for(fixture_site)
    )
    assert (result.status, result.attempts) == (status, 1)
    assert result.gone is (status in (404, 410))
    assert len(hits(fixture_site, query)) == 1


def test_an_allowlisted_redirect_is_followed(fixture_site: FixtureSite) -> None:
    url = f"{fixture_site.base_url}/old?fault=redirect&to=/sfbay/search/sof"
    result = fetch(url, config_for(fixture_site))
    assert result.status == 200
    assert result.final_url == fixture_site.search_url("sfbay", "sof")
    assert result.redirects == (fixture_site.search_url("sfbay", "sof"),)


def test_a_redirect_off_the_allowlist_is_refused_without_requesting_it(
    fixture_site: FixtureSite, make_site: MakeSite
) -> None:
    trap = make_site()
    to = quote(f"{trap.base_url}/landing", safe="")
    with pytest.raises(HostNotAllowed):
        fetch(
            f"{fixture_site.base_url}/r?fault=redirect&to={to}",
            config_for(fixture_site),
        )
    assert trap.connection_count == 0
    assert trap.requests == []


def test_a_redirect_to_a_reply_form_is_refused(fixture_site: FixtureSite) -> None:
    to = quote("/sfbay/reply/sfo/sof/7970000001", safe="")
    with pytest.raises(DisallowedPath):
        fetch(
            f"{fixture_site.base_url}/r?fault=redirect&to={to}",
            config_for(fixture_site),
        )
    assert not fixture_site.requests_to("/sfbay/reply")


def test_a_redirect_loop_stops_after_five_hops(make_site: MakeSite) -> None:
    site = make_site()
    url = f"{site.base_url}/loop?fault=redirect"
    with pytest.raises(TooManyRedirects):
        fetch(url, config_for(site))
    assert len(site.requests_to("/loop")) == 6  # the request and five hops


# -- size cap and conditional requests -----------------------------------------------


@pytest.mark.parametrize("declared", ["1", "0"])
def test_a_body_past_the_size_cap_is_aborted(
    fixture_site: FixtureSite, declared: str
) -> None:
    config = config_for(fixture_site, max_bytes=50_000)
    url = f"{fixture_site.base_url}/big?fault=big&size=400000&cl={declared}"
    with pytest.raises(ResponseTooLarge):
        fetch(url, config)
    small = fetch(f"{fixture_site.base_url}/big?fault=big&size=40000", config)
    assert len(small.content) == 40_000


def test_a_conditional_get_answered_304_is_reported_not_modified(
    fixture_site: FixtureSite,
) -> None:
    config = config_for(fixture_site)
    posting = next(p for p in fixture_site.postings if p.status == "active")
    url = fixture_site.posting_url(posting)
    first = fetch(url, config)
    assert first.status == 200 and first.etag and first.last_modified
    assert f"post id: {posting.pid}" in first.text
    by_etag = fetch(url, config, etag=first.etag)
    by_date = fetch(url, config, last_modified=first.last_modified)
    for again in (by_etag, by_date):
        assert (again.status, again.not_modified, again.from_cache) == (304, True, True)
        assert again.content == b""
    changed = fetch(url, config, etag='"something-else"')
    assert changed.status == 200 and not changed.not_modified


# -- entry points -------------------------------------------------------------------


def test_fetch_sync_fetches_from_plain_synchronous_code(
    fixture_site: FixtureSite,
) -> None:
    result = fetch_sync(
        fixture_site.search_url("seattle", "apa"), config=config_for(fixture_site)
    )
    assert result.ok and "cl-static-search-result" in result.text


def test_fetching_outside_the_context_manager_is_a_clear_error(
    fixture_site: FixtureSite,
) -> None:
    fetcher = fresh_fetcher(config_for(fixture_site))
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(fetcher.fetch(fixture_site.search_url("sfbay", "sof")))


def test_the_config_is_built_from_django_settings() -> None:
    from django.conf import settings
    from django.test import override_settings

    if not settings.configured:  # running with -p no:django
        settings.configure()
    with override_settings(
        CRAIGLEADS_CONTACT_EMAIL=CONTACT,
        SCRAPE_ALLOWED_HOSTS=["127.0.0.1:8765"],
        SCRAPE_RATE_PER_HOST=5.0,
        SCRAPE_TEST_HOST_RATE=50.0,
        SCRAPE_MAX_BYTES=1234,
        SCRAPE_TIMEOUT=7.0,
        SCRAPE_MAX_RETRIES=2,
        CHROMIUM_PATH="/opt/chromium",
    ):
        config = FetcherConfig.from_settings(max_retries=1)
    assert config.contact_email == CONTACT
    assert config.allowed_hosts == ("127.0.0.1:8765",)
    assert (config.craigslist_rate, config.test_host_rate) == (1.0, 50.0)
    assert (config.max_bytes, config.timeout, config.max_retries) == (1234, 7.0, 1)
    assert config.chromium_path == "/opt/chromium"
    assert config.user_agent.endswith(f"(+mailto:{CONTACT})")


def test_every_refusal_is_a_fetch_error() -> None:
    for error in (
        HostNotAllowed,
        DisallowedByRobots,
        DisallowedPath,
        ContactEmailMissing,
        ResponseTooLarge,
        TooManyRedirects,
        TransientFetchError,
    ):
        assert issubclass(error, FetchError)
    assert Target("http://a:1/", "http", "a", 1, "/", False).origin == "http://a:1"


def test_a_request_sent_late_pushes_the_next_one_back() -> None:
    now = [0.0]
    limiter = HostRateLimiter(clock=lambda: now[0])
    assert limiter.reserve("h", 1.0) == 0.0
    assert limiter.reserve("h", 1.0) == 1.0  # planned for t=1.0
    now[0] = 0.05  # the first caller only got to send at t=0.05
    assert limiter.confirm("h", 1.0) == 0.0
    now[0] = 1.0  # the second wakes on plan, but must keep a full second
    assert limiter.confirm("h", 1.0) == pytest.approx(0.05)
    now[0] = 1.05
    assert limiter.confirm("h", 1.0) == 0.0
    limiter.pause("h", 30)
    assert limiter.reserve("h", 1.0) == pytest.approx(30)
