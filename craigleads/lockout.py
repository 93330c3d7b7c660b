"""Failed-login lock-out: after LOGIN_FAILURE_LIMIT failures for one username
from one address, that pair is refused (429 with Retry-After) for
LOGIN_LOCKOUT_SECONDS. Keyed on the pair, so an attacker elsewhere cannot lock
a real user out of their own address."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .audit import client_ip, record_event


def _key(username: str, request: HttpRequest) -> str:
    raw = f"{username.strip().lower()}|{client_ip(request) or '-'}"
    return "login-failures:" + hashlib.sha256(raw.encode()).hexdigest()


def is_locked(username: str, request: HttpRequest) -> bool:
    return int(cache.get(_key(username, request), 0)) >= settings.LOGIN_FAILURE_LIMIT


def note_failure(username: str, request: HttpRequest) -> None:
    key = _key(username, request)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    if cache.incr(key) == settings.LOGIN_FAILURE_LIMIT:
        record_event(action="auth.locked_out", actor=username[:150], request=request)


def clear(username: str, request: HttpRequest) -> None:
    cache.delete(_key(username, request))


class LoginView(auth_views.LoginView):
    """Django's login with the lock-out in front of it."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))
        if is_locked(username, request):
            response = render(request, "registration/locked.html", status=429)
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: wrong credentials
            note_failure(username, request)
        else:
            clear(username, request)
        return response
