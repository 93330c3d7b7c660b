"""Learning: the Q-learning agent's table (the seed's `learning_states`)."""

from __future__ import annotations

from django.db import models


class LearningState(models.Model):
    """Q-values of one agent for one discretised lead state."""

    agent_id = models.CharField(max_length=60, default="qualify-advisor")
    state_key = models.CharField(max_length=200)
    state_features = models.JSONField(default=dict)
    q_values = models.JSONField(default=dict)
    visit_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "learning_states"
        constraints = [
            models.UniqueConstraint(
                fields=["agent_id", "state_key"], name="one_row_per_agent_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.state_key}"


class Feedback(models.Model):
    """One piece of the team's judgement about a lead, kept as experience: what
    the advisor said at the time, and the reward the seed gives the kind."""

    class Kind(models.TextChoices):
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"
        INTERVIEW = "interview", "interview"
        NO_RESPONSE = "no_response", "no response"
        REPLY_RECEIVED = "reply_received", "reply received"

    agent_id = models.CharField(max_length=60, default="qualify-advisor")
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reward = models.FloatField()
    state_key = models.CharField(max_length=200)
    advice = models.CharField(max_length=20)
    source = models.CharField(max_length=20, default="console")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on lead {self.lead_id}"


class AgentVersion(models.Model):
    """A snapshot of the Q-table after a replay, so an admin can compare and roll
    back. The newest active row holds the current epsilon."""

    agent_id = models.CharField(max_length=60, default="qualify-advisor")
    version = models.PositiveIntegerField()
    epsilon = models.FloatField()
    rows = models.JSONField(default=list)
    agreement = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent_id", "version"], name="one_agent_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} v{self.version}"
