"""The lead page's advice slot."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from craigleads.http import HtmxHttpRequest
from leads.selectors import leads_for

from . import services
from .agent import PURSUE

# What the static grade would advise, to flag disagreement.
_GRADE_ADVICE = {"A": "qualify_high", "B": "qualify_medium", "C": "qualify_low"}


@require_GET
@permission_required("leads.view_lead", raise_exception=True)
def lead_advice(request: HtmxHttpRequest, lead_id: int) -> HttpResponse:
    lead = get_object_or_404(leads_for(request.user), pk=lead_id)
    advice = services.advise(lead=lead)
    grade_advice = _GRADE_ADVICE.get(lead.qualification_grade, "skip")
    disagrees = bool(lead.qualification_grade) and (
        (advice.action in PURSUE) != (grade_advice in PURSUE)
    )
    context = {
        "lead": lead,
        "advice": advice,
        "rows": sorted(advice.q_values.items(), key=lambda kv: -kv[1]),
        "disagrees": disagrees,
        "confidence_percent": round(100 * advice.confidence),
    }
    return render(request, "learning/partials/advice.html", context)


@require_GET
@permission_required("leads.view_lead", raise_exception=True)
def advisor(request: HtmxHttpRequest) -> HttpResponse:
    """How well the advisor matches the team, and its versions."""
    context = {
        "metrics": services.metrics(),
        "versions": services.list_versions()[:20],
    }
    return render(request, "learning/advisor.html", context)


@require_POST
@permission_required("learning.change_learningstate", raise_exception=True)
def rollback(request: HtmxHttpRequest, version: int) -> HttpResponse:
    try:
        restored = services.rollback(version=version)
    except services.LearningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Rolled back: {restored.note} (now version {restored.version})."
        )
    return redirect("learning:advisor")
