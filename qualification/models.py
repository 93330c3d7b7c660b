"""Qualification: criteria profiles and their criteria (the seed's
`qualification_criteria` table)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

DEFAULT_WEIGHTS = {
    "salary": 30,
    "keywords": 25,
    "location": 20,
    "experience": 15,
    "company": 10,
}


class CriteriaProfile(models.Model):
    """A named set of criteria. One is the team default; a user may pick another."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)
    grade_thresholds = models.JSONField(
        default=dict,
        blank=True,
        help_text='Lowest score for each grade, e.g. {"A": 0.8, "B": 0.65, ...}',
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_criteria_profile",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One hard filter or soft factor of a profile, with its weight and settings."""

    class Kind(models.TextChoices):
        # hard filters
        PAY_FLOOR = "pay_floor", "pay floor"
        REMOTE_REQUIRED = "remote_required", "remote required"
        CATEGORIES = "categories", "categories"
        BLOCKED_WORDS = "blocked_words", "blocked words"
        BLOCKED_POSTERS = "blocked_posters", "blocked posters and companies"
        MAX_AGE = "max_age", "maximum posting age"
        # soft factors
        SALARY = "salary", "salary"
        KEYWORDS = "keywords", "keywords"
        LOCATION = "location", "location"
        EXPERIENCE = "experience", "experience"
        COMPANY = "company", "company"

    HARD_FILTERS = frozenset(
        {
            Kind.PAY_FLOOR,
            Kind.REMOTE_REQUIRED,
            Kind.CATEGORIES,
            Kind.BLOCKED_WORDS,
            Kind.BLOCKED_POSTERS,
            Kind.MAX_AGE,
        }
    )

    profile = models.ForeignKey(
        CriteriaProfile, on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(max_length=120)
    type = models.CharField(max_length=20, choices=Kind.choices)
    config = models.JSONField(default=dict, blank=True)
    weight = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "qualification_criteria"
        ordering = ["profile", "-weight", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "type"], name="one_criterion_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile}: {self.name}"

    @property
    def is_hard_filter(self) -> bool:
        return self.type in self.HARD_FILTERS


class UserCriteriaChoice(models.Model):
    """The profile a user scores with (absent: the team default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    profile = models.ForeignKey(CriteriaProfile, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return f"{self.user} uses {self.profile}"


class FeatureSnapshot(models.Model):
    """The scoring features of one lead, kept so that re-scoring every lead after a
    criteria change reads numbers and term counts instead of re-reading text."""

    lead = models.OneToOneField(
        "leads.Lead", on_delete=models.CASCADE, related_name="feature_snapshot"
    )
    content_hash = models.CharField(max_length=64)
    features = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"features of lead {self.lead_id}"


class RescoreRun(models.Model):
    """A bulk re-score of every lead with one profile, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    profile = models.ForeignKey(CriteriaProfile, on_delete=models.CASCADE)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default="queued")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    last_lead_id = models.BigIntegerField(default=0)
    # The leads chosen in a bulk action; NULL re-scores every lead.
    lead_ids = models.JSONField(null=True, blank=True)
    grade_moves = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"re-score {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
