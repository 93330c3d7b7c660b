from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from .audit import record_event
from .models import AuditEvent, Suppression


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "target", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_name", "action", "target"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Read-only: rows come from `gdpr erase` and hold only salted hashes."""

    list_display = ["kind", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


User = get_user_model()


def _access_of(user: Any) -> dict[str, Any]:
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
    }


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, with every change of a user's role or standing
    written to the audit log by whoever made it."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        before = _access_of(User.objects.get(pk=obj.pk)) if change else None
        request._access_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(request, "_access_before", None)
        after = _access_of(user)
        if before != after:
            record_event(
                action="auth.role_changed",
                actor=request.user,
                target=user.get_username(),
                data={"before": before, "after": after, "via": "admin"},
                request=request,
            )


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(DjangoGroupAdmin):
    """Roles are groups; changing what a role may do is audited."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        request._perms_before = (  # type: ignore[attr-defined]
            set(
                Group.objects.get(pk=obj.pk).permissions.values_list(
                    "codename", flat=True
                )
            )
            if change
            else set()
        )
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        before: set[str] = getattr(request, "_perms_before", set())
        after = set(form.instance.permissions.values_list("codename", flat=True))
        if before != after:
            record_event(
                action="auth.role_permissions_changed",
                actor=request.user,
                target=form.instance.name,
                data={
                    "added": sorted(after - before),
                    "removed": sorted(before - after),
                },
                request=request,
            )
