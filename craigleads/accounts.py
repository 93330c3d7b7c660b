"""Creating users with a role, and changing roles (audited)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .audit import record_event
from .roles import Role, ensure_role_groups


class AccountError(Exception):
    """A user could not be created or changed; the message says why."""


def generate_password() -> str:
    return secrets.token_urlsafe(18)


def create_user(
    *,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    actor: Any = None,
) -> tuple[Any, str]:
    """Create a user holding one role; returns (user, password).

    Raises AccountError for an unknown role, a taken username or a weak password.
    Not idempotent: a second call with the same username fails.
    """
    if role not in Role.values:
        raise AccountError(
            f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."
        )
    user_model = get_user_model()
    if not username.strip():
        raise AccountError("A username is required.")
    if user_model.objects.filter(username=username).exists():
        raise AccountError(f"A user named {username!r} already exists.")
    password = password or generate_password()
    candidate = user_model(username=username, email=email)
    try:
        validate_password(password, candidate)
    except Exception as exc:
        raise AccountError("; ".join(getattr(exc, "messages", [str(exc)]))) from None
    with transaction.atomic():
        if not Group.objects.filter(name=role).exists():
            ensure_role_groups()
        user = user_model.objects.create_user(
            username=username,
            email=email,
            password=password,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.groups.set([Group.objects.get(name=role)])
        record_event(
            action="auth.user_created",
            actor=actor or "system",
            target=username,
            data={"role": role},
        )
    return user, password


def set_role(*, user: Any, role: str, actor: Any = None) -> None:
    """Give a user exactly one role (audited). Safe to repeat."""
    if role not in Role.values:
        raise AccountError(
            f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."
        )
    with transaction.atomic():
        user.groups.set([Group.objects.get(name=role)])
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.save(update_fields=["is_staff", "is_superuser"])
        record_event(
            action="auth.role_changed",
            actor=actor or "system",
            target=user.get_username(),
            data={"role": role},
        )
