"""Console pages for replies: the approval queue and the template list."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from craigleads.http import HtmxHttpRequest

from . import selectors


@require_GET
@permission_required("responses.view_responsetemplate", raise_exception=True)
def approval_queue(request: HtmxHttpRequest) -> HttpResponse:
    context = {"rules": selectors.list_approval_rules()}
    return render(request, "responses/queue.html", context)


@require_GET
@permission_required("responses.view_responsetemplate", raise_exception=True)
def template_list(request: HtmxHttpRequest) -> HttpResponse:
    context = {"templates": selectors.list_templates()}
    return render(request, "responses/templates.html", context)
