from django.contrib import admin

from .models import ApprovalRule, ResponseTemplate


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
