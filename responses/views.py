"""Console pages for replies: the approval queue, draft actions, templates with a
live preview, A/B results, each user's alert settings, and the public opt-out
page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craigleads.http import HtmxHttpRequest
from leads.models import mask_email
from leads.selectors import leads_for

from . import abtesting, alerts, selectors, sending, services
from .forms import (
    AlertSettingsForm,
    DraftEditForm,
    OutcomeForm,
    QueueFilterForm,
    RejectForm,
    TemplateForm,
)
from .models import DoNotContact, Draft, ResponseTemplate


def _card_context(request: HtmxHttpRequest, draft: Draft) -> dict[str, object]:
    can_see = request.user.has_perm("leads.view_contact_details")
    # The reply greets the poster by name and may quote their address.
    show = str if can_see else draft.lead.masked_text
    return {
        "draft": draft,
        "shown_subject": show(draft.subject),
        "shown_body": show(draft.body),
        "shown_title": show(draft.lead.title),
        "to_display": draft.to_email if can_see else mask_email(draft.to_email),
        "mailto": sending.mailto_link(draft) if can_see else "",
        "events": draft.events.all(),
        "outcomes": OutcomeForm(),
    }


def _card(request: HtmxHttpRequest, draft_id: int, status: int = 200) -> HttpResponse:
    draft = get_object_or_404(selectors.drafts_for(request.user), pk=draft_id)
    context = _card_context(request, draft)
    return render(request, "responses/partials/draft_card.html", context, status=status)


def _after_action(request: HtmxHttpRequest, draft_id: int) -> HttpResponse:
    if request.htmx:
        return _card(request, draft_id)
    return redirect("responses:queue")


def _refuse(
    request: HtmxHttpRequest, draft_id: int, exc: services.DraftError
) -> HttpResponse:
    if request.htmx:
        response = _card(request, draft_id, status=exc.status)
        response["HX-Reswap"] = "outerHTML"
        messages.error(request, str(exc))
        return response
    messages.error(request, str(exc))
    return redirect("responses:queue")


@require_GET
@permission_required("responses.view_draft", raise_exception=True)
def approval_queue(request: HtmxHttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    drafts = selectors.list_queue(user=request.user, filters=filters)[:100]
    context = {
        "form": form,
        "cards": [_card_context(request, d) for d in drafts],
        "counts": selectors.draft_counts(request.user),
        "rules": selectors.list_approval_rules(),
        "querystring": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "queue":
        return render(request, "responses/queue.html#queue", context)
    return render(request, "responses/queue.html", context)


@require_GET
@permission_required("responses.view_draft", raise_exception=True)
def draft_card(request: HtmxHttpRequest, draft_id: int) -> HttpResponse:
    return _card(request, draft_id)


def _act(
    request: HtmxHttpRequest, draft_id: int, action: Callable[[], object]
) -> HttpResponse:
    """Run one draft action for a user who may see the draft; answer with the
    refreshed card, or the refusal's reason and status."""
    get_object_or_404(selectors.drafts_for(request.user), pk=draft_id)
    try:
        action()
    except services.DraftError as exc:
        return _refuse(request, draft_id, exc)
    return _after_action(request, draft_id)


def _valid(form: forms.Form, message: str) -> dict[str, Any]:
    if not form.is_valid():
        raise services.DraftError(message)
    return form.cleaned_data


@require_POST
@permission_required("responses.approve_draft", raise_exception=True)
def approve(request: HtmxHttpRequest, draft_id: int) -> HttpResponse:
    return _act(
        request,
        draft_id,
        lambda: services.approve(draft_id=draft_id, actor=request.user),
    )


@require_POST
@permission_required("responses.approve_draft", raise_exception=True)
def reject(request: HtmxHttpRequest, draft_id: int) -> HttpResponse:
    def action() -> object:
        data = _valid(RejectForm(request.POST), "Say why the draft is rejected.")
        return services.reject(
            draft_id=draft_id, actor=request.user, reason=data["reason"]
        )

    return _act(request, draft_id, action)


@require_POST
@permission_required("responses.change_draft", raise_exception=True)
def edit(request: HtmxHttpRequest, draft_id: int) -> HttpResponse:
    def action() -> object:
        data = _valid(
            DraftEditForm(request.POST), "The subject and the body are both needed."
        )
        return services.edit(draft_id=draft_id, actor=request.user, **data)

    return _act(request, draft_id, action)


@require_POST
@permission_required("responses.approve_draft", raise_exception=True)
def mark_sent(request: HtmxHttpRequest, draft_id: int) -> HttpResponse:
    return _act(
        request,
        draft_id,
        lambda: sending.mark_sent(draft_id=draft_id, actor=request.user),
    )


@require_POST
@permission_required("responses.record_outcome", raise_exception=True)
def outcome(request: HtmxHttpRequest, draft_id: int) -> HttpResponse:
    def action() -> object:
        data = _valid(
            OutcomeForm(request.POST),
            "Choose reply received, interview or no response.",
        )
        return services.record_outcome(draft_id=draft_id, actor=request.user, **data)

    return _act(request, draft_id, action)


