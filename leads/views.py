"""Console pages for leads: dashboard, list, detail, bulk actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Page, Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_POST

from craigleads.http import HtmxHttpRequest, too_many_requests
from craigleads.masking import mask_for_viewer
from memory import services as memory

from . import exports, hooks, selectors, services
from . import panels as dashboard_panels
from .forms import BulkActionForm, LeadFilterForm
from .models import Lead

PAGE_SIZE = 50
# Counting every match of a broad filter reads the whole table (~50 ms at 100,000
# leads); the list counts up to this many and says "10,000+" beyond.
COUNT_UP_TO = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at COUNT_UP_TO (SELECT COUNT(*) over a LIMIT
    subquery), so the first pages of a huge list cost what the page costs."""

    @cached_property
    def count(self) -> int:
        # order_by(): a count needs no order, and sorting every match first would
        # cost more than the count saves.
        matches = self.object_list.order_by()  # type: ignore[attr-defined]
        return int(matches[: COUNT_UP_TO + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > COUNT_UP_TO

    def page(self, number: int | str) -> Page:
        """As Django's, but a capped count does not cut the last page short."""
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return Page(self.object_list[bottom : bottom + self.per_page], number, self)


LIST_COLUMNS = (
    "id",
    "url",
    "title",
    "hood",
    "status",
    "qualification_grade",
    "compensation",
    "price",
    "dedup_class",
    "archived",
    "posted_at",
    "site__code",
    "category__code",
)
# Below this cosine similarity two postings share wording, not content.
SIMILAR_AT_LEAST = 0.75


@require_GET
@permission_required("leads.view_lead", raise_exception=True)
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """Lead figures from `leads`, then the panels other apps register (see
    `leads.panels`). "?by=site" splits the volume chart by site: a plain link,
    since htmx drops the json_script data of a swapped fragment."""
    by = request.GET.get("by") or "category"
    if by not in selectors.VOLUME_GROUPS:
        return HttpResponseBadRequest(
            f"by={by!r} is not a way to split the volume: use category or site.",
            content_type="text/plain; charset=utf-8",
        )
    if request.htmx and request.htmx.target == "dashboard-stats":
        overview = dashboard_panels.cached(
            "overview", request.user, lambda: selectors.lead_overview(request.user)
        )
        return render(request, "leads/dashboard.html#stats", {"overview": overview})
    if request.htmx:
        recent = _titles_for(request, selectors.latest_leads(request.user))
        return render(request, "leads/dashboard.html#recent-leads", {"recent": recent})
    volume = dashboard_panels.cached(
        f"volume:{by}", request.user, lambda: selectors.lead_volume(request.user, by=by)
    )
    overview = dashboard_panels.cached(
        "overview", request.user, lambda: selectors.lead_overview(request.user)
    )
    grades = {g: overview["grades"].get(g, 0) for g in "ABCDF"}
    context = {
        "volume": volume,
        "volume_rows": selectors.volume_table(volume),
        "overview": overview,
        "recent": _titles_for(request, selectors.latest_leads(request.user)),
        "grade_chart": {
            "labels": list(grades),
            "series": {"leads": [*grades.values()]},
        },
        "panels": dashboard_panels.render_panels(request.user),
    }
    return render(request, "leads/dashboard.html", context)


@require_GET
@permission_required("leads.view_lead", raise_exception=True)
def lead_list(request: HtmxHttpRequest) -> HttpResponse:
    params: QueryDict = request.GET
    user_id = int(request.user.pk or 0)
    if not params and not request.htmx:
        # Coming back to the list restores the operator's last filters.
        params = QueryDict(mutable=True)
        params.update(memory.load_context(user_id=user_id, name="lead-filters"))
    else:
        # "?reset=1" saves an empty context: the next visit starts unfiltered.
        memory.save_context(
            user_id=user_id,
            name="lead-filters",
            context={
                k: v for k, v in params.items() if k in LeadFilterForm.base_fields
            },
        )
    form = LeadFilterForm(params)
    leads = selectors.list_leads(
        user=request.user, filters=form.filters(), sort=form.sort_order()
    )
    # Only the columns the table shows: descriptions and JSON stay in the database.
    leads = leads.only(*LIST_COLUMNS)
    page = CappedPaginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _titles_for(request, page.object_list)
    context = {
        "form": form,
        "page": page,
        "can_change": request.user.has_perm("leads.change_lead"),
        "count_up_to": COUNT_UP_TO,
        "filter_errors": form.error_lines(),
        "can_see_contacts": request.user.has_perm("leads.view_contact_details"),
        "querystring": params.urlencode(),
        # A bulk re-qualify started on the last request: its progress bar.
        "rescore_run": request.session.pop("rescore_run", None),
    }
    if request.htmx and request.htmx.target == "lead-table":
        return render(request, "leads/lead_list.html#lead-table", context)
    context["menus"] = form.menus(selectors.list_categories(), selectors.list_sites())
    return render(request, "leads/lead_list.html", context)


CONTACT_FIELDS = ["contact_name", "contact_email", "contact_phone"]
# Free text that can carry an address or a number (the parser finds them there).
TEXT_FIELDS = ["title", "description", "company", "notices", "attributes"]


def _titles_for(request: HtmxHttpRequest, leads: Iterable[Lead]) -> list[Lead]:
    """Rows for a list; for viewers, titles without addresses or phone numbers
    (the rows are display copies and never saved)."""
    rows = list(leads)
    if not request.user.has_perm("leads.view_contact_details"):
        for lead in rows:
            lead.title = mask_for_viewer(lead.title)
    return rows


@require_GET
@permission_required("leads.view_lead", raise_exception=True)
def lead_detail(request: HtmxHttpRequest, lead_id: int) -> HttpResponse:
    lead = get_object_or_404(selectors.leads_for(request.user), pk=lead_id)
    shown = [*CONTACT_FIELDS, *TEXT_FIELDS]
    if request.user.has_perm("leads.view_contact_details"):
        text = {name: getattr(lead, name) for name in shown}
    else:
        text = lead.masked_fields(shown)
    copies = lead.copies.select_related("site").order_by("-created_at")[:20]
    context = {"lead": lead, "text": text, "copies": copies}
    return render(request, "leads/lead_detail.html", context)


@require_GET
@permission_required("leads.view_lead", raise_exception=True)
def lead_memory(request: HtmxHttpRequest, lead_id: int) -> HttpResponse:
    """The lead page's slot: similar leads from the memory's embeddings, and the
    lead's story and conversation."""
    lead = get_object_or_404(selectors.leads_for(request.user), pk=lead_id)
    found = memory.similar_leads(lead_id=lead.pk, k=6, minimum=SIMILAR_AT_LEAST)
    by_id = selectors.leads_for(request.user).in_bulk([pk for pk, _ in found])
    similar = [(by_id[pk], score) for pk, score in found if pk in by_id]
    context = {
        "lead": lead,
        "similar": similar,
        "steps": [
            {
                **step,
                "label": str(step.get("step", "")).replace("_", " "),
                "at": parse_datetime(str(step.get("at", ""))),
            }
            for step in memory.episode(lead_id=lead.pk)
        ],
        "messages": _thread_for(request, lead),
    }
    return render(request, "leads/partials/lead_memory.html", context)


def _thread_for(request: HtmxHttpRequest, lead: Lead) -> list[Any]:
    """The lead's conversation; for viewers, with contact details hidden (the
    rows are display copies and never saved)."""
    thread = memory.thread(lead_id=lead.pk)
    if request.user.has_perm("leads.view_contact_details"):
        return thread
    for message in thread:
        if isinstance(message.content, dict):
            message.content = {
                k: lead.masked_text(v) if isinstance(v, str) else v
                for k, v in message.content.items()
            }
    return thread


@require_POST
@permission_required("leads.change_lead", raise_exception=True)
def bulk_action(request: HtmxHttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("lead_ids") if i.isdigit()]
    allowed = list(
        selectors.leads_for(request.user)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    form = BulkActionForm(request.POST, allowed_ids=allowed)
    if not form.is_valid():
        if "lead_ids" in form.errors:
            messages.error(request, "Choose at least one lead you can see.")
        else:
            messages.error(request, "Choose one of the bulk actions.")
        return redirect("leads:list")
    lead_ids = form.cleaned_data["lead_ids"]
    action = form.cleaned_data["action"]
    if action == "requalify":
        run_id = hooks.requalify_requested(lead_ids, request.user)
        if run_id is None:
            messages.error(
                request, "There are no criteria to score with; run load_defaults."
            )
        else:
            request.session["rescore_run"] = run_id
            messages.success(request, f"Re-qualifying {len(lead_ids)} lead(s).")
        return redirect("leads:list")
    if action == "dnc":
        changed = services.set_do_not_contact(lead_ids=lead_ids)
    else:
        changed = services.set_archived(lead_ids=lead_ids, archived=action == "archive")
    messages.success(request, f"{changed} lead(s) updated.")
    return redirect("leads:list")


@require_GET
@permission_required("leads.export_leads", raise_exception=True)
def export(request: HtmxHttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered lead list as CSV or JSON (10 a day per user)."""
    if fmt not in {"csv", "json"}:
        raise Http404("Exports are CSV or JSON.")
    form = LeadFilterForm(request.GET)
    leads = selectors.list_leads(
        user=request.user, filters=form.filters(), sort=form.sort_order()
    )
    try:
        chunks = exports.start_export(
            user=request.user, leads=leads, fmt=fmt, filters=form.filters()
        )
    except exports.ExportLimitReached as exc:
        return too_many_requests(
            request,
            message=str(exc),
            retry_after=exc.retry_after,
            back_url=reverse("leads:list"),
        )
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(
        chunks, content_type=f"{content_type}; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="craigleads-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
