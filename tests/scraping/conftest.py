"""Fixtures for the scraping tests: the loopback Craigslist look-alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from scraping.fixture_site import FixtureSite


@pytest.fixture(scope="session")
def fixture_site() -> Iterator[FixtureSite]:
    """One fixture site for the whole session, on a free port (seed 1, 400 postings).

    Shared: tests that count requests use their own paths or query strings, or
    a site from `make_site`.
    """
    with FixtureSite(port=0, seed=1) as site:
        yield site


@pytest.fixture
def make_site() -> Iterator[Callable[..., FixtureSite]]:
    """Start extra fixture sites (robots.txt variants, traps); stopped afterwards."""
    started: list[FixtureSite] = []

    def _make(**kwargs: Any) -> FixtureSite:
        kwargs.setdefault("count", 60)
        site = FixtureSite(port=0, **kwargs).start()
        started.append(site)
        return site

    yield _make
    for site in started:
        site.stop()