@require_POST
@permission_required("responses.approve_draft", raise_exception=True)
def bulk_approve(request: HtmxHttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("draft_ids") if i.isdigit()]
    allowed = (
        selectors.drafts_for(request.user)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    result = services.bulk_approve(draft_ids=list(allowed), actor=request.user)
    messages.success(request, f"{len(result['approved'])} draft(s) approved.")
    for draft_id, reason in result["failed"]:
        messages.error(request, f"Draft {draft_id}: {reason}")
    return redirect("responses:queue")


@require_GET
@permission_required("leads.view_lead", raise_exception=True)
def lead_drafts(request: HtmxHttpRequest, lead_id: int) -> HttpResponse:
    """The lead page's slot: this lead's draft, if any."""
    lead = get_object_or_404(leads_for(request.user), pk=lead_id)
    draft = selectors.drafts_for(request.user).filter(lead=lead).first()
    if draft is None:
        return render(request, "responses/partials/no_draft.html", {"lead": lead})
    return _card(request, draft.pk)


# --- templates ------------------------------------------------------------------


@require_GET
@permission_required("responses.view_responsetemplate", raise_exception=True)
def template_list(request: HtmxHttpRequest) -> HttpResponse:
    context = {"templates": selectors.list_templates()}
    return render(request, "responses/templates.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("responses.view_responsetemplate", raise_exception=True)
def template_edit(
    request: HtmxHttpRequest, template_id: int | None = None
) -> HttpResponse:
    template = (
        get_object_or_404(ResponseTemplate, pk=template_id) if template_id else None
    )
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST":
        needed = "change" if template else "add"
        if not request.user.has_perm(f"responses.{needed}_responsetemplate"):
            return render(request, "403.html", status=403)
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"Template “{saved.name}” saved.")
            return redirect("responses:template-edit", template_id=saved.pk)
    leads = (
        leads_for(request.user).exclude(title="").order_by("-qualification_score")[:50]
    )
    context = {"form": form, "template": template, "leads": leads}
    return render(
        request,
        "responses/template_edit.html",
        context,
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required("responses.view_responsetemplate", raise_exception=True)
def template_preview(request: HtmxHttpRequest) -> HttpResponse:
    """Render the text being edited against a chosen lead (nothing is saved)."""
    from .templating import TemplateValidationError, parse_template, render_header

    lead = leads_for(request.user).filter(pk=request.POST.get("lead") or 0).first()
    subject_text = request.POST.get("subject_template", "")
    body_text = request.POST.get("body_template", "")
    context: dict[str, object] = {"lead": lead}
    try:
        subject, body = parse_template(subject_text), parse_template(body_text)
    except TemplateValidationError as exc:
        context["errors"] = [str(e) for e in exc.errors]
    else:
        if lead is not None:
            values = services.context_for(lead, services.sender_for(request.user))
            context["subject"] = render_header(subject, values)
            context["body"] = body.render(values)
            if not request.user.has_perm("leads.view_contact_details"):
                context["subject"] = lead.masked_text(str(context["subject"]))
                context["body"] = lead.masked_text(str(context["body"]))
    return render(request, "responses/partials/template_preview.html", context)


# --- A/B tests ---------------------------------------------------------------------


@require_GET
@permission_required("responses.view_abtest", raise_exception=True)
def ab_tests(request: HtmxHttpRequest) -> HttpResponse:
    reports = []
    for test in selectors.list_ab_tests():
        reports.append({"test": test, "report": ab_report(test)})
    return render(request, "responses/ab_tests.html", {"reports": reports})


def ab_report(test: object) -> abtesting.TestReport | None:
    from .models import ABTest

    assert isinstance(test, ABTest)  # noqa: S101 - narrowing for the type checker
    counts = selectors.variant_counts(test)
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
    # A test needs exactly one control and something to compare it with; until
    # then the page says so instead of showing figures.
    if sum(v.is_control for v in variants) != 1 or len(variants) < 2:
        return None
    return abtesting.analyse(variants, min_sample=test.min_sample)


# --- alerts -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("leads.view_lead", raise_exception=True)
def alert_settings(request: HtmxHttpRequest) -> HttpResponse:
    """The signed-in user's own alerts. The URL names no user, so nobody can
    read or change anyone else's settings."""
    bound = request.POST if request.method == "POST" else None
    form = AlertSettingsForm(
        bound, instance=alerts.settings_for(request.user), user=request.user
    )
    saved = form.is_valid()
    if saved:
        alerts.save_alert_settings(user=request.user, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, "Alert settings saved.")
            return redirect("responses:alerts")
        form = AlertSettingsForm(
            instance=alerts.settings_for(request.user), user=request.user
        )
    context = {
        "form": form,
        "saved": saved,
        "alert": alerts.settings_for(request.user),
        "deliveries": alerts.recent_deliveries(user=request.user),
    }
    if request.htmx:
        # htmx swaps only 2xx answers, and the errors must be swapped in.
        return render(request, "responses/alerts.html#settings", context)
    return render(
        request, "responses/alerts.html", context, status=400 if form.errors else 200
    )


@require_POST
@permission_required("leads.view_lead", raise_exception=True)
def alert_test(request: HtmxHttpRequest) -> HttpResponse:
    """Send a test to the user's saved webhook or to their e-mail address now."""
    channel = request.POST.get("channel", "")
    try:
        if channel == "webhook":
            messages.success(request, alerts.send_test_webhook(user=request.user))
        elif channel == "digest":
            messages.success(request, alerts.send_test_digest(user=request.user))
        else:
            messages.error(request, "Choose what to test: the webhook or the digest.")
    except alerts.AlertError as exc:
        messages.error(request, str(exc))
    return redirect("responses:alerts")


# --- opt-out (public) --------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def optout(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The link in every reply's footer. GET asks, POST records (so that mail
    scanners that follow links do not opt people out)."""
    email = sending.email_from_optout_token(token)
    if email is None:
        return render(request, "responses/optout.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.add_do_not_contact(
            kind=DoNotContact.Kind.EMAIL, value=email, reason="opted out from a reply"
        )
        done = True
    return render(request, "responses/optout.html", {"email": email, "done": done})
