"""Reads of templates, rules, drafts and A/B tests."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import ABTest, ApprovalRule, Draft, ResponseTemplate


def list_templates() -> QuerySet[ResponseTemplate]:
    return ResponseTemplate.objects.all()


def list_approval_rules() -> QuerySet[ApprovalRule]:
    return ApprovalRule.objects.filter(active=True)


def drafts_for(user: Any) -> QuerySet[Draft]:
    """Drafts a user may read (the team shares them; no role, none)."""
    if not user.is_authenticated or not user.has_perm("responses.view_draft"):
        return Draft.objects.none()
    return Draft.objects.select_related(
        "lead", "lead__site", "lead__category", "template", "decided_by_rule"
    ).prefetch_related("events")


def list_queue(*, user: Any, filters: dict[str, Any]) -> QuerySet[Draft]:
    qs = drafts_for(user)
    state = filters.get("state") or ""
    if state == "":
        qs = qs.filter(state__in=[Draft.State.PENDING_REVIEW, Draft.State.GENERATED])
    elif state != "all":
        qs = qs.filter(state=state)
    if grade := filters.get("grade"):
        qs = qs.filter(lead__qualification_grade=grade)
    if filters.get("escalated"):
        qs = qs.filter(escalated=True)
    return qs.order_by("-escalated", "-lead__qualification_score", "created_at")


def draft_counts(user: Any) -> dict[str, int]:
    return dict(
        drafts_for(user)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )


def list_ab_tests() -> QuerySet[ABTest]:
    return ABTest.objects.prefetch_related("variants__template")


def variant_counts(test: ABTest) -> dict[str, dict[str, Any]]:
    """Per variant: sent, replies and interviews of the drafts it produced."""
    sent_states = [Draft.State.SENT, Draft.State.DELIVERED]
    rows = (
        Draft.objects.filter(ab_test=test)
        .values("variant")
        .annotate(
            sent=Count("id", filter=Q(state__in=sent_states)),
            replies=Count(
                "id",
                filter=Q(state__in=sent_states, outcome__in=["reply", "interview"]),
            ),
            interviews=Count(
                "id", filter=Q(state__in=sent_states, outcome="interview")
            ),
        )
    )
    return {str(r["variant"]): dict(r) for r in rows}
