from django.contrib import admin

from .models import MemoryStore


@admin.register(MemoryStore)
class MemoryStoreAdmin(admin.ModelAdmin):
    list_display = [
        "session_id",
        "memory_type",
        "importance",
        "decay_rate",
        "created_at",
        "accessed_at",
    ]
    list_filter = ["memory_type"]
    search_fields = ["session_id"]
    readonly_fields = ["created_at", "accessed_at"]
