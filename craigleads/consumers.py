"""The console's event socket."""

from __future__ import annotations

import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from .events import CONSOLE_GROUP, user_group

logger = logging.getLogger(__name__)


class EventsConsumer(AsyncJsonWebsocketConsumer):
    """Pushes console events to a logged-in user.

    Authenticated by session in connect(); access is checked again for every event,
    so a user who logs out or loses a permission stops receiving at once. Never
    writes to the database.
    """

    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.user_id = user.pk
        self.session_key = self.scope["session"].session_key
        self.groups_joined = [CONSOLE_GROUP, user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The socket is one-way; a ping keeps proxies from closing it.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def console_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if not await self._still_allowed(event.get("permission", "")):
            await self.close(code=4403)
            return
        await self.send_json({"type": event["type"], "data": event["data"]})

    @database_sync_to_async
    def _still_allowed(self, permission: str) -> bool:
        if not Session.objects.filter(session_key=self.session_key).exists():
            return False
        user = get_user_model().objects.filter(pk=self.user_id, is_active=True).first()
        if user is None:
            return False
        return not permission or user.has_perm(permission)
