"""Shared fixtures: one persona per role, and skips for tests whose service is
not configured in this run (the SQLite run leaves those to the PostgreSQL run)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from craigleads.accounts import create_user

PASSWORD = "a-long-test-passphrase-42"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    chromium = os.environ.get("CHROMIUM_PATH", settings.CHROMIUM_PATH)
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL")
            )
        if (
            "redis" in item.keywords or "celery_worker" in item.keywords
        ) and not settings.REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs REDIS_URL"))
        if "browser" in item.keywords and not os.path.exists(chromium):
            item.add_marker(pytest.mark.skip(reason=f"no Chromium at {chromium}"))


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Throttle and lock-out counters live in the cache; each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 at full strength costs ~0.3 s per persona; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_dashboard(settings: Any) -> None:
    # Tests change data between two views of the dashboard; its cache has its own test.
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def make_user(db: Any):
    def make(role: str, username: str | None = None) -> Any:
        user, _ = create_user(
            username=username or f"{role}-user", role=role, password=PASSWORD
        )
        return user

    return make


@pytest.fixture
def admin_user(make_user: Any) -> Any:
    return make_user("admin")


@pytest.fixture
def operator(make_user: Any) -> Any:
    return make_user("operator")


@pytest.fixture
def reviewer(make_user: Any) -> Any:
    return make_user("reviewer")


@pytest.fixture
def viewer(make_user: Any) -> Any:
    return make_user("viewer")


@pytest.fixture
def roleless(db: Any) -> Any:
    """Someone with an account but no role, who must be refused everywhere."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("nobody", password=PASSWORD)


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def defaults(db: Any) -> None:
    from django.core.management import call_command

    call_command("load_defaults", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
