"""Reads of leads, sites and categories."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import Category, Lead, Site

SORTS = {
    "newest": ("-posted_at", "-id"),
    "oldest": ("posted_at", "id"),
    "score": ("-qualification_score", "-id"),
    "scraped": ("-scraped_at", "-id"),
}


def leads_for(user: Any) -> QuerySet[Lead]:
    """Every lead a user may read. The team shares one lead pool; a user without
    a role sees nothing."""
    if not user.is_authenticated or not user.has_perm("leads.view_lead"):
        return Lead.objects.none()
    return Lead.objects.select_related("site", "category")


def list_leads(
    *, user: Any, filters: dict[str, Any] | None = None, sort: str = "newest"
) -> QuerySet[Lead]:
    """Leads matching the console's / API's filters, sorted."""
    filters = filters or {}
    qs = leads_for(user).defer("body_html", "json_ld")
    if not filters.get("include_archived"):
        qs = qs.filter(archived=False)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(company__icontains=q)
        )
    if category := filters.get("category"):
        qs = qs.filter(category__code=category)
    if site := filters.get("site"):
        qs = qs.filter(site__code=site)
    if (location_id := filters.get("location_id")) is not None:
        qs = qs.filter(site_id=location_id)
    if grade := filters.get("grade"):
        qs = qs.filter(qualification_grade=grade)
    if (min_score := filters.get("min_score")) is not None:
        qs = qs.filter(qualification_score__gte=min_score)
    if filters.get("qualified_only"):
        qs = qs.filter(qualification_passed=True)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if dedup := filters.get("dedup_class"):
        qs = qs.filter(dedup_class=dedup)
    if (remote := filters.get("remote")) is not None:
        qs = qs.filter(is_remote=remote)
    if days := filters.get("posted_within_days"):
        qs = qs.filter(posted_at__gte=timezone.now() - timedelta(days=int(days)))
    return qs.order_by(*SORTS.get(sort, SORTS["newest"]))


def get_lead_for(user: Any, lead_id: int) -> Lead:
    return leads_for(user).get(pk=lead_id)


def list_sites() -> QuerySet[Site]:
    return Site.objects.all()


def list_categories() -> QuerySet[Category]:
    return Category.objects.all()


def lead_overview(user: Any) -> dict[str, Any]:
    """Figures for the dashboard's first row."""
    qs = leads_for(user)
    since = timezone.now() - timedelta(days=1)
    totals = qs.aggregate(
        total=Count("id"),
        today=Count("id", filter=Q(created_at__gte=since)),
        qualified=Count("id", filter=Q(qualification_passed=True)),
        gone=Count("id", filter=~Q(status=Lead.Status.ACTIVE)),
    )
    grades = dict(
        qs.exclude(qualification_grade="")
        .values_list("qualification_grade")
        .annotate(n=Count("id"))
        .values_list("qualification_grade", "n")
    )
    by_category = list(
        qs.values("category__code", "category__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:8]
    )
    return {"totals": totals, "grades": grades, "by_category": by_category}


def lead_volume(user: Any, *, days: int = 30, top: int = 5) -> dict[str, Any]:
    """New leads per day over the last `days`, for the busiest categories (the rest
    summed as "other"), ready for a stacked chart and its table."""
    from django.db.models.functions import TruncDate

    since = timezone.now() - timedelta(days=days)
    rows = list(
        leads_for(user)
        .filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day", "category__code")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    totals: dict[str, int] = {}
    for row in rows:
        code = row["category__code"] or "none"
        totals[code] = totals.get(code, 0) + row["n"]
    keep = sorted(totals, key=lambda c: -totals[c])[:top]
    labels = sorted({row["day"].isoformat() for row in rows})
    series: dict[str, list[int]] = {
        code: [0] * len(labels) for code in [*keep, "other"]
    }
    for row in rows:
        code = row["category__code"] or "none"
        name = code if code in keep else "other"
        series[name][labels.index(row["day"].isoformat())] += row["n"]
    if not any(series["other"]):
        series.pop("other")
    return {"labels": labels, "series": series}
