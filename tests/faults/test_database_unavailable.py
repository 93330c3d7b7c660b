"""The 503 answer for a database outage, without a real outage (fast, SQLite):
what each kind of client gets, and that real bugs stay 500s."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from craigleads.middleware import LoginRequiredMiddleware, RequestIdMiddleware


def _raising(exc: Exception) -> Any:
    def get_response(request: HttpRequest) -> HttpResponse:
        raise exc

    return get_response


@pytest.mark.parametrize(
    ("path", "headers", "content_type"),
    [
        ("/api/v1/leads", {}, "application/json"),
        ("/healthz", {}, "application/json"),
        ("/leads/", {}, "text/html"),
        ("/leads/", {"HTTP_HX_REQUEST": "true"}, "text/html"),
    ],
)
def test_an_unreachable_database_answers_503_with_retry_after(
    path: str, headers: dict[str, str], content_type: str
) -> None:
    request = RequestFactory().get(path, **headers)
    lost = OperationalError("connection failed: server closed the connection")
    response = RequestIdMiddleware(_raising(lost))(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith(content_type)
    assert response["X-Request-ID"]
    body = response.content.decode()
    assert "unavailable" in body and "server closed" not in body
    if headers:
        assert "<html" not in body  # an htmx fragment, not a page


def test_a_view_that_loses_the_database_gets_503_and_a_bug_stays_a_500() -> None:
    middleware = RequestIdMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/api/v1/leads")
    lost = middleware.process_exception(request, OperationalError("gone"))
    assert lost is not None and lost.status_code == 503
    assert middleware.process_exception(request, ProgrammingError("bad SQL")) is None
    with pytest.raises(ProgrammingError):
        RequestIdMiddleware(_raising(ProgrammingError("bad SQL")))(request)


def test_the_login_check_reading_a_dead_session_gets_503() -> None:
    class BrokenUser:
        @property
        def is_authenticated(self) -> bool:
            raise OperationalError("the connection is closed")

    request = RequestFactory().get("/leads/")
    request.user = BrokenUser()  # type: ignore[assignment]

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    middleware = LoginRequiredMiddleware(lambda request: HttpResponse())
    response = middleware.process_view(request, view, (), {})
    assert response is not None and response.status_code == 503
