"""A request type that knows about django-htmx's `request.htmx`, and the page a
person gets when a limit refuses them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def too_many_requests(
    request: HttpRequest, *, message: str, retry_after: int, back_url: str
) -> HttpResponse:
    """429 with Retry-After and a sentence saying which limit and when to retry."""
    response = render(
        request, "429.html", {"message": message, "back_url": back_url}, status=429
    )
    response["Retry-After"] = str(max(1, int(retry_after)))
    return response
