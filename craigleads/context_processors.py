"""Template context shared by every console page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .roles import role_of


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "user_role": role_of(user) if user is not None else None,
        "embedded_mode": settings.EMBEDDED,
    }
