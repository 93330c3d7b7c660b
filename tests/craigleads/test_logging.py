"""Structured logs and personal data (RELIABILITY_CHECKLIST PRIV-1).

A real production server (`manage.py serve`, LOG_JSON on) is driven through
requests that touch contact details; every log line it writes must be a JSON
object carrying the request id, and no e-mail address or phone number may appear
in its output or in the task messages it leaves on the broker. In-process, every
task published during this module's tests is checked for contact details.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from celery.signals import before_task_publish
from django.conf import settings
from django.core.management import call_command

from craigleads.logging import JsonFormatter, PlainFormatter, mask_contact_details
from leads.models import Category, Lead, Site
from tests.craigleads.test_headers import (
    HTTPS,
    LiveServer,
    _fast_password_hashing,  # noqa: F401 - users here log in to a live server
    start_production_server,
)

EMAIL = "jane.poster@example.org"
PHONE = "415-555-0134"
FORMS_OF_CONTACT = [EMAIL, PHONE, "4155550134", "(415) 555-0134"]


def _leaks(text: str) -> list[str]:
    """The fixture's contact details found in `text`, in any usual spelling."""
    return [form for form in FORMS_OF_CONTACT if form in text]


def _looks_like_contact_details(text: str) -> bool:
    return mask_contact_details(text) != text


# --- PRIV-1: task messages carry ids, never contact details ---------------------


class PublishedTasks:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.leaks: list[tuple[str, str]] = []

    def __call__(
        self,
        sender: str | None = None,
        body: Any = None,
        headers: dict[str, Any] | None = None,
        **_: Any,
    ) -> None:
        args, kwargs = (
            (body[0], body[1]) if isinstance(body, list | tuple) else ((), {})
        )
        headers = headers or {}
        text = json.dumps(
            [args, kwargs, headers.get("argsrepr"), headers.get("kwargsrepr")],
            default=str,
        )
        self.names.append(str(sender))
        if mask_contact_details(text) != text:
            self.leaks.append((str(sender), text))


@pytest.fixture(autouse=True)
def published_tasks() -> Iterator[PublishedTasks]:
    """Fails a test that published a task whose arguments look like an e-mail
    address or a phone number (Celery swallows errors raised in a signal
    handler, so the check happens at teardown)."""
    record = PublishedTasks()
    before_task_publish.connect(record, weak=False)
    yield record
    before_task_publish.disconnect(record)
    assert not record.leaks, f"contact details in task messages: {record.leaks}"


def test_the_publish_check_catches_a_task_carrying_an_e_mail(
    published_tasks: PublishedTasks,
) -> None:
    from craigleads.celery import app

    with app.connection_for_write("memory://") as conn:
        app.send_task("leads.nothing", args=[EMAIL], connection=conn)
    assert published_tasks.names == ["leads.nothing"]
    assert published_tasks.leaks and EMAIL in published_tasks.leaks[0][1]
    published_tasks.leaks.clear()


@pytest.fixture
def clean_broker() -> Iterator[dict[str, str]]:
    """Takes back the task messages a test left on a real broker, so no worker
    in a later test picks them up; yields the messages that were there before."""
    before = _broker_messages() if settings.REDIS_URL else {}
    yield before
    if settings.REDIS_URL:
        _drop({k: v for k, v in _broker_messages().items() if k not in before})


@pytest.mark.django_db
def test_storing_a_posting_with_contact_details_queues_tasks_by_id_only(
    published_tasks: PublishedTasks,
    django_capture_on_commit_callbacks: Any,
    defaults: None,
    clean_broker: dict[str, str],
) -> None:
    from leads.services import record_posting

    parsed = {
        "post_id": "7990000077",
        "title": "Python developer",
        "description": f"Call {PHONE} or write to {EMAIL}.",
        "contact_email": EMAIL,
        "contact_phone": PHONE,
        "site": "sfbay",
        "category": "sof",
    }
    with django_capture_on_commit_callbacks(execute=True):
        outcome = record_posting(
            parsed=parsed, url="https://sfbay.craigslist.org/sof/d/x/77.html"
        )
    assert outcome.lead is not None and outcome.lead.contact_email == EMAIL
    assert "qualification.qualify_lead" in published_tasks.names


# --- the formatters -------------------------------------------------------------


def _record(message: str, *args: Any, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError(f"bad row for {EMAIL}")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    record = logging.LogRecord(
        "craigleads.test", logging.WARNING, __file__, 1, message, args, exc_info
    )
    record.request_id = "req-12345678"
    return record


def test_both_formats_mask_contact_details_in_messages_and_tracebacks() -> None:
    record = _record("lead %s: call %s", EMAIL, PHONE, exc=True)
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["message"] == "lead [email]: call [phone]"
    assert payload["request_id"] == "req-12345678"
    assert "ValueError: bad row for [email]" in payload["exc"]
    plain = PlainFormatter("%(levelname)s [%(request_id)s] %(message)s").format(
        _record("lead %s: call %s", EMAIL, PHONE, exc=True)
    )
    assert plain.startswith("WARNING [req-12345678] lead [email]: call [phone]")
    assert not _leaks(line) and not _leaks(plain)
    assert not _looks_like_contact_details(payload["message"] + payload["exc"])


# --- a production server --------------------------------------------------------


def _broker_messages() -> dict[str, str]:
    """Every task message waiting in this run's Redis broker, by raw text."""
    import redis

    client = redis.Redis.from_url(str(settings.REDIS_URL))
    messages: dict[str, str] = {}
    for key in client.scan_iter():
        if client.type(key) == b"list":
            for raw in client.lrange(key, 0, -1):
                messages[raw.decode()] = key.decode()
    return messages


def _task_text(raw: str) -> str:
    """The arguments of a kombu Redis message, decoded."""
    message = json.loads(raw)
    body = message.get("body", "")
    if message.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body).decode()
    headers = message.get("headers", {})
    return json.dumps(
        [body, headers.get("argsrepr"), headers.get("kwargsrepr")], default=str
    )


