"""Request id for logs, a clean 503 while the database is unreachable, and
login-by-default for every page."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.html import format_html

from .logging import request_id_var

logger = logging.getLogger(__name__)

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# What a lost, refused or timed-out database connection raises (psycopg errors
# arrive wrapped in these). Bugs such as ProgrammingError stay ordinary 500s.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
_UNAVAILABLE = "The database is unavailable right now; try again in a few seconds."


class RequestIdMiddleware:
    """Tag each request with an id (kept from X-Request-ID when well-formed), and
    answer 503 with Retry-After when the database cannot be reached.

    The outage answer lives here because this is the outermost project middleware:
    views that lose the database reach `process_exception`, and an error page that
    needs the database to render raises through `__call__`. The first database
    read of most requests (the session, for the login check) is caught in
    LoginRequiredMiddleware below. Connections come back by themselves:
    CONN_HEALTH_CHECKS replaces a dead connection at the start of the next request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        # Django logs 4xx/5xx after this middleware has reset the context variable;
        # the log filter finds the id on the request then.
        request.request_id = request_id  # type: ignore[attr-defined]
        try:
            try:
                response = self.get_response(request)
            except DATABASE_DOWN as exc:
                # Raised by the error page itself, after an inner layer failed.
                response = database_unavailable(request, exc)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        if _maybe_signed_in(request):
            # Signed-in pages show leads and contact details: no browser or proxy
            # may keep a copy (DEP-4).
            patch_cache_control(response, no_store=True, private=True)
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        """A view (page or API) that lost the database: 503, not the 500 page."""
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable(request, exception)
        return None


def _maybe_signed_in(request: HttpRequest) -> bool:
    """Whether the response may carry a signed-in user's data.

    Asking loads the user lazily, which reads the session from the database; when
    that read fails the answer is "maybe", and no-store errs on the safe side
    rather than turning a clean 503 into a crash.
    """
    user = getattr(request, "user", None)
    if user is None:
        return False
    try:
        return bool(user.is_authenticated)
    except DATABASE_DOWN:
        return True


def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """503 with Retry-After: JSON for the API and /healthz, a page for people.

    Rendered without templates: the console's templates read the user's role, and
    that needs the database.
    """
    logger.warning(
        "database unavailable for %s %s (%s: %s)",
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "",
    )
    response: HttpResponse
    if request.path.startswith(("/api/", "/healthz")):
        response = JsonResponse(
            {"detail": _UNAVAILABLE, "status": "down", "down": ["database"]},
            status=503,
        )
    else:
        body = format_html(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Unavailable · craigleads</title>"
            '<link rel="stylesheet" href="{}"></head><body><main>'
            '<section class="card narrow"><h1>503 · Temporarily unavailable</h1>'
            "<p>{}</p></section></main></body></html>",
            static("css/console.css"),
            _UNAVAILABLE,
        )
        if request.headers.get("HX-Request") == "true":
            body = format_html('<p class="error">{}</p>', _UNAVAILABLE)
        response = HttpResponse(body, status=503, content_type="text/html")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a login, except the API, which answers 401/403 itself
    (token clients cannot follow a redirect to a login form)."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path.startswith(("/api/v1/", "/api/schema/")):
            return None
        try:
            # Reads the session, usually the request's first database query.
            return super().process_view(request, view_func, view_args, view_kwargs)
        except DATABASE_DOWN as exc:
            return database_unavailable(request, exc)
