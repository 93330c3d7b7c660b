"""Security headers and cookies (RELIABILITY_CHECKLIST DEP-2..DEP-4).

Three layers: the headers every response carries in any mode (test client), the
production values settings.py derives from a production environment (a
subprocess imports the settings), and a real `manage.py serve` started with
production settings behind a TLS proxy (X-Forwarded-Proto), checked over HTTP.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.db import connection
from model_bakery import baker

from leads.models import Category, Lead, Site
from tests.conftest import PASSWORD, client_for

ROOT = Path(__file__).resolve().parents[2]
FAKE_KEY = "prod-" + "k" * 60


# --- a production server, shared with test_logging ----------------------------


@dataclass
class LiveServer:
    base: str
    host: str
    stdout: Path
    stderr: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The test run's environment turned into a production deployment's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "true",
            "CRAIGLEADS_CONTACT_EMAIL": "ops@example.com",
            "CRAIGLEADS_VAR_DIR": str(tmp_path),
            "LOG_JSON": "true",
            **extra,
        }
    )
    return env


def start_production_server(tmp_path: Path, **extra: str) -> LiveServer:
    """`manage.py serve` on the test database with REDIS_URL set (production
    mode: no embedded worker) and DEBUG off; stdout and stderr kept apart."""
    port = _free_port()
    env = production_env(
        tmp_path,
        DATABASE_URL=_database_url(),
        REDIS_URL=str(settings.REDIS_URL),
        **extra,
    )
    stdout, stderr = tmp_path / "serve.out", tmp_path / "serve.err"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=stdout.open("wb"),
        stderr=stderr.open("wb"),
        start_new_session=True,
    )
    server = LiveServer(
        f"http://127.0.0.1:{port}", f"127.0.0.1:{port}", stdout, stderr, process
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise AssertionError(stderr.read_text() + stdout.read_text())


@pytest.fixture
def production_server(transactional_db: Any, tmp_path: Path) -> Iterator[LiveServer]:
    server = start_production_server(tmp_path)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Overrides the suite's fast hasher: the live server checks passwords with
    the real hashers, so users are stored with them."""


HTTPS = {"X-Forwarded-Proto": "https"}


def _cookie(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie in {response.headers}")


def _flags(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


# --- every response, any mode --------------------------------------------------


def _csp(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def lead(defaults: None) -> Lead:
    return baker.make(
        Lead,
        url="https://sfbay.craigslist.org/sof/d/x/1.html",
        post_id="7990000001",
        title="Python developer",
        description="Write to hiring@acme-example.com",
        contact_email="hiring@acme-example.com",
        site=Site.objects.get(code="sfbay"),
        category=Category.objects.get(code="sof"),
    )


@pytest.mark.django_db
def test_pages_and_the_api_carry_a_strict_csp_and_the_framing_headers(
    admin_user: Any, lead: Lead
) -> None:
    signed_in = client_for(admin_user)
    responses = {
        "login": client_for(None).get("/login/"),
        "dashboard": signed_in.get("/"),
        "lead list": signed_in.get("/leads/"),
        "lead detail": signed_in.get(f"/leads/{lead.pk}/"),
        "api": signed_in.get("/api/v1/leads"),
        "admin": signed_in.get("/admin/"),
        "404": signed_in.get("/no/such/page/"),
    }
    for name, response in responses.items():
        assert response.status_code in (200, 404), name
        csp = _csp(response)
        scripts = csp.get("script-src", csp["default-src"])
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
        assert csp["object-src"] == ["'none'"], name
        assert csp["base-uri"] == ["'none'"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


@pytest.mark.django_db
def test_the_api_showing_contact_details_is_never_cached(
    admin_user: Any, lead: Lead
) -> None:
    client = client_for(admin_user)
    for url in ["/api/v1/leads", f"/api/v1/leads/{lead.pk}"]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_lead_pages_showing_contact_details_are_never_cached(
    admin_user: Any, lead: Lead
) -> None:
    client = client_for(admin_user)
    for url in ["/leads/", f"/leads/{lead.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response.get("Cache-Control", ""), url


# --- the values a production environment produces --------------------------------

_PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "LOG_JSON",
]}))
"""


def test_a_production_environment_turns_on_https_only_behaviour(
    tmp_path: Path,
) -> None:
    env = production_env(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite3",
        REDIS_URL="redis://127.0.0.1:6379/9",
        DJANGO_SETTINGS_MODULE="craigleads.settings",
    )
    env.pop("SECURE_SSL_REDIRECT")  # the default, not the test run's override
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LOG_JSON": True,
    }


# --- a real production server behind a TLS proxy ---------------------------------


@pytest.mark.redis
@pytest.mark.postgres
def test_production_server_redirects_plain_http_and_sends_hsts(
    production_server: LiveServer,
) -> None:
    with httpx.Client(base_url=production_server.base) as http:
        plain = http.get("/login/")
        assert plain.status_code == 301
        assert plain.headers["Location"] == f"https://{production_server.host}/login/"
        secure = http.get("/login/", headers=HTTPS)
    assert secure.status_code == 200
    hsts = secure.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))  # type: ignore[union-attr]
    assert max_age >= 31536000 and "includeSubDomains" in hsts
    csp = secure.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert secure.headers["X-Frame-Options"] == "DENY"
    assert secure.headers["Referrer-Policy"] == "same-origin"
    assert secure.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.redis
@pytest.mark.postgres
def test_production_cookies_are_secure_http_only_and_same_site(
    production_server: LiveServer, make_user: Any
) -> None:
    make_user("viewer", username="vera")
    origin = f"https://{production_server.host}"
    with httpx.Client(base_url=production_server.base, headers=HTTPS) as http:
        form = http.get("/login/")
        csrf_cookie = _cookie(form, "csrftoken")
        assert {"secure", "httponly", "samesite=lax"} <= _flags(csrf_cookie)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token is not None
        login = http.post(
            "/login/",
            data={
                "username": "vera",
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={
                "Origin": origin,
                "Referer": f"{origin}/login/",
                # A client keeps Secure cookies off plain http; the proxy is TLS.
                "Cookie": csrf_cookie.split(";")[0],
            },
        )
        assert login.status_code == 302, login.text[:500]
        session_cookie = _cookie(login, "sessionid")
        assert {"secure", "httponly", "samesite=lax"} <= _flags(session_cookie)
        home = http.get("/", headers={"Cookie": session_cookie.split(";")[0]})
        assert home.status_code == 200
