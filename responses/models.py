"""Responses: reply templates (the seed's `response_templates`) and approval rules."""

from __future__ import annotations

from django.db import models


class ResponseTemplate(models.Model):
    """A reply template in the `{{variable}}` / `{{variable|fallback}}` language."""

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(
        max_length=12, blank=True, help_text="Craigslist category code; blank for any"
    )
    subject_template = models.CharField(max_length=300)
    body_template = models.TextField()
    variables = models.JSONField(default=list, blank=True, editable=False)
    use_count = models.PositiveIntegerField(default=0, editable=False)
    success_rate = models.FloatField(default=0.0, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "response_templates"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApprovalRule(models.Model):
    """A row of the approval policy, evaluated in order; the first that matches
    decides what happens to a new draft."""

    class Condition(models.TextChoices):
        SCORE_AT_LEAST = "score_at_least", "score at least"
        FIRST_CONTACT = "first_contact", "first reply to a company or poster"
        MENTIONS_SALARY = "mentions_salary", "text negotiates salary"
        ALWAYS = "always", "always"

    class Action(models.TextChoices):
        AUTO_APPROVE = "auto_approve", "approve automatically"
        REVIEW = "review", "send to review"
        ESCALATE = "escalate", "escalate to an admin"

    name = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=100)
    condition = models.CharField(max_length=20, choices=Condition.choices)
    params = models.JSONField(default=dict, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
