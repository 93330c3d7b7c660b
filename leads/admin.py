from django.contrib import admin

from .models import Category, Lead, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "country", "area_abbr", "host"]
    list_filter = ["country"]
    search_fields = ["code", "name", "region"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "section", "by_owner"]
    list_filter = ["section", "by_owner"]
    search_fields = ["code", "name"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "site",
        "category",
        "status",
        "dedup_class",
        "qualification_grade",
        "qualification_score",
        "posted_at",
    ]
    list_filter = [
        "status",
        "dedup_class",
        "qualification_grade",
        "category",
        "site",
        "archived",
    ]
    search_fields = ["title", "post_id", "company", "url"]
    date_hierarchy = "posted_at"
    list_select_related = ["site", "category"]
    raw_id_fields = ["original"]
    readonly_fields = [
        "post_id",
        "url",
        "body_html",
        "json_ld",
        "parse_errors",
        "content_hash",
        "dedup_class",
        "qualification_score",
        "qualification_grade",
        "qualification_passed",
        "qualification_reasons",
        "qualified_at",
        "scraped_at",
        "processed_at",
        "created_at",
        "updated_at",
    ]
