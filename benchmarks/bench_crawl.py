"""Crawl benchmark: does the fetcher use, and never exceed, 1 request/second per host?

Starts several fixture sites (one per "virtual host": same data, own port), lists
them as test hosts at SCRAPE_TEST_HOST_RATE=1.0 so they get Craigslist's rate, and
crawls them concurrently for a while: search pages, their next pages and the
postings they link to, several workers per host. Arrival times come from the
fixture sites' own request logs.

    .venv/bin/python benchmarks/bench_crawl.py [--duration 25] [--hosts 3] [--workers 3]

Goal: per host, achieved rate / limit >= 0.95 and never above 1.0; no 1-second
window holds more than one request.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraping.clients import (
    FetcherConfig,
    FetchError,
    HostRateLimiter,
    PoliteFetcher,
    RobotsCache,
)
from scraping.fixture_site import CATEGORIES, FixtureSite

HREF = re.compile(r'<a href="([^"]+)"')
NEXT = re.compile(r'<link rel="next" href="([^"]+)"')
SITES = ("sfbay", "newyork", "seattle", "phoenix", "milwaukee")


async def crawl_host(
    fetcher: PoliteFetcher,
    site: FixtureSite,
    city: str,
    workers: int,
    deadline: float,
    outcomes: Counter[str],
) -> None:
    """Breadth-first crawl of one host until the deadline."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    seen: set[str] = set()
    for category in CATEGORIES:
        url = site.search_url(city, category)
        seen.add(url)
        queue.put_nowait(url)

    async def worker() -> None:
        while time.monotonic() < deadline:
            url = await queue.get()
            try:
                result = await fetcher.fetch(url)
            except FetchError as exc:
                outcomes[type(exc).__name__] += 1
                continue
            outcomes[str(result.status)] += 1
            if "/search/" not in url:
                continue
            links = NEXT.findall(result.text) + [
                href for href in HREF.findall(result.text) if href.endswith(".html")
            ]
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.put_nowait(link)

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    await asyncio.sleep(max(0.0, deadline - time.monotonic()))
    for task in tasks:  # workers may be asleep in the rate limiter
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """Most arrivals in any half-open window [t, t + window)."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run(duration: float, hosts: int, workers: int, rate: float) -> int:
    sites = [FixtureSite(port=0, seed=1).start() for _ in range(hosts)]
    try:
        config = FetcherConfig(
            contact_email="bench@craigleads.example.com",
            allowed_hosts=tuple(s.host_port for s in sites),
            test_host_rate=rate,
            max_retries=2,
        )
        outcomes: Counter[str] = Counter()
        started = time.monotonic()
        deadline = started + duration
        fetcher = PoliteFetcher(
            config, rate_limiter=HostRateLimiter(), robots_cache=RobotsCache()
        )
        async with fetcher:
            await asyncio.gather(
                *(
                    crawl_host(
                        fetcher, s, SITES[i % len(SITES)], workers, deadline, outcomes
                    )
                    for i, s in enumerate(sites)
                )
            )
    finally:
        for site in sites:
            site.stop()

    print(
        f"crawl: {hosts} hosts x {workers} workers, {duration:.0f} s, limit {rate:g}/s"
    )
    header = (
        f"{'host':<18} {'requests':>8} {'rate/s':>7} {'of limit':>8} "
        f"{'min gap s':>9} {'max in 1 s':>10}"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for site in sites:
        times = sorted(r.at for r in site.requests)
        n = len(times)
        span = times[-1] - times[0] if n > 1 else 0.0
        achieved = (n - 1) / span if span else 0.0
        fraction = achieved / rate
        min_gap = min((b - a for a, b in itertools.pairwise(times)), default=0)
        peak = max_in_window(times, 1.0 / rate)
        print(
            f"{site.host_port:<18} {n:>8} {achieved:>7.3f} {fraction:>8.3f} "
            f"{min_gap:>9.3f} {peak:>10}"
        )
        failed |= fraction < 0.95 or fraction > 1.0 or peak > 1
    print(f"outcomes: {dict(outcomes)}")
    print("PASS" if not failed else "FAIL: outside 0.95-1.0 of the limit")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=25.0)
    parser.add_argument("--hosts", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rate", type=float, default=1.0)
    args = parser.parse_args()
    return asyncio.run(run(args.duration, args.hosts, args.workers, args.rate))


if __name__ == "__main__":
    sys.exit(main())
