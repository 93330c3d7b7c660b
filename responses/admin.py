from django.contrib import admin

from .models import (
    ABTest,
    ABVariant,
    AlertDelivery,
    AlertSettings,
    ApprovalRule,
    DoNotContact,
    Draft,
    DraftEvent,
    ResponseTemplate,
    SenderProfile,
)


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "active",
        "use_count",
        "success_rate",
        "updated_at",
    ]
    list_filter = ["active", "category"]
    search_fields = ["name", "subject_template", "body_template"]
    readonly_fields = [
        "variables",
        "use_count",
        "success_rate",
        "created_at",
        "updated_at",
    ]


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "condition", "action", "active"]
    list_display_links = ["name"]
    list_filter = ["action", "active"]
    search_fields = ["name"]


class DraftEventInline(admin.TabularInline):
    model = DraftEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "created_at",
        "actor_name",
        "action",
        "from_state",
        "to_state",
        "note",
    ]
    fields = ["created_at", "actor_name", "action", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    """Drafts are read here; they change only through the console and the API,
    which keep the state machine and the audit trail."""

    list_display = [
        "id",
        "lead",
        "state",
        "escalated",
        "template",
        "variant",
        "outcome",
        "updated_at",
    ]
    list_filter = ["state", "escalated", "outcome", "template"]
    search_fields = ["subject", "lead__title", "to_email"]
    list_select_related = ["lead", "template"]
    inlines = [DraftEventInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in Draft._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(DoNotContact)
class DoNotContactAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "reason", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]


class ABVariantInline(admin.TabularInline):
    model = ABVariant
    extra = 2


@admin.register(ABTest)
class ABTestAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "active", "min_sample", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]
    inlines = [ABVariantInline]


@admin.register(SenderProfile)
class SenderProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "is_default", "email"]
    list_filter = ["is_default"]
    search_fields = ["name", "email"]


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    """Users set their own alerts on the console page; here an admin can see who
    gets what and switch a misbehaving webhook off."""

    list_display = [
        "user",
        "digest_frequency",
        "digest_min_grade",
        "webhook_min_grade",
        "webhook_last_ok",
        "webhook_last_status",
        "webhook_last_at",
    ]
    list_filter = ["digest_frequency", "webhook_last_ok"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = [
        "last_digest_at",
        "digest_last_error",
        "webhook_last_at",
        "webhook_last_ok",
        "webhook_last_status",
        "webhook_last_error",
        "updated_at",
    ]


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    """What was alerted to whom; written only by the alert service."""

    list_display = ["created_at", "user", "lead", "channel", "state", "attempts"]
    list_filter = ["channel", "state"]
    search_fields = ["user__username", "lead__title"]
    list_select_related = ["user", "lead"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in AlertDelivery._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
