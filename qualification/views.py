"""Console pages for qualification: the score fragment on the lead page, and the
criteria page with a preview of grade moves and a live re-score progress bar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from craigleads.http import HtmxHttpRequest
from leads.selectors import leads_for

from . import selectors, services
from .forms import CriteriaForm
from .models import RescoreRun
from .scoring import FACTORS


@require_GET
@permission_required("leads.view_lead", raise_exception=True)
def lead_score(request: HtmxHttpRequest, lead_id: int) -> HttpResponse:
    lead = get_object_or_404(leads_for(request.user), pk=lead_id)
    breakdown = lead.qualification_breakdown or {}
    rows = [
        {"factor": f, **breakdown[f], "percent": round(100 * breakdown[f]["score"])}
        for f in FACTORS
        if f in breakdown
    ]
    context = {"lead": lead, "rows": rows}
    return render(request, "qualification/partials/lead_score.html", context)


@require_POST
@permission_required("leads.change_lead", raise_exception=True)
def requalify(request: HtmxHttpRequest, lead_id: int) -> HttpResponse:
    lead = get_object_or_404(leads_for(request.user), pk=lead_id)
    services.qualify_lead(
        lead_id=lead.pk, profile=selectors.active_profile_for(request.user)
    )
    if request.htmx:
        return lead_score(request, lead.pk)
    return redirect("leads:detail", lead_id=lead.pk)


@require_GET
@permission_required("qualification.view_criterion", raise_exception=True)
def criteria(request: HtmxHttpRequest) -> HttpResponse:
    profile = selectors.active_profile_for(request.user)
    config = selectors.profile_config(profile)
    context = {
        "profile": profile,
        "form": CriteriaForm(initial=CriteriaForm.initial_from(config)),
        "run": selectors.latest_rescore(profile) if profile else None,
    }
    return render(request, "qualification/criteria.html", context)


@require_POST
@permission_required("qualification.change_criterion", raise_exception=True)
def preview(request: HtmxHttpRequest) -> HttpResponse:
    form = CriteriaForm(request.POST)
    if not form.is_valid():
        return render(request, "qualification/partials/preview.html", {"form": form})
    moves = services.grade_moves(config=form.config())
    grade_rows = [
        (g, moves["before"].get(g, 0), moves["after"].get(g, 0)) for g in "ABCDF"
    ]
    context = {"moves": moves, "grade_rows": grade_rows}
    return render(request, "qualification/partials/preview.html", context)


@require_POST
@permission_required("qualification.change_criterion", raise_exception=True)
def save(request: HtmxHttpRequest) -> HttpResponse:
    profile = selectors.active_profile_for(request.user)
    form = CriteriaForm(request.POST)
    if profile is None:
        messages.error(request, "There is no criteria profile yet; run load_defaults.")
        return redirect("qualification:criteria")
    if not form.is_valid():
        context = {
            "profile": profile,
            "form": form,
            "run": selectors.latest_rescore(profile),
        }
        return render(request, "qualification/criteria.html", context, status=400)
    services.save_profile_criteria(
        profile=profile,
        criteria=form.criteria(),
        thresholds=form.thresholds(),
        actor=request.user,
    )
    messages.success(request, "Criteria saved. Every lead is being re-graded.")
    return redirect("qualification:criteria")


@require_GET
@permission_required("qualification.view_criterion", raise_exception=True)
def rescore_progress(request: HtmxHttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(RescoreRun, pk=run_id)
    response = render(request, "qualification/partials/rescore.html", {"run": run})
    if request.htmx and run.status == RescoreRun.Status.DONE:
        # Lists showing these leads redraw themselves with the new grades.
        response["HX-Trigger"] = "lead-qualified"
    return response
