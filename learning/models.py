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
