"""Roles: four groups with their permissions, kept in step with the models.

admin configures everything (and reaches Django admin); operator runs scrapes,
works leads, templates and drafts; reviewer reads everything and decides drafts;
viewer reads, with contact details masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

APP_LABELS = ("leads", "qualification", "responses", "learning", "memory", "scraping")


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    OPERATOR = "operator", "Operator"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


# Codenames beyond view_* that each role adds; "*" prefixes match any model.
# Every role may export what it can see (masked without view_contact_details).
_VIEWER_EXTRA = {"export_leads"}
_REVIEWER_EXTRA = _VIEWER_EXTRA | {
    "view_contact_details",
    "change_draft",
    "approve_draft",
    "record_outcome",
}
_OPERATOR_EXTRA = _REVIEWER_EXTRA | {
    "add_*",
    "change_*",
    "run_scrape",
    "export_leads",
    "delete_savedsearch",
    "delete_criterion",
}
_ADMIN_ONLY_MODELS = {
    "site",
    "category",
    "learningstate",
    "memorystore",
    "scrapingpolicy",
    "approvalrule",
}


def _matches(codename: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        if pattern.endswith("*"):
            if codename.startswith(pattern[:-1]):
                return True
        elif codename == pattern:
            return True
    return False


def codenames_for(role: str, perms: Iterable[tuple[str, str, str]]) -> set[str]:
    """Return `app_label.codename` strings granted to `role`.

    `perms` is (app_label, model, codename) for every permission that exists.
    """
    granted: set[str] = set()
    for app_label, model, codename in perms:
        if app_label not in APP_LABELS and role != Role.ADMIN:
            continue
        full = f"{app_label}.{codename}"
        if role == Role.ADMIN:
            granted.add(full)
            continue
        is_view = codename.startswith("view_") and codename != "view_contact_details"
        reviewer_grant = role == Role.REVIEWER and _matches(codename, _REVIEWER_EXTRA)
        operator_grant = (
            role == Role.OPERATOR
            and model not in _ADMIN_ONLY_MODELS
            and _matches(codename, _OPERATOR_EXTRA)
        )
        viewer_grant = _matches(codename, _VIEWER_EXTRA)
        if is_view or viewer_grant or reviewer_grant or operator_grant:
            granted.add(full)
    return granted


def sync_role_groups(apps: Any = None) -> None:
    """Create the four groups and give each exactly its permissions.

    Works with the live app registry or a migration's historical one. Safe to call
    repeatedly; later migrations that add models are picked up on the next call.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    rows = list(
        permission_model.objects.values_list(
            "id", "content_type__app_label", "content_type__model", "codename"
        )
    )
    by_name = {f"{app}.{code}": pk for pk, app, _model, code in rows}
    triples = [(app, model, code) for _pk, app, model, code in rows]
    for role in Role:
        group, _ = group_model.objects.get_or_create(name=role.value)
        wanted = [by_name[name] for name in codenames_for(role.value, triples)]
        group.permissions.set(wanted)


def ensure_role_groups() -> None:
    """Create missing permissions and groups (a flushed database, a new app)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    sync_role_groups()


def role_of(user: Any) -> str | None:
    """The highest role a user holds, or None for anonymous or role-less users."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN.value
    names = {group.name for group in user.groups.all()}
    for role in Role:  # declared from most to least privileged
        if role.value in names:
            return role.value
    return None
