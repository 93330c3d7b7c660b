"""Reads of criteria profiles, criteria and re-score runs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import CriteriaProfile, Criterion, RescoreRun, UserCriteriaChoice
from .scoring import DEFAULT_THRESHOLDS, ProfileConfig


def default_profile() -> CriteriaProfile | None:
    return CriteriaProfile.objects.filter(is_default=True).first()


def active_profile_for(user: Any) -> CriteriaProfile | None:
    """The profile a user scores with: their choice, else the team default."""
    if user is not None and getattr(user, "is_authenticated", False):
        choice = (
            UserCriteriaChoice.objects.filter(user=user)
            .select_related("profile")
            .first()
        )
        if choice is not None:
            return choice.profile
    return default_profile()


def profile_config(profile: CriteriaProfile | None) -> ProfileConfig:
    """The scoring configuration of a profile (the built-in default without one)."""
    if profile is None:
        return ProfileConfig.default()
    rows = [
        (c.type, c.config, float(c.weight), c.active) for c in profile.criteria.all()
    ]
    thresholds = {**DEFAULT_THRESHOLDS, **(profile.grade_thresholds or {})}
    return ProfileConfig.from_rows(rows, thresholds)


def list_profiles() -> QuerySet[CriteriaProfile]:
    return CriteriaProfile.objects.prefetch_related("criteria")


def list_criteria() -> QuerySet[Criterion]:
    return Criterion.objects.select_related("profile")


def latest_rescore(profile: CriteriaProfile) -> RescoreRun | None:
    return RescoreRun.objects.filter(profile=profile).first()
