"""Recording sensitive actions in the audit log."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.http import HttpRequest

from .models import AuditEvent

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    *,
    action: str,
    actor: Any = None,
    target: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit row. Not idempotent: each call is one event."""
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    name = ""
    if actor_obj is not None:
        name = actor_obj.get_username()
    elif isinstance(actor, str):
        name = actor
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_name=name[:150],
        action=action,
        target=target[:200],
        data=data or {},
        ip_address=client_ip(request),
    )


def _on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_event(action="auth.login", actor=user, request=request)


def _on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(action="auth.logout", actor=user, request=request)


def _on_login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(action="auth.login_failed", actor=username, request=request)


def connect_auth_signals() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="craigleads.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="craigleads.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="craigleads.audit.failed")
