from django.contrib import admin

from . import services
from .models import ParseFailure, SavedSearch, ScrapeJob, ScrapingPolicy


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "query",
        "interval_minutes",
        "active",
        "last_run_at",
        "empty_runs",
    ]
    list_filter = ["active", "category"]
    search_fields = ["name", "query"]
    filter_horizontal = ["sites"]
    readonly_fields = ["last_run_at", "empty_runs", "created_at"]


@admin.register(ScrapeJob)
class ScrapeJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "status",
        "keywords",
        "pages",
        "seen",
        "new",
        "updated",
        "failures",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["keywords"]
    readonly_fields = [f.name for f in ScrapeJob._meta.fields]
    actions = ["cancel_jobs"]

    @admin.action(description="Cancel the selected jobs")
    def cancel_jobs(self, request, queryset):  # type: ignore[no-untyped-def]
        for job in queryset:
            services.cancel_job(job_id=job.pk, actor=request.user)


@admin.register(ParseFailure)
class ParseFailureAdmin(admin.ModelAdmin):
    list_display = ["url", "resolved", "created_at"]
    list_filter = ["resolved"]
    search_fields = ["url"]
    readonly_fields = ["url", "job", "lead", "html", "errors", "created_at"]


@admin.register(ScrapingPolicy)
class ScrapingPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "changed_by", "changed_at"]
    readonly_fields = ["live_fetching_enabled", "changed_by", "changed_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
