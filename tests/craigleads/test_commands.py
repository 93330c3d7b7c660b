"""createuser, bootstrap and load_defaults."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from craigleads.models import AuditEvent
from craigleads.roles import role_of
from leads.models import Category, Site
from qualification.models import CriteriaProfile
from responses.models import ApprovalRule, ResponseTemplate

pytestmark = pytest.mark.django_db


def test_createuser_makes_a_user_with_the_role_and_prints_a_generated_password() -> (
    None
):
    out = StringIO()
    call_command("createuser", "rita", "--role", "reviewer", stdout=out)
    user = get_user_model().objects.get(username="rita")
    assert role_of(user) == "reviewer"
    password = out.getvalue().split("Password: ")[1].strip()
    assert user.check_password(password)
    assert not user.is_staff
    assert AuditEvent.objects.filter(action="auth.user_created", target="rita").exists()


def test_createuser_refuses_a_weak_password_and_a_taken_name() -> None:
    with pytest.raises(CommandError, match=r"too short|too common"):
        call_command("createuser", "sam", "--role", "viewer", "--password", "abc")
    assert not get_user_model().objects.filter(username="sam").exists()
    call_command("createuser", "sam", "--role", "viewer", stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", "sam", "--role", "viewer")


def test_admin_role_reaches_django_admin() -> None:
    call_command("createuser", "ada", "--role", "admin", stdout=StringIO())
    user = get_user_model().objects.get(username="ada")
    assert user.is_staff and role_of(user) == "admin"


def test_bootstrap_prints_the_admin_password_once(settings: Any) -> None:
    first = StringIO()
    call_command("bootstrap", stdout=first)
    assert "Password (shown once" in first.getvalue()
    password = first.getvalue().split("store it now): ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    second = StringIO()
    call_command("bootstrap", stdout=second)
    assert "Password" not in second.getvalue()


def test_load_defaults_is_idempotent_and_keeps_edits() -> None:
    call_command("load_defaults", stdout=StringIO())
    counts = (
        Site.objects.count(),
        Category.objects.count(),
        ResponseTemplate.objects.count(),
    )
    assert Category.objects.get(code="reo").by_owner
    assert CriteriaProfile.objects.get(is_default=True).criteria.count() >= 5
    assert ApprovalRule.objects.filter(
        action="auto_approve", params__score=0.9
    ).exists()
    Site.objects.filter(code="sfbay").update(name="Bay Area (edited)")
    call_command("load_defaults", stdout=StringIO())
    assert (
        Site.objects.count(),
        Category.objects.count(),
        ResponseTemplate.objects.count(),
    ) == counts
    assert Site.objects.get(code="sfbay").name == "Bay Area (edited)"
