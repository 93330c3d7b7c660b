"""The Scrapes page: saved searches, starting jobs, live progress, history."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from craigleads.http import HtmxHttpRequest, too_many_requests

from . import selectors, services
from .forms import SavedSearchForm, StartJobForm


def _page_context(request: HtmxHttpRequest) -> dict[str, object]:
    return {
        "jobs": selectors.list_jobs()[:25],
        "searches": selectors.list_saved_searches(),
        "silent_searches": services.searches_returning_nothing(),
        "policy": services.get_policy(),
        "can_run": request.user.has_perm("scraping.run_scrape"),
    }


@require_GET
@permission_required("scraping.view_scrapejob", raise_exception=True)
def scrapes(request: HtmxHttpRequest) -> HttpResponse:
    if request.htmx and request.htmx.target == "job-table":
        return render(
            request, "scraping/scrapes.html#job-table", _page_context(request)
        )
    context = {
        **_page_context(request),
        "start_form": StartJobForm(demo_url=settings.DEMO_SITE_URL),
        "search_form": SavedSearchForm(
            initial={"base_url": settings.DEMO_SITE_URL or ""}
        ),
    }
    return render(request, "scraping/scrapes.html", context)


@require_POST
@permission_required("scraping.run_scrape", raise_exception=True)
def start_job(request: HtmxHttpRequest) -> HttpResponse:
    form = StartJobForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            job = services.create_job(
                site_codes=[s.code for s in data["sites"]],
                category_codes=[data["category"].code],
                keywords=data["keywords"],
                max_pages=data["max_pages"],
                base_url=data["base_url"] or "",
                created_by=request.user,
            )
        except services.ScrapeRateLimited as exc:
            return too_many_requests(
                request,
                message=str(exc),
                retry_after=exc.retry_after,
                back_url=reverse("scraping:scrapes"),
            )
        except services.ScrapeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Scrape job {job.pk} queued.")
            return redirect("scraping:scrapes")
    else:
        messages.error(
            request,
            "Check the form: "
            + "; ".join(
                f"{field}: {' '.join(str(e) for e in errs)}"
                for field, errs in form.errors.items()
            ),
        )
    return redirect("scraping:scrapes")


@require_POST
@permission_required("scraping.run_scrape", raise_exception=True)
def cancel_job(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(selectors.list_jobs(), pk=job_id)
    if services.cancel_job(job_id=job.pk, actor=request.user):
        messages.success(request, f"Scrape job {job.pk} cancelled.")
    else:
        messages.error(request, f"Scrape job {job.pk} had already finished.")
    return redirect("scraping:scrapes")


@require_POST
@permission_required("scraping.add_savedsearch", raise_exception=True)
def save_search(request: HtmxHttpRequest) -> HttpResponse:
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        search = form.save(commit=False)
        search.owner = request.user
        search.save()
        form.save_m2m()
        messages.success(request, f"Saved search “{search.name}” created.")
    else:
        messages.error(
            request,
            "Check the saved search: "
            + "; ".join(
                f"{field}: {' '.join(str(e) for e in errs)}"
                for field, errs in form.errors.items()
            ),
        )
    return redirect("scraping:scrapes")


@require_http_methods(["GET", "POST"])
@permission_required("scraping.change_savedsearch", raise_exception=True)
def edit_search(request: HtmxHttpRequest, search_id: int) -> HttpResponse:
    """Change a saved search's sites, query, schedule or pause it."""
    search = get_object_or_404(selectors.list_saved_searches(), pk=search_id)
    form = SavedSearchForm(request.POST or None, instance=search)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved search “{search.name}” updated.")
        return redirect("scraping:scrapes")
    status = 400 if request.method == "POST" else 200
    context = {"search": search, "form": form}
    return render(request, "scraping/search_edit.html", context, status=status)


@require_POST
@permission_required("scraping.change_savedsearch", raise_exception=True)
def toggle_search(request: HtmxHttpRequest, search_id: int) -> HttpResponse:
    search = get_object_or_404(selectors.list_saved_searches(), pk=search_id)
    services.set_search_active(search_id=search.pk, active=not search.active)
    return redirect("scraping:scrapes")


@require_POST
@permission_required("scraping.change_scrapingpolicy", raise_exception=True)
def set_policy(request: HtmxHttpRequest) -> HttpResponse:
    enabled = request.POST.get("live_fetching_enabled") == "on"
    if enabled and request.POST.get("terms_read") != "on":
        messages.error(request, "Confirm that you have read the terms notice first.")
        return redirect("scraping:scrapes")
    services.set_live_fetching(enabled=enabled, actor=request.user)
    messages.success(request, "Live fetching is now " + ("on." if enabled else "off."))
    return redirect("scraping:scrapes")
