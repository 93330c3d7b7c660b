"""Dashboard panels for replies: the response funnel and the running A/B tests.

Registered with `leads.panels` (found by autodiscovery), so the dashboard in
`leads` shows them without importing this app.
"""

from __future__ import annotations

import math
from typing import Any

from leads.panels import register

from . import abtesting, selectors
from .models import ABTest

FUNNEL_STAGES = (
    ("generated", "Generated"),
    ("approved", "Approved"),
    ("sent", "Sent"),
    ("replied", "Replied"),
    ("interview", "Interview"),
)


def _percent(part: int, whole: int) -> int | None:
    # Rounded down, like the A/B report, so 199 of 200 never shows as 100%.
    return math.floor(100 * part / whole + 1e-9) if whole else None


@register("funnel", order=30, template="responses/panels/funnel.html")
def funnel_panel(user: Any) -> dict[str, Any] | None:
    """Drafts generated -> approved -> sent -> replied -> interview."""
    if not user.has_perm("responses.view_draft"):
        return None
    counts = selectors.draft_funnel(user)
    rows = []
    previous = counts["generated"]
    for key, label in FUNNEL_STAGES:
        rows.append(
            {
                "key": key,
                "label": label,
                "count": counts[key],
                "of_generated": _percent(counts[key], counts["generated"]),
                "of_previous": _percent(counts[key], previous),
            }
        )
        previous = counts[key]
    return {
        "rows": rows,
        "counts": counts,
        "chart": {
            "labels": [label for _key, label in FUNNEL_STAGES],
            "series": {"drafts": [counts[key] for key, _label in FUNNEL_STAGES]},
        },
    }


def _report(
    test: ABTest, counts: dict[str, dict[str, int]]
) -> tuple[abtesting.TestReport | None, str]:
    """The test's Bayesian report, or None and a sentence saying what is wrong
    with how the test is set up."""
    variants = [
        abtesting.VariantCounts(
            name=v.name,
            sent=counts.get(v.name, {}).get("sent", 0),
            replies=counts.get(v.name, {}).get("replies", 0),
            interviews=counts.get(v.name, {}).get("interviews", 0),
            is_control=v.is_control,
        )
        for v in test.variants.all()
    ]
    try:
        return abtesting.analyse(variants, min_sample=max(1, test.min_sample)), ""
    except ValueError as exc:
        return None, f"This test cannot be analysed: {exc}."


@register("ab-tests", order=50, template="responses/panels/ab_tests.html")
def ab_tests_panel(user: Any) -> dict[str, Any] | None:
    """The running A/B tests: per variant sends, replies, reply rate and the
    chance to beat the control, or "not enough data yet"."""
    if not user.has_perm("responses.view_abtest"):
        return None
    tests = selectors.list_active_ab_tests(user)
    counts = selectors.variant_counts_for(tests)
    summaries = []
    for test in tests:
        report, problem = _report(test, counts[test.pk])
        templates = {v.name: v.template.name for v in test.variants.all()}
        variants = [
            {
                "name": r.name,
                "template": templates.get(r.name, ""),
                "is_control": r.is_control,
                "sent": r.sent,
                "replies": r.replies,
                "reply_rate": _percent(r.replies, r.sent),
                "chance": None
                if r.chance_to_beat_control is None
                else math.floor(100 * r.chance_to_beat_control + 1e-9),
            }
            for r in (report.variants if report else [])
        ]
        summaries.append(
            {
                "test": test,
                "variants": variants,
                "message": report.message if report else problem,
                "leader": report.leader if report else None,
                "enough_data": bool(report and report.enough_data),
                "ok": report is not None,
            }
        )
    return {"summaries": summaries}
