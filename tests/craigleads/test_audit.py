"""The audit log of sensitive actions: sign-ins, role changes made in the admin,
replies sent from a mail client (RELIABILITY_CHECKLIST, issue 8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from craigleads.accounts import create_user
from craigleads.models import AuditEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
PASSWORD = "audit-test-passphrase-31"


def _actions(**filters: Any) -> list[tuple[str, str, str]]:
    rows = AuditEvent.objects.filter(**filters).order_by("id")
    return [(a.action, a.actor_name, a.target) for a in rows]


def test_sign_in_a_wrong_password_and_sign_out_are_audited_with_the_address() -> None:
    create_user(username="ann", role="operator", password=PASSWORD)
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post(reverse("login"), {"username": "ann", "password": "wrong"})
    client.post(reverse("login"), {"username": "ann", "password": PASSWORD})
    client.post(reverse("logout"))
    rows = AuditEvent.objects.filter(action__startswith="auth.log").order_by("id")
    assert [(a.action, a.actor_name) for a in rows] == [
        ("auth.login_failed", "ann"),
        ("auth.login", "ann"),
        ("auth.logout", "ann"),
    ]
    assert {a.ip_address for a in rows} == {"203.0.113.9"}
    assert all(PASSWORD not in str(a.data) for a in rows)


def test_a_role_change_in_the_admin_is_audited_with_who_made_it(
    admin_user: Any,
) -> None:
    vic, _ = create_user(username="vic", role="viewer", password=PASSWORD)
    url = reverse("admin:auth_user_change", args=[vic.pk])
    form = {
        "username": "vic",
        "is_active": "on",
        "groups": [Group.objects.get(name="operator").pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    response = client_for(admin_user).post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    vic.refresh_from_db()
    assert list(vic.groups.values_list("name", flat=True)) == ["operator"]
    changed = AuditEvent.objects.get(action="auth.role_changed", target="vic")
    assert changed.actor == admin_user
    assert changed.data["before"]["groups"] == ["viewer"]
    assert changed.data["after"]["groups"] == ["operator"]

    # Saving again without a change writes nothing more.
    client_for(admin_user).post(url, form)
    assert AuditEvent.objects.filter(action="auth.role_changed").count() == 1


def test_changing_what_a_role_may_do_is_audited(admin_user: Any) -> None:
    viewer = Group.objects.get(name="viewer")
    export = Permission.objects.get(codename="export_leads")
    kept = list(viewer.permissions.exclude(pk=export.pk).values_list("pk", flat=True))
    response = client_for(admin_user).post(
        reverse("admin:auth_group_change", args=[viewer.pk]),
        {"name": "viewer", "permissions": kept},
    )
    assert response.status_code == 302
    changed = AuditEvent.objects.get(action="auth.role_permissions_changed")
    assert (changed.actor, changed.target) == (admin_user, "viewer")
    assert changed.data == {"added": [], "removed": ["export_leads"]}


def test_operators_cannot_reach_the_user_admin(operator: Any) -> None:
    response = client_for(operator).get(reverse("admin:auth_user_changelist"))
    assert response.status_code in {302, 403}
    assert not AuditEvent.objects.filter(action="auth.role_changed").exists()
