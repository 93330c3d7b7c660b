"""Fixtures for the fault tests: a private Redis broker that this test process
and its workers share, and a clean worker environment on the test database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import RedisServer, database_url


def _point_celery_at(url: str) -> str:
    """Make this process publish to `url`; returns the previous broker URL.

    Celery caches its connection and producer pools, and kombu keeps them in a
    process-wide registry keyed by broker URL: both are emptied, so the tests
    that follow get fresh pools instead of closed ones.
    """
    from kombu import pools

    from craigleads.celery import app

    previous = str(app.conf.broker_url)
    pools.reset()
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    return previous


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own (never the shared one on 6379), used as
    the Celery broker by this process and by every worker the test starts.

    Nothing else publishes to it, so the queue lengths a test reads are its own.
    """
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = RedisServer(workdir).start()
    previous = _point_celery_at(server.url)
    try:
        yield server
    finally:
        _point_celery_at(previous)
        server.kill()


@pytest.fixture
def worker_env(private_redis: RedisServer, settings: Any) -> dict[str, str]:
    """Environment for worker subprocesses: the test database, the private broker
    (the channel layer and cache too, so nothing reaches the shared Redis)."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=private_redis.url,
        CACHE_URL=private_redis.url.replace("/0", "/1"),
        SECRET_KEY=settings.SECRET_KEY,
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def scrape_site(settings: Any, defaults: None) -> Iterator[Any]:
    """The loopback Craigslist look-alike (seed 1), allowed for this process."""
    from scraping.fixture_site import FixtureSite

    with FixtureSite(port=0, seed=1) as site:
        settings.SCRAPE_ALLOWED_HOSTS = [site.host_port]
        yield site


@pytest.fixture
def ready(defaults: None) -> None:
    """Criteria under which a remote Python job scores well enough for a draft."""
    from qualification.models import Criterion

    Criterion.objects.filter(type="keywords").update(
        config={"required": ["python"], "nice_to_have": ["fastapi"], "synonyms": {}}
    )
    Criterion.objects.filter(type="salary").update(
        config={"min_annual": 100000, "max_annual": 160000}
    )
