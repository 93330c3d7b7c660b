"""Reads of leads, sites and categories."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, OrderBy, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import search
from .models import Category, Lead, Site

SORTS = {
    "newest": ("-posted_at", "-id"),
    "oldest": ("posted_at", "id"),
    "score": ("-qualification_score", "-id"),
    "scraped": ("-scraped_at", "-id"),
    "relevance": ("-posted_at", "-id"),
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
    elif filters.get("archived_only"):
        qs = qs.filter(archived=True)
    if q := (filters.get("q") or "").strip():
        qs = search.filter_leads(qs, q)
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
    if q and search.uses_full_text() and sort == "newest":
        # Sorting by an expression keeps PostgreSQL from walking the posted_at
        # index and computing every lead's text vector until it has a page of
        # matches; it finds them through the GIN index and sorts only those.
        return qs.order_by(
            OrderBy(Coalesce("posted_at", "created_at"), descending=True), "-id"
        )
    if sort == "relevance":
        # Best matches first on PostgreSQL; without a search (or on SQLite, which
        # has no ranking) the newest come first.
        if q and search.uses_full_text():
            return search.rank_by_relevance(qs, q)
        sort = "newest"
    return qs.order_by(*SORTS.get(sort, SORTS["newest"]))


def get_lead_for(user: Any, lead_id: int) -> Lead:
    return leads_for(user).get(pk=lead_id)


def list_sites() -> QuerySet[Site]:
    return Site.objects.all()


def list_categories() -> QuerySet[Category]:
    return Category.objects.all()


def lead_overview(user: Any, *, top: int = 8) -> dict[str, Any]:
    """Figures for the dashboard's first row, the grade counts (A-F, only those
    present) and the `top` categories by leads.

    One pass over the leads: a single GROUP BY category and grade, summed here,
    instead of a scan per figure (a 100,000-lead table costs one scan, not
    three). The category names are a second, tiny query.
    """
    since = timezone.now() - timedelta(days=1)
    rows = list(
        leads_for(user)
        .values("category_id", "qualification_grade")
        .annotate(
            n=Count("id"),
            today=Count("id", filter=Q(created_at__gte=since)),
            qualified=Count("id", filter=Q(qualification_passed=True)),
            gone=Count("id", filter=~Q(status=Lead.Status.ACTIVE)),
        )
        .order_by()
    )
    totals = {
        "total": sum(r["n"] for r in rows),
        "today": sum(r["today"] for r in rows),
        "qualified": sum(r["qualified"] for r in rows),
        "gone": sum(r["gone"] for r in rows),
    }
    grades: dict[str, int] = {}
    per_category: dict[int | None, int] = {}
    for row in rows:
        if grade := row["qualification_grade"]:
            grades[grade] = grades.get(grade, 0) + row["n"]
        per_category[row["category_id"]] = (
            per_category.get(row["category_id"], 0) + row["n"]
        )
    busiest = sorted(per_category, key=lambda c: (-per_category[c], c or 0))[:top]
    named: dict[int | None, tuple[str | None, str | None]] = {
        pk: (code, name)
        for pk, code, name in Category.objects.filter(
            pk__in=[c for c in busiest if c is not None]
        ).values_list("pk", "code", "name")
    }
    by_category = [
        {
            "category__code": named.get(c, (None, None))[0],
            "category__name": named.get(c, (None, None))[1],
            "n": per_category[c],
        }
        for c in busiest
    ]
    return {
        "totals": totals,
        "grades": {g: grades[g] for g in sorted(grades)},
        "by_category": by_category,
    }


def lead_volume(
    user: Any, *, days: int = 30, top: int = 5, by: str = "category"
) -> dict[str, Any]:
    """New leads per day over the last `days`, one series per category or per
    site (`by`) for the busiest `top` of them (the rest summed as "other"), ready
    for a stacked chart and its table. Days without a lead are zeros, so the
    chart's axis is time, not the days that happened to have data."""
    from django.db.models.functions import TruncDate

    if by not in VOLUME_GROUPS:
        raise ValueError(
            f"Lead volume is grouped by {' or '.join(VOLUME_GROUPS)}, not {by!r}."
        )
    field = VOLUME_GROUPS[by]
    since = timezone.now() - timedelta(days=days)
    rows = list(
        leads_for(user)
        .filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day", field)
        .annotate(n=Count("id"))
        .order_by("day")
    )
    totals: dict[str, int] = {}
    for row in rows:
        code = row[field] or "none"
        totals[code] = totals.get(code, 0) + row["n"]
    keep = sorted(totals, key=lambda c: (-totals[c], c))[:top]
    labels = []
    if rows:
        day, last = rows[0]["day"], max(rows[-1]["day"], timezone.localdate())
        while day <= last:
            labels.append(day.isoformat())
            day += timedelta(days=1)
    position = {label: i for i, label in enumerate(labels)}
    series: dict[str, list[int]] = {
        code: [0] * len(labels) for code in [*keep, "other"]
    }
    for row in rows:
        code = row[field] or "none"
        name = code if code in keep else "other"
        series[name][position[row["day"].isoformat()]] += row["n"]
    if not any(series["other"]):
        series.pop("other")
    return {"labels": labels, "series": series, "by": by}


# --- dashboard ------------------------------------------------------------------------

# How the dashboard may split the lead volume: the choice -> the field grouped on.
VOLUME_GROUPS = {"category": "category__code", "site": "site__code"}


def volume_table(volume: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """The rows of the table behind the volume chart: a day and its counts in
    the order of the chart's series, newest day first."""
    columns = list(volume["series"].values())
    rows = [
        (day, [values[i] for values in columns])
        for i, day in enumerate(volume["labels"])
    ]
    return rows[::-1]


def latest_leads(user: Any, *, limit: int = 10) -> QuerySet[Lead]:
    """The newest leads by arrival, for the dashboard. Ordered by `created_at`
    (indexed), so 100,000 leads cost an index walk of `limit` rows, where the
    newest-posted order would sort the whole table."""
    return (
        leads_for(user)
        .defer("body_html", "json_ld")
        .filter(archived=False)
        .order_by("-created_at", "-id")[:limit]
    )
