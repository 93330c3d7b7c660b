"""PostgreSQL drops the console's connections, then refuses new ones for a while.

A live `manage.py serve` keeps answering: each request either succeeds or gets a
clean error (503 with Retry-After, the project's JSON or HTML, never a hung
connection or a traceback), /healthz names the database while it is down, and
requests succeed again afterwards without restarting anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from django.db import connection
from model_bakery import baker
from rest_framework.authtoken.models import Token

from leads.models import Lead

from .harness import RedisServer, database_url, kill_group, start_serve

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
APPLICATION_NAME = "craigleads-faults-console"


@dataclass
class Outcome:
    path: str
    status: int  # 0: no HTTP answer at all
    content_type: str
    body: str
    retry_after: str | None
    error: str = ""


@pytest.fixture
def console(
    transactional_db: Any,
    worker_env: dict[str, str],
    private_redis: RedisServer,
    tmp_path: Path,
) -> Iterator[str]:
    """A production-mode console (DEBUG off, Redis cache and channel layer) on
    the test database."""
    env = {
        **worker_env,
        "DATABASE_URL": f"{database_url()}?application_name={APPLICATION_NAME}",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CRAIGLEADS_VAR_DIR": str(tmp_path / "var"),
        "API_RATE_PER_USER": "100000/hour",
    }
    proc, base = start_serve(env, tmp_path)
    try:
        yield base
    finally:
        kill_group(proc)


def _admin(sql: str, *params: Any) -> Any:
    """Run `sql` on the server's maintenance database (ALTER DATABASE cannot
    target the database it runs in), as the test's own database user."""
    db = connection.settings_dict
    for attempt in range(60):
        try:
            conn = psycopg.connect(
                host=db["HOST"],
                port=db["PORT"],
                user=db["USER"],
                dbname="postgres",
                autocommit=True,
            )
            break
        except psycopg.OperationalError:
            # The server is shared; wait for a free connection slot.
            if attempt == 59:
                raise
            time.sleep(0.5)
    with conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


def _terminate_console_backends() -> int:
    """pg_terminate_backend on the console's sessions only (its connections carry
    their own application_name)."""
    row = _admin(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = %s AND application_name = %s",
        connection.settings_dict["NAME"],
        APPLICATION_NAME,
    )
    return int(row[0])


def _allow_connections(allow: bool) -> None:
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    _admin(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {str(allow).lower()}")


def _get(client: httpx.Client, path: str, headers: dict[str, str]) -> Outcome:
    try:
        r = client.get(path, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(path, 0, "", "", None, f"{type(exc).__name__}: {exc}")
    return Outcome(
        path,
        r.status_code,
        r.headers.get("content-type", ""),
        r.text,
        r.headers.get("retry-after"),
    )


def _clean(outcome: Outcome) -> bool:
    """A success, or a 503 saying so in the project's words; never a traceback."""
    if outcome.status == 200:
        return True
    if (
        outcome.status != 503
        or "Traceback" in outcome.body
        or "psycopg" in outcome.body
    ):
        return False
    if outcome.path == "/healthz":  # its own check, for load balancers
        return '"database"' in outcome.body
    if not outcome.retry_after:
        return False
    if outcome.path.startswith("/api/"):
        return outcome.content_type.startswith("application/json")
    return outcome.content_type.startswith("text/html") and "unavailable" in (
        outcome.body
    )


def test_requests_fail_cleanly_while_the_database_is_gone_and_recover(
    console: str, operator: Any, settings: Any
) -> None:
    from django.test import Client

    lead = baker.make(Lead, title="Python developer", _quantity=5)[0]
    token = Token.objects.create(user=operator).key
    browser = Client()
    browser.force_login(operator)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    api = {"Authorization": f"Token {token}"}
    page = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    requests = [
        ("/api/v1/leads?limit=20", api),
        (f"/api/v1/leads/{lead.pk}", api),
        ("/leads/", page),
        ("/healthz", {}),
    ]

    with httpx.Client(base_url=console, timeout=15) as client:
        for path, headers in requests:
            before = _get(client, path, headers)
            assert before.status == 200, (path, before.status, before.body[:500])

        outcomes: list[Outcome] = []
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(base_url=console, timeout=15) as own:
                while not stop.is_set():
                    for path, headers in requests:
                        outcomes.append(_get(own, path, headers))

        clients = [threading.Thread(target=hammer, daemon=True) for _ in range(4)]
        for thread in clients:
            thread.start()
        dropped = 0
        try:
            # Connections dropped under load: reconnects are allowed to win.
            for _ in range(5):
                time.sleep(0.3)
                dropped += _terminate_console_backends()
            # Then an outage: nothing may connect until it is allowed again.
            _allow_connections(False)
            _terminate_console_backends()
            time.sleep(1.5)
            down = [_get(client, path, headers) for path, headers in requests]
        finally:
            stop.set()
            _allow_connections(True)
            for thread in clients:
                thread.join(timeout=60)

        after = [_get(client, path, headers) for path, headers in requests]

    assert not any(t.is_alive() for t in clients), "a client hung"
    unclean = [o for o in outcomes + down if not _clean(o)]
    assert not unclean, [(o.path, o.status, o.error, o.body[:300]) for o in unclean[:5]]
    assert all(o.status == 503 for o in down), [(o.path, o.status) for o in down]
    health = next(o for o in down if o.path == "/healthz")
    assert '"database"' in health.body and '"down"' in health.body
    assert [o.status for o in after] == [200] * len(requests), [
        (o.path, o.status, o.body[:300]) for o in after
    ]
    assert dropped > 0, "the console's connections should have been terminated"
    assert len(outcomes) > 20, "the clients should have been busy during the drops"
