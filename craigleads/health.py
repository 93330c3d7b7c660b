"""Health checks for /healthz: database, broker and channel layer."""

from __future__ import annotations

import uuid
from typing import TypedDict

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection


class Check(TypedDict):
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check(ok=True, detail=connection.vendor)
    except Exception as exc:
        return Check(ok=False, detail=type(exc).__name__)


def check_broker() -> Check:
    if not settings.REDIS_URL:
        return Check(ok=True, detail="in-process")
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
        return Check(ok=True, detail="redis")
    except Exception as exc:
        return Check(ok=False, detail=type(exc).__name__)


def check_channel_layer() -> Check:
    layer = get_channel_layer()
    if layer is None:
        return Check(ok=False, detail="not configured")
    if not settings.REDIS_URL:
        return Check(ok=True, detail="in-memory")

    async def round_trip() -> bool:
        import asyncio

        channel = f"healthz.{uuid.uuid4().hex}"
        await layer.send(channel, {"type": "healthz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        return message.get("type") == "healthz.ping"

    try:
        ok = async_to_sync(round_trip)()
        return Check(ok=ok, detail="redis")
    except Exception as exc:
        return Check(ok=False, detail=type(exc).__name__)


def run_checks() -> dict[str, Check]:
    return {
        "database": check_database(),
        "broker": check_broker(),
        "channel_layer": check_channel_layer(),
    }
