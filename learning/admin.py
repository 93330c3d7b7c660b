from django.contrib import admin

from .models import LearningState


@admin.register(LearningState)
class LearningStateAdmin(admin.ModelAdmin):
    list_display = ["agent_id", "state_key", "visit_count", "updated_at"]
    list_filter = ["agent_id"]
    search_fields = ["state_key"]
    readonly_fields = [
        "agent_id",
        "state_key",
        "state_features",
        "q_values",
        "visit_count",
        "updated_at",
    ]
