"""Responses: reply templates (the seed's `response_templates`), approval rules,
drafts with their audit trail, do-not-contact entries, A/B tests, and each
user's alert settings with a record of what was alerted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .templating import parse_template

        # The variables column is derived; keep it in step with the text.
        names: list[str] = []
        for text in (self.subject_template, self.body_template):
            for name in parse_template(text).variables:
                if name not in names:
                    names.append(name)
        self.variables = names
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse unknown variables and anything but {{name}} / {{name|fallback}},
        naming the line and column (the language cannot run code)."""
        from .templating import validate_template

        errors: dict[str, list[str]] = {}
        for field in ("subject_template", "body_template"):
            found = validate_template(getattr(self, field) or "")
            if found:
                errors[field] = [str(e) for e in found]
        if errors:
            raise ValidationError(errors)


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


class SenderProfile(models.Model):
    """Who replies: the name, signature and links that templates can use. One is
    the team default; a user may have their own."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sender_profile",
    )
    is_default = models.BooleanField(default=False)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True, help_text="Reply-To address of sent replies")
    phone = models.CharField(max_length=40, blank=True)
    signature = models.TextField(blank=True)
    portfolio_url = models.URLField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_sender",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Draft(models.Model):
    """A reply to one lead. Moves between states only through
    `responses.services.transition`, each move written to DraftEvent."""

    class State(models.TextChoices):
        GENERATED = "generated", "generated"
        PENDING_REVIEW = "pending_review", "pending review"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"
        SENT = "sent", "sent"
        DELIVERED = "delivered", "delivered"
        FAILED = "failed", "failed"

    class Outcome(models.TextChoices):
        REPLY = "reply", "reply received"
        INTERVIEW = "interview", "interview"
        NO_RESPONSE = "no_response", "no response"

    lead = models.OneToOneField(
        "leads.Lead", on_delete=models.CASCADE, related_name="draft"
    )
    template = models.ForeignKey(
        ResponseTemplate, on_delete=models.SET_NULL, null=True, blank=True
    )
    ab_test = models.ForeignKey(
        "ABTest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts",
    )
    variant = models.CharField(max_length=60, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    to_email = models.EmailField(max_length=254, blank=True)
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.GENERATED, db_index=True
    )
    decided_by_rule = models.ForeignKey(
        ApprovalRule, on_delete=models.SET_NULL, null=True, blank=True
    )
    escalated = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("approve_draft", "Can approve, reject and send drafts"),
            ("record_outcome", "Can record what came back from a reply"),
        ]

    def __str__(self) -> str:
        return f"draft {self.pk} ({self.state})"


class DraftEvent(models.Model):
    """The audit trail of a draft: every move and every edit, with who and why."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=20)  # created, transition, edit, outcome
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.actor_name}: {self.action} {self.from_state}->{self.to_state}"


class DoNotContact(models.Model):
    """An address, phone or company never to be contacted (opt-outs land here)."""

    class Kind(models.TextChoices):
        EMAIL = "email", "e-mail"
        PHONE = "phone", "phone"
        COMPANY = "company", "company"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=254, help_text="Stored normalised (lower case)")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "do-not-contact entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="dnc_unique_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class ABTest(models.Model):
    """Reply templates competing for one category; leads are assigned by a stable
    hash, so a lead always gets the same variant."""

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=12, blank=True, help_text="blank: any")
    active = models.BooleanField(default=True)
    min_sample = models.PositiveIntegerField(default=30)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "A/B test"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ABVariant(models.Model):
    test = models.ForeignKey(ABTest, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=60)
    template = models.ForeignKey(ResponseTemplate, on_delete=models.PROTECT)
    is_control = models.BooleanField(default=False)
    weight = models.FloatField(default=1.0)

    class Meta:
        ordering = ["test", "-is_control", "name"]
        constraints = [
            models.UniqueConstraint(fields=["test", "name"], name="variant_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.test}: {self.name}"


# --- alerts -----------------------------------------------------------------------

ALERT_GRADES = "ABCDF"
ALERT_GRADE_CHOICES = [(g, f"{g} or better" if g != "A" else "A only") for g in "ABCD"]


def grades_at_least(minimum: str) -> list[str]:
    """The grades that meet `minimum` ("B" -> ["A", "B"])."""
    if minimum not in ALERT_GRADES:
        raise ValueError(f"{minimum!r} is not a grade (one of {ALERT_GRADES})")
    return list(ALERT_GRADES[: ALERT_GRADES.index(minimum) + 1])


class AlertSettings(models.Model):
    """One user's alert channels: an e-mail digest and a Slack-compatible webhook.

    The delivery columns are written by the alert service only, so the page can
    say what happened last ("last delivery failed: 404 Not Found").
    """

    class Frequency(models.TextChoices):
        OFF = "off", "off"
        HOURLY = "hourly", "hourly"
        DAILY = "daily", "daily"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_settings",
    )
    digest_frequency = models.CharField(
        max_length=8, choices=Frequency.choices, default=Frequency.OFF
    )
    digest_min_grade = models.CharField(
        max_length=1, choices=ALERT_GRADE_CHOICES, default="B"
    )
    webhook_url = models.URLField(
        max_length=500, blank=True, help_text="Blank switches the webhook off"
    )
    webhook_min_grade = models.CharField(
        max_length=1, choices=ALERT_GRADE_CHOICES, default="A"
    )
    last_digest_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="End of the last digest window",
    )
    digest_last_error = models.CharField(max_length=500, blank=True, editable=False)
    webhook_last_at = models.DateTimeField(null=True, blank=True, editable=False)
    webhook_last_ok = models.BooleanField(null=True, blank=True, editable=False)
    webhook_last_status = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="HTTP status, if any"
    )
    webhook_last_error = models.CharField(max_length=500, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "alert settings"
        verbose_name_plural = "alert settings"

    def __str__(self) -> str:
        return f"alerts of {self.user}"

    @property
    def digest_period(self) -> timedelta | None:
        return {
            self.Frequency.HOURLY: timedelta(hours=1),
            self.Frequency.DAILY: timedelta(days=1),
        }.get(self.Frequency(self.digest_frequency))


class AlertDelivery(models.Model):
    """A lead sent (or being sent) to one user on one channel; the unique key is
    what keeps a lead from reaching the same user twice."""

    class Channel(models.TextChoices):
        WEBHOOK = "webhook", "webhook"
        DIGEST = "digest", "e-mail digest"

    class State(models.TextChoices):
        PENDING = "pending", "pending"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        SKIPPED = "skipped", "skipped"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.CASCADE, related_name="alert_deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "alert deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lead", "channel"], name="alert_once_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} of lead {self.lead_id} to {self.user_id} ({self.state})"
