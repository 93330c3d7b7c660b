"""/healthz, the event socket and the API's authentication."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from rest_framework.authtoken.models import Token

from craigleads import events
from craigleads.asgi import application

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_is_ok_on_the_embedded_defaults(client: Client, db: Any) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "broker", "channel_layer"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path: Path):
    """A Redis of our own, so a test can stop it without touching the shared one."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield proc, f"redis://127.0.0.1:{port}/0"
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.mark.redis
def test_healthz_is_503_naming_redis_when_redis_stops(
    client: Client, db: Any, settings: Any, private_redis: Any
) -> None:
    proc, url = private_redis
    settings.REDIS_URL = url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [url]},
        }
    }
    assert client.get("/healthz").status_code == 200
    proc.kill()
    proc.wait()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert set(response.json()["down"]) == {"broker", "channel_layer"}
    assert response.json()["checks"]["database"]["ok"] is True


def _session_headers(user: Any) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    key = client.cookies["sessionid"].value
    return [(b"cookie", f"sessionid={key}".encode()), (b"origin", b"http://testserver")]


@pytest.mark.django_db(transaction=True)
def test_logged_in_socket_receives_published_events(viewer: Any) -> None:
    headers = _session_headers(viewer)

    async def scenario() -> dict[str, Any]:
        communicator = WebsocketCommunicator(
            application, "/ws/events/", headers=headers
        )
        connected, _ = await communicator.connect()
        assert connected
        await database_sync_to_async(events.publish)("lead.created", {"lead_id": 7})
        message = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return message

    assert async_to_sync(scenario)() == {"type": "lead.created", "data": {"lead_id": 7}}


@pytest.mark.django_db(transaction=True)
def test_anonymous_socket_and_foreign_origin_are_refused(viewer: Any) -> None:
    async def connect(headers: list[tuple[bytes, bytes]]) -> bool:
        communicator = WebsocketCommunicator(
            application, "/ws/events/", headers=headers
        )
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    assert async_to_sync(connect)([(b"origin", b"http://testserver")]) is False
    foreign = [h for h in _session_headers(viewer) if h[0] != b"origin"]
    foreign.append((b"origin", b"http://evil.example"))
    assert async_to_sync(connect)(foreign) is False


@pytest.mark.django_db(transaction=True)
def test_socket_stops_delivering_after_logout(viewer: Any) -> None:
    from django.contrib.sessions.models import Session

    headers = _session_headers(viewer)

    async def scenario() -> Any:
        communicator = WebsocketCommunicator(
            application, "/ws/events/", headers=headers
        )
        assert (await communicator.connect())[0]
        await database_sync_to_async(Session.objects.all().delete)()
        await database_sync_to_async(events.publish)("lead.created", {"lead_id": 8})
        output = await communicator.receive_output(timeout=5)
        return output

    output = async_to_sync(scenario)()
    assert output["type"] == "websocket.close"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_event_published_by_another_process_arrives_through_redis(
    viewer: Any, settings: Any
) -> None:
    assert "Redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"]
    headers = _session_headers(viewer)

    async def scenario() -> dict[str, Any]:
        communicator = WebsocketCommunicator(
            application, "/ws/events/", headers=headers
        )
        assert (await communicator.connect())[0]
        code = (
            "from craigleads import events; "
            "events.publish('scraper.progress', {'job_id': 3})"
        )
        await database_sync_to_async(subprocess.run)(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=60,
        )
        message = await communicator.receive_json_from(timeout=10)
        await communicator.disconnect()
        return message

    assert async_to_sync(scenario)() == {
        "type": "scraper.progress",
        "data": {"job_id": 3},
    }


def test_api_answers_401_without_credentials_and_works_with_a_token(
    operator: Any, db: Any
) -> None:
    client = Client()
    assert client.get("/api/v1/").status_code == 401
    token = Token.objects.create(user=operator)
    response = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["role"] == "operator"
    bad = client.get("/api/v1/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad.status_code == 401


def test_api_docs_and_schema_are_served_without_a_cdn(viewer: Any) -> None:
    client = Client()
    client.force_login(viewer)
    docs = client.get("/api/docs/").content.decode()
    import re

    assert not re.search(r"""(src|href)=["']?(https?:)?//""", docs), "external asset"
    assert "/static/drf_spectacular_sidecar/" in docs
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/leads" in schema.content
