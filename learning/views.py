"""The lead page's advice slot."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

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
