"""Live events: published after commit, pushed to the console over /ws/events/.

Payloads are small and carry ids, not personal data; the browser swaps in
server-rendered fragments, which check access themselves.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterable
from functools import partial
from typing import Any, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

CONSOLE_GROUP = "console"

# In the embedded run the in-memory channel layer lives on the web server's event
# loop; a publish from the worker thread must be handed to that loop.
_server_loop: asyncio.AbstractEventLoop | None = None
_server_thread_id: int | None = None


class Event(TypedDict):
    type: str
    data: dict[str, Any]
    permission: str


def register_server_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Called by `serve` so events from other threads reach the in-memory layer."""
    global _server_loop, _server_thread_id
    _server_loop = loop
    _server_thread_id = threading.get_ident() if loop else None


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def job_group(job_id: int) -> str:
    return f"scrape-job.{job_id}"


CHANGED_AT_KEY = "console:changed-at"


def note_change() -> None:
    """Record when the console's data last changed (every event means it did),
    so cached dashboard figures know they are out of date. Never raises."""
    try:
        cache.set(CHANGED_AT_KEY, time.time(), None)
    except Exception:
        logger.warning("could not note a change in the cache", exc_info=True)


def publish(
    event_type: str,
    data: dict[str, Any],
    *,
    permission: str = "leads.view_lead",
    groups: Iterable[str] = (CONSOLE_GROUP,),
) -> None:
    """Send an event to the given groups now. Never raises: live updates are a
    convenience and the database already holds the truth."""
    note_change()
    layer = get_channel_layer()
    if layer is None:
        return
    message = {
        "type": "console.event",
        "event": Event(type=event_type, data=data, permission=permission),
    }
    for group in groups:
        try:
            if _server_loop is not None and threading.get_ident() != _server_thread_id:
                future = asyncio.run_coroutine_threadsafe(
                    layer.group_send(group, message), _server_loop
                )
                future.result(timeout=5)
            else:
                async_to_sync(layer.group_send)(group, message)
        except Exception:
            logger.warning(
                "could not publish %s to %s", event_type, group, exc_info=True
            )


def publish_on_commit(
    event_type: str,
    data: dict[str, Any],
    *,
    permission: str = "leads.view_lead",
    groups: Iterable[str] = (CONSOLE_GROUP,),
) -> None:
    """Publish once the current transaction commits (immediately outside one)."""
    transaction.on_commit(
        partial(publish, event_type, data, permission=permission, groups=tuple(groups))
    )
