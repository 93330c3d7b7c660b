"""Memory: the seed's `memory_stores`, six kinds with importance and decay."""

from __future__ import annotations

from django.db import models


class MemoryStore(models.Model):
    """One remembered item."""

    class Kind(models.TextChoices):
        CONVERSATION = "conversation", "conversation"
        SHORT_TERM = "short_term", "short-term"
        LONG_TERM = "long_term", "long-term"
        SEMANTIC = "semantic", "semantic"
        EPISODIC = "episodic", "episodic"
        CONTEXT = "context", "context"

    session_id = models.CharField(max_length=120)
    memory_type = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(
        max_length=120,
        blank=True,
        db_index=True,
        help_text="What the memory is about, e.g. lead:42 or company:acme",
    )
    content = models.JSONField(default=dict)
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    importance = models.FloatField(default=0.5)
    decay_rate = models.FloatField(default=0.95)
    created_at = models.DateTimeField(auto_now_add=True)
    accessed_at = models.DateTimeField(auto_now_add=True)
    # Lets each process's vector index read only what changed (vector_index.py).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "memory_stores"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["session_id", "memory_type"], name="memory_session_type"
            ),
            models.Index(
                fields=["memory_type", "updated_at"], name="memory_type_updated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.memory_type} memory for {self.session_id}"