def _drop(messages: dict[str, str]) -> None:
    import redis

    client = redis.Redis.from_url(str(settings.REDIS_URL))
    for raw, key in messages.items():
        client.lrem(key, 1, raw)


@pytest.fixture
def seeded(transactional_db: Any, make_user: Any) -> dict[str, Any]:
    from rest_framework.authtoken.models import Token

    call_command("load_defaults", verbosity=0, stdout=io.StringIO())
    admin = make_user("admin", username="ada")
    lead = Lead.objects.create(
        url="https://sfbay.craigslist.org/sof/d/x/88.html",
        post_id="7990000088",
        title="Python developer",
        description=f"Call {PHONE} or write to {EMAIL} today.",
        contact_email=EMAIL,
        contact_phone=PHONE,
        site=Site.objects.get(code="sfbay"),
        category=Category.objects.get(code="sof"),
    )
    return {"token": Token.objects.create(user=admin).key, "lead": lead}


@pytest.fixture
def log_server(
    seeded: dict[str, Any], tmp_path: Path, clean_broker: dict[str, str]
) -> Iterator[LiveServer]:
    server = start_production_server(
        tmp_path, LOG_JSON="true", LOG_LEVEL="INFO", SCRAPE_ALLOWED_HOSTS="127.0.0.1:9"
    )
    yield server
    server.stop()


def _log_lines(server: LiveServer) -> list[dict[str, Any]]:
    server.stop()  # flushes and closes the streams
    lines = [line for line in server.stderr.read_text().splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON log line: {line!r}") from None
    for entry in parsed:
        assert {"ts", "level", "logger", "message", "request_id"} <= set(entry)
    return parsed


@pytest.mark.redis
@pytest.mark.postgres
def test_production_logs_are_json_with_request_ids_and_no_contact_details(
    log_server: LiveServer, seeded: dict[str, Any], clean_broker: dict[str, str]
) -> None:
    lead_id = seeded["lead"].pk
    api = {"Authorization": f"Token {seeded['token']}", **HTTPS}
    with httpx.Client(base_url=log_server.base, headers=api, timeout=30) as http:
        listing = http.get("/api/v1/leads", headers={"X-Request-ID": "req-list-0001"})
        detail = http.get(f"/api/v1/leads/{lead_id}")
        # The admin sees the details: they are in the answers, not in the logs.
        assert listing.status_code == 200
        assert EMAIL in detail.text and PHONE in detail.text
        missing = http.get(
            f"/api/v1/leads/{EMAIL}", headers={"X-Request-ID": "req-miss-0001"}
        )
        assert missing.status_code == 404
        assert missing.headers["X-Request-ID"] == "req-miss-0001"
        refused = http.post(
            "/api/v1/ml/predict",
            json={"features": {EMAIL: 1, PHONE: 2}},
            headers={"X-Request-ID": "req-bad-00001"},
        )
        assert refused.status_code == 400
        job = http.post(
            "/api/v1/scraper/jobs",
            json={
                "location_ids": [seeded["lead"].site_id],
                "categories": ["sof"],
                "keywords": EMAIL,
                "base_url": "http://127.0.0.1:9",
            },
        )
        assert job.status_code == 201, job.text
        qualified = http.post(f"/api/v1/leads/{lead_id}/qualify", json={})
        assert qualified.status_code == 200, qualified.text
    with httpx.Client(base_url=log_server.base, headers=HTTPS, timeout=30) as http:
        form = http.get("/login/")
        csrf = form.headers["set-cookie"].split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token is not None
        failed = http.post(
            "/login/",
            data={
                "username": EMAIL,
                "password": "not-the-password-1",
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={
                "Cookie": csrf,
                "Origin": f"https://{log_server.host}",
                "Referer": f"https://{log_server.host}/login/",
            },
        )
        assert failed.status_code == 200 and "did not match" in failed.text

    # Everything the server queued since it started (its recovery sweep too);
    # clean_broker takes it all back afterwards.
    queued = [raw for raw in _broker_messages() if raw not in clean_broker]
    names = {json.loads(raw)["headers"]["task"] for raw in queued}
    assert {"scraping.run_scrape_job", "qualification.qualify_lead"} <= names, names
    for raw in queued:
        text = _task_text(raw)
        assert not _leaks(text) and not _looks_like_contact_details(text), text

    entries = _log_lines(log_server)
    output = log_server.stderr.read_text() + log_server.stdout.read_text()
    assert not _leaks(output), output
    for entry in entries:
        text = entry["message"] + entry.get("exc", "")
        assert not _looks_like_contact_details(text), entry
    by_id = {entry["request_id"]: entry for entry in entries}
    assert by_id["req-miss-0001"]["message"] == "Not Found: /api/v1/leads/[email]"
    assert by_id["req-miss-0001"]["status"] == 404
    assert by_id["req-bad-00001"]["message"] == "Bad Request: /api/v1/ml/predict"


@pytest.mark.redis
@pytest.mark.postgres
def test_a_generated_request_id_reaches_the_log_line_of_its_request(
    log_server: LiveServer, seeded: dict[str, Any]
) -> None:
    api = {"Authorization": f"Token {seeded['token']}", **HTTPS}
    with httpx.Client(base_url=log_server.base, headers=api, timeout=30) as http:
        missing = http.get("/api/v1/leads/0")
    assert missing.status_code == 404
    generated = missing.headers["X-Request-ID"]
    entries = _log_lines(log_server)
    assert [e["request_id"] for e in entries if e.get("status") == 404] == [generated]
