from django.contrib import admin

from .models import CriteriaProfile, Criterion, UserCriteriaChoice


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(CriteriaProfile)
class CriteriaProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "updated_at"]
    list_filter = ["is_default"]
    search_fields = ["name"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "profile", "type", "weight", "active"]
    list_filter = ["type", "active", "profile"]
    search_fields = ["name"]


@admin.register(UserCriteriaChoice)
class UserCriteriaChoiceAdmin(admin.ModelAdmin):
    list_display = ["user", "profile"]
