from django.contrib import admin

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
