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


# --- dashboard ------------------------------------------------------------------------

FUNNEL_SENT = (Draft.State.SENT, Draft.State.DELIVERED)


def draft_funnel(user: Any) -> dict[str, int]:
    """How far the drafts got, in one aggregate query: every stage counts the
    drafts that reached it (a delivered draft was also approved and sent), plus
    where the others stand (waiting for review, rejected, failed).

    "Approved" includes drafts approved then sent back to review (they keep
    `approved_at`); "sent" means sent or delivered now, as the A/B counts do.
    """
    sent = Q(state__in=FUNNEL_SENT)
    return drafts_for(user).aggregate(
        generated=Count("id"),
        approved=Count("id", filter=Q(approved_at__isnull=False) | sent),
        sent=Count("id", filter=sent),
        replied=Count(
            "id",
            filter=sent & Q(outcome__in=[Draft.Outcome.REPLY, Draft.Outcome.INTERVIEW]),
        ),
        interview=Count("id", filter=sent & Q(outcome=Draft.Outcome.INTERVIEW)),
        pending=Count(
            "id",
            filter=Q(state__in=[Draft.State.GENERATED, Draft.State.PENDING_REVIEW]),
        ),
        rejected=Count("id", filter=Q(state=Draft.State.REJECTED)),
        failed=Count("id", filter=Q(state=Draft.State.FAILED)),
    )


def list_active_ab_tests(user: Any, *, limit: int = 10) -> list[ABTest]:
    """The newest running A/B tests with their variants (two queries however
    many there are)."""
    if not user.is_authenticated or not user.has_perm("responses.view_abtest"):
        return []
    return list(
        ABTest.objects.filter(active=True)
        .prefetch_related("variants__template")
        .order_by("-created_at", "-id")[:limit]
    )


def variant_counts_for(tests: list[ABTest]) -> dict[int, dict[str, dict[str, int]]]:
    """`variant_counts` for several tests in one query: test id -> variant ->
    sent, replies, interviews."""
    counts: dict[int, dict[str, dict[str, int]]] = {t.pk: {} for t in tests}
    if not tests:
        return counts
    sent = Q(state__in=FUNNEL_SENT)
    rows = (
        Draft.objects.filter(ab_test__in=[t.pk for t in tests])
        .values("ab_test_id", "variant")
        .annotate(
            sent=Count("id", filter=sent),
            replies=Count("id", filter=sent & Q(outcome__in=["reply", "interview"])),
            interviews=Count("id", filter=sent & Q(outcome="interview")),
        )
        .order_by()
    )
    for row in rows:
        counts[row["ab_test_id"]][str(row["variant"])] = {
            "sent": row["sent"],
            "replies": row["replies"],
            "interviews": row["interviews"],
        }
    return counts
