"""Alerts: the Slack-compatible webhook (to a real HTTP server on loopback), the
address guard, retries and the failure record, the e-mail digest through a real
SMTP server, and the settings page with its role checks."""

from __future__ import annotations

import email
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from craigleads.celery import app as celery_app
from leads.models import Category, Lead, Site
from qualification import services as qualification
from responses import alerts
from responses.alerts.client import _PublicOnlyBackend
from responses.forms import AlertSettingsForm
from responses.models import AlertDelivery, AlertSettings
from responses.tasks import send_alert_digests_task
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

CONTACT = {
    "contact_email": "hiring.manager@acme-example.com",
    "contact_phone": "415-555-0134",
    "contact_name": "Jordan Whitfield",
}


# --- real servers on loopback --------------------------------------------------------


class Receiver:
    """A webhook receiver: answers each POST with the next planned status."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.plan: list[tuple[int, str, dict[str, str]]] = []
        self.delay = 0.0
        self.url = ""

    def next_answer(self) -> tuple[int, str, dict[str, str]]:
        return self.plan.pop(0) if self.plan else (200, "ok", {})


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": body}
            )
            if state.delay:
                time.sleep(state.delay)
            status, text, headers = state.next_answer()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/services/T0/B0/secret"
    yield state
    server.shutdown()
    server.server_close()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refuse_with: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def parsed(self, i: int = 0) -> Message:
        return email.message_from_bytes(self.messages[i].content)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


@pytest.fixture
def eager() -> Iterator[None]:
    """Run queued tasks inline (Celery's eager mode, retries included)."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    # Propagating would surface each Retry instead of running the retry inline.
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = True
    settings.PUBLIC_BASE_URL = "https://console.example.com"


# --- leads ----------------------------------------------------------------------------


@pytest.fixture
def ready(defaults: None) -> None:
    from qualification.models import Criterion

    Criterion.objects.filter(type="keywords").update(
        config={"required": ["python"], "nice_to_have": ["fastapi"], "synonyms": {}}
    )
    Criterion.objects.filter(type="salary").update(
        config={"min_annual": 100000, "max_annual": 160000}
    )


def qualified_lead(**extra: Any) -> Lead:
    """A posting recorded and scored by the real qualification service."""
    n = Lead.objects.count() + 1
    fields = {
        "url": f"https://sfbay.craigslist.org/sof/d/x/{n}.html",
        "post_id": str(7_980_000_000 + n),
        "title": "Senior Python Developer",
        "description": "We build APIs in Python with FastAPI. Fully remote team.",
        "compensation": "$120,000 - $140,000",
        "is_remote": True,
        "company": f"Acme {n}",
        "site": Site.objects.get(code="sfbay"),
        "category": Category.objects.get(code="sof"),
        **CONTACT,
        **extra,
    }
    lead = baker.make(Lead, **fields)
    qualification.qualify_lead(lead_id=lead.pk)
    lead.refresh_from_db()
    return lead


def graded_lead(grade: str, qualified_at: Any, **extra: Any) -> Lead:
    """A lead with its qualification fields written directly (digest tests)."""
    n = Lead.objects.count() + 1
    fields = {
        "url": f"https://sfbay.craigslist.org/sof/d/g/{n}.html",
        "title": f"Grade {grade} posting {n}",
        "qualification_grade": grade,
        "qualification_score": {"A": 0.9, "B": 0.7, "C": 0.5, "D": 0.3}.get(grade, 0),
        "qualification_passed": grade != "F",
        "qualification_reasons": [f"Reason one for {n}", f"Reason two for {n}"],
        "qualified_at": qualified_at,
        **CONTACT,
        **extra,
    }
    return baker.make(Lead, **fields)


def webhook_user(make_user: Any, url: str, minimum: str = "A", role: str = "operator"):  # type: ignore[no-untyped-def]
    user = make_user(role)
    AlertSettings.objects.create(user=user, webhook_url=url, webhook_min_grade=minimum)
    return user


def assert_no_contact_details(text: str) -> None:
    for value in CONTACT.values():
        assert value not in text
    assert "hiring.manager" not in text
    assert "555-0134" not in text


# --- webhook --------------------------------------------------------------------------


def test_a_grade_a_lead_posts_slack_json_to_the_users_webhook_exactly_once(
    ready: None,
    loopback_allowed: None,
    receiver: Receiver,
    make_user: Any,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = webhook_user(make_user, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        lead = qualified_lead(title="Senior Python Developer, call 415-555-0134")
    assert lead.qualification_grade == "A", lead.qualification_reasons

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["path"] == "/services/T0/B0/secret"
    assert request["headers"]["Content-Type"] == "application/json"
    raw = request["body"].decode()
    assert_no_contact_details(raw)
    payload = json.loads(raw)
    link = f"https://console.example.com/leads/{lead.pk}/"
    assert payload["text"].startswith("Grade A lead (score ")
    assert "Senior Python Developer, call [contact removed]" in payload["text"]
    assert link in payload["text"]
    kinds = [block["type"] for block in payload["blocks"]]
    assert kinds == ["header", "section", "section", "actions"]
    assert f"<{link}|Senior Python Developer" in payload["blocks"][1]["text"]["text"]
    assert (
        f"score {lead.qualification_score:.2f}" in payload["blocks"][1]["text"]["text"]
    )
    reasons = payload["blocks"][2]["text"]["text"].split("\n")
    assert reasons == [f"• {r}" for r in lead.qualification_reasons[:3]]
    assert payload["blocks"][3]["elements"][0]["url"] == link

    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    assert (delivery.channel, delivery.state, delivery.attempts) == (
        "webhook",
        "sent",
        1,
    )
    row = AlertSettings.objects.get(user=user)
    assert (row.webhook_last_ok, row.webhook_last_status) == (True, 200)

    # Scoring the lead again does not alert the same user again.
    with django_capture_on_commit_callbacks(execute=True):
        qualification.qualify_lead(lead_id=lead.pk)
    assert len(receiver.requests) == 1
    assert AlertDelivery.objects.count() == 1


def test_the_alert_is_queued_after_commit_with_only_an_id(
    ready: None,
    loopback_allowed: None,
    receiver: Receiver,
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = webhook_user(make_user, receiver.url)
    with django_capture_on_commit_callbacks() as callbacks:
        lead = qualified_lead()
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    assert delivery.state == "pending"
    assert receiver.requests == []  # nothing leaves before the commit
    queued = [getattr(c, "args", ()) for c in callbacks]
    assert any(args == (delivery.pk,) for args in queued), queued


def test_leads_below_a_users_minimum_or_failing_deal_breakers_are_not_posted(
    ready: None, loopback_allowed: None, receiver: Receiver, make_user: Any
) -> None:
    strict = webhook_user(make_user, receiver.url, minimum="A")
    relaxed = webhook_user(
        make_user, receiver.url, minimum="D", role="viewer"
    )  # a viewer may have alerts too
    weak = qualified_lead(
        title="Python helper",
        description="Some python scripting.",
        compensation="$90,000",
        is_remote=False,
    )
    assert weak.qualification_grade in {"B", "C", "D"}, weak.qualification_grade
    assert not AlertDelivery.objects.filter(user=strict).exists()
    assert AlertDelivery.objects.filter(user=relaxed, lead=weak).exists()
    failing = graded_lead("A", timezone.now(), qualification_passed=False)
    alerts.queue_webhook_alerts(failing.pk)
    assert not AlertDelivery.objects.filter(lead=failing).exists()


def test_a_5xx_is_retried_with_backoff_and_each_failure_is_recorded(
    ready: None,
    loopback_allowed: None,
    receiver: Receiver,
    make_user: Any,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = webhook_user(make_user, receiver.url)
    receiver.plan = [(503, "busy", {}), (502, "bad gateway", {})]
    with django_capture_on_commit_callbacks(execute=True):
        lead = qualified_lead()
    assert len(receiver.requests) == 3
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    assert (delivery.state, delivery.attempts) == ("sent", 3)
    row = AlertSettings.objects.get(user=user)
    assert (row.webhook_last_ok, row.webhook_last_status) == (True, 200)


def test_a_transient_failure_leaves_the_alert_pending_and_names_the_status(
    ready: None, loopback_allowed: None, receiver: Receiver, make_user: Any
) -> None:
    user = webhook_user(make_user, receiver.url)
    lead = qualified_lead()
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    receiver.plan = [(503, "upstream busy", {})]
    with pytest.raises(alerts.TransientWebhookError):
        alerts.deliver_webhook_alert(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    row = AlertSettings.objects.get(user=user)
    assert row.webhook_last_ok is False and row.webhook_last_status == 503
    assert row.webhook_last_error == "503 Service Unavailable: upstream busy"
    # The retry succeeds, and a third call finds nothing to do.
    assert alerts.deliver_webhook_alert(delivery_id=delivery.pk) == "sent"
    assert alerts.deliver_webhook_alert(delivery_id=delivery.pk) == "not pending (sent)"
    assert len(receiver.requests) == 2


def test_retries_are_bounded(
    ready: None,
    loopback_allowed: None,
    receiver: Receiver,
    make_user: Any,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = webhook_user(make_user, receiver.url)
    receiver.plan = [(500, "down", {})] * 20
    with django_capture_on_commit_callbacks(execute=True):
        lead = qualified_lead()
    assert len(receiver.requests) == alerts.WEBHOOK_MAX_ATTEMPTS
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    assert delivery.state == "failed"
    assert delivery.attempts == alerts.WEBHOOK_MAX_ATTEMPTS
    assert "500 Internal Server Error: down" in delivery.last_error


def test_a_timeout_is_transient(
    ready: None,
    loopback_allowed: None,
    receiver: Receiver,
    make_user: Any,
    settings: Any,
) -> None:
    settings.ALERT_WEBHOOK_TIMEOUT = 0.2
    user = webhook_user(make_user, receiver.url)
    lead = qualified_lead()
    receiver.delay = 1.0
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    with pytest.raises(alerts.TransientWebhookError, match="timeout"):
        alerts.deliver_webhook_alert(delivery_id=delivery.pk)
    assert AlertDelivery.objects.get(pk=delivery.pk).state == "pending"


def test_a_404_fails_at_once_and_the_settings_page_says_so(
    ready: None,
    loopback_allowed: None,
    receiver: Receiver,
    make_user: Any,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = webhook_user(make_user, receiver.url)
    receiver.plan = [(404, "no_service", {})]
    with django_capture_on_commit_callbacks(execute=True):
        lead = qualified_lead()
    assert len(receiver.requests) == 1
    assert AlertDelivery.objects.get(user=user, lead=lead).state == "failed"
    page = client_for(user).get(reverse("responses:alerts")).content.decode()
    assert "failed" in page
    assert "404 Not Found: no_service" in page


def test_redirects_are_not_followed(
    ready: None, loopback_allowed: None, receiver: Receiver, make_user: Any
) -> None:
    user = webhook_user(make_user, receiver.url)
    lead = qualified_lead()
    receiver.plan = [(302, "", {"Location": receiver.url + "/elsewhere"})]
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    assert alerts.deliver_webhook_alert(delivery_id=delivery.pk) == "failed"
    assert len(receiver.requests) == 1
    error = AlertSettings.objects.get(user=user).webhook_last_error
    assert error.startswith("302 Found") and "not followed" in error


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "https://10.1.2.3/hook",
        "http://192.168.0.10/hook",
    ],
)
def test_the_form_refuses_private_loopback_and_link_local_webhooks(
    url: str, operator: Any, settings: Any
) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    form = AlertSettingsForm(
        {
            "digest_frequency": "off",
            "digest_min_grade": "B",
            "webhook_url": url,
            "webhook_min_grade": "A",
        },
        user=operator,
    )
    assert not form.is_valid()
    assert "private, loopback or link-local" in form.errors["webhook_url"][0]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://hooks.example.com/x", "must start with https:// or http://"),
        ("javascript:alert(1)", "must start with https:// or http://"),
        ("hooks.example.com/x", "must start with https:// or http://"),
        ("https://user:pw@hooks.example.com/x", "no user name or password"),
        ("https://no-such-host.invalid/x", "cannot be resolved"),
    ],
)
def test_the_form_names_what_is_wrong_with_a_webhook_url(
    url: str, words: str, operator: Any
) -> None:
    form = AlertSettingsForm(
        {
            "digest_frequency": "off",
            "digest_min_grade": "B",
            "webhook_url": url,
            "webhook_min_grade": "A",
        },
        user=operator,
    )
    assert not form.is_valid()
    assert words in form.errors["webhook_url"][0]


def test_a_saved_private_webhook_is_refused_again_at_connect_time(
    ready: None, receiver: Receiver, make_user: Any, settings: Any
) -> None:
    """A URL stored before the rule (or a name re-pointed at a private address
    after saving) is still refused when the alert goes out."""
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    user = webhook_user(make_user, receiver.url)
    lead = qualified_lead()
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    assert alerts.deliver_webhook_alert(delivery_id=delivery.pk) == "refused"
    assert receiver.requests == []
    assert AlertDelivery.objects.get(pk=delivery.pk).state == "failed"
    row = AlertSettings.objects.get(user=user)
    assert row.webhook_last_ok is False
    assert "127.0.0.1" in row.webhook_last_error


def test_a_dns_failure_when_sending_is_retried_not_given_up(
    ready: None, make_user: Any, settings: Any
) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    user = webhook_user(make_user, "https://hooks.no-such-host.invalid/T0")
    lead = qualified_lead()
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    with pytest.raises(alerts.TransientWebhookError, match="cannot be resolved"):
        alerts.deliver_webhook_alert(delivery_id=delivery.pk)
    assert AlertDelivery.objects.get(pk=delivery.pk).state == "pending"


def test_the_connect_step_checks_the_address_it_actually_opens(
    receiver: Receiver, settings: Any
) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    backend = _PublicOnlyBackend()
    port = int(receiver.url.split(":")[2].split("/")[0])
    with pytest.raises(alerts.WebhookRefused, match=r"127\.0\.0\.1"):
        backend.connect_tcp("localhost", port)
    assert receiver.requests == []


def test_posting_text_cannot_ping_a_slack_channel(
    ready: None,
    loopback_allowed: None,
    receiver: Receiver,
    make_user: Any,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    webhook_user(make_user, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        qualified_lead(title="Python dev <!channel> <https://evil.example|click> & co")
    payload = json.loads(receiver.requests[0]["body"])
    section = payload["blocks"][1]["text"]["text"]
    assert "<!channel>" not in section and "<!channel>" not in payload["text"]
    assert "&lt;!channel&gt;" in section
    assert "&amp; co" in section


def test_redaction_removes_contact_details_but_not_words_that_contain_them() -> None:
    lead = Lead(
        contact_name="Sam",
        contact_email="sam@shop.example",
        contact_phone="(415) 555-0134",
    )
    text = "Samsung repair: ask Sam at SAM@shop.example, (415) 555-0134 or 212.555.0199"
    assert alerts.redact(text, lead) == (
        "Samsung repair: ask [contact removed] at [contact removed], "
        "[contact removed] or [phone removed]"
    )


def test_a_delivery_queued_before_the_webhook_was_switched_off_is_skipped(
    ready: None, loopback_allowed: None, receiver: Receiver, make_user: Any
) -> None:
    user = webhook_user(make_user, receiver.url)
    lead = qualified_lead()
    AlertSettings.objects.filter(user=user).update(webhook_url="")
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    assert alerts.deliver_webhook_alert(delivery_id=delivery.pk) == "skipped"
    assert receiver.requests == []


def test_recovery_requeues_lost_alerts_and_never_reposts_interrupted_ones(
    ready: None,
    loopback_allowed: None,
    receiver: Receiver,
    make_user: Any,
    eager: None,
) -> None:
    user = webhook_user(make_user, receiver.url)
    lost, cut_off = qualified_lead(), qualified_lead()
    long_ago = timezone.now() - timedelta(hours=1)
    AlertDelivery.objects.filter(lead=lost).update(created_at=long_ago)
    AlertDelivery.objects.filter(lead=cut_off).update(
        state="sending", claimed_at=long_ago, attempts=1
    )
    result = alerts.recover_webhook_alerts()
    assert len(result["requeued"]) == 1 and len(result["interrupted"]) == 1
    assert AlertDelivery.objects.get(user=user, lead=lost).state == "sent"
    assert AlertDelivery.objects.get(user=user, lead=cut_off).state == "failed"
    assert len(receiver.requests) == 1


# --- digest ---------------------------------------------------------------------------


def digest_user(make_user: Any, minimum: str = "B", role: str = "operator") -> Any:
    user = make_user(role)
    user.email = f"{role}@team.example.com"
    user.save()
    return user


def test_the_digest_lists_new_leads_at_the_minimum_grade_without_contact_details(
    smtp: Inbox, make_user: Any, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://console.example.com"
    user = digest_user(make_user)
    start = timezone.now() - timedelta(hours=2)
    row = alerts.save_alert_settings(
        user=user,
        digest_frequency="hourly",
        digest_min_grade="B",
        webhook_url="",
        webhook_min_grade="A",
        now=start,
    )
    old = graded_lead("A", start - timedelta(minutes=5), title="Old news")
    a = graded_lead(
        "A",
        start + timedelta(minutes=10),
        title="<script>alert(1)</script> Django lead, mail "
        "hiring.manager@acme-example.com or jobs@other-example.org",
    )
    b = graded_lead("B", start + timedelta(minutes=20))
    c = graded_lead("C", start + timedelta(minutes=30))
    now = timezone.now()

    assert alerts.due_digests(now=now) == [row.pk]
    assert alerts.send_digest(settings_id=row.pk, now=now) == 2
    assert len(smtp.messages) == 1
    assert smtp.messages[0].rcpt_tos == ["operator@team.example.com"]
    message = smtp.parsed()
    assert message["Subject"] == "craigleads: 2 new leads (grade B or better)"
    text = message.get_payload(0).get_payload(decode=True).decode()
    html = message.get_payload(1).get_payload(decode=True).decode()
    assert message.get_payload(1).get_content_type() == "text/html"
    for body in (text, html):
        assert_no_contact_details(body)
        assert f"https://console.example.com/leads/{a.pk}/" in body
        assert f"https://console.example.com/leads/{b.pk}/" in body
        assert f"/leads/{c.pk}/" not in body
        assert f"/leads/{old.pk}/" not in body
        assert "Reason one for" in body
        assert "/replies/alerts/" in body
    assert text.index(f"/leads/{a.pk}/") < text.index(f"/leads/{b.pk}/")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "mail [contact removed] or [e-mail removed]" in text

    row.refresh_from_db()
    assert row.last_digest_at == now
    assert set(
        AlertDelivery.objects.filter(user=user, channel="digest").values_list(
            "lead_id", flat=True
        )
    ) == {a.pk, b.pk}
    # The same beat again, or the next one with nothing new, sends nothing.
    assert alerts.send_digest(settings_id=row.pk, now=now) == 0
    later = now + timedelta(hours=1)
    assert alerts.send_digest(settings_id=row.pk, now=later) == 0
    assert len(smtp.messages) == 1
    # A lead re-scored into the next window is not listed twice.
    Lead.objects.filter(pk=a.pk).update(qualified_at=later + timedelta(minutes=1))
    assert alerts.send_digest(settings_id=row.pk, now=later + timedelta(hours=1)) == 0
    assert len(smtp.messages) == 1


def test_a_refused_digest_is_recorded_and_tried_again_on_the_next_beat(
    smtp: Inbox, make_user: Any
) -> None:
    user = digest_user(make_user)
    start = timezone.now() - timedelta(days=2)
    row = alerts.save_alert_settings(
        user=user,
        digest_frequency="daily",
        digest_min_grade="A",
        webhook_url="",
        webhook_min_grade="A",
        now=start,
    )
    graded_lead("A", start + timedelta(hours=1))
    smtp.refuse_with = "451 4.3.0 Mailbox busy, try later"
    assert alerts.send_digest(settings_id=row.pk) == 0
    row.refresh_from_db()
    assert row.last_digest_at == start  # the window was given back
    assert "451" in row.digest_last_error
    page = client_for(user).get(reverse("responses:alerts")).content.decode()
    assert "Mailbox busy" in page
    smtp.refuse_with = None
    assert alerts.send_digest(settings_id=row.pk) == 1
    row.refresh_from_db()
    assert row.digest_last_error == ""
    assert len(smtp.messages) == 1


def test_the_beat_sends_each_due_user_one_digest(
    smtp: Inbox, make_user: Any, eager: None
) -> None:
    start = timezone.now() - timedelta(hours=3)
    due = digest_user(make_user, role="operator")
    not_due = digest_user(make_user, role="viewer")
    off = digest_user(make_user, role="reviewer")
    for user, frequency in ((due, "hourly"), (not_due, "daily"), (off, "off")):
        alerts.save_alert_settings(
            user=user,
            digest_frequency=frequency,
            digest_min_grade="B",
            webhook_url="",
            webhook_min_grade="A",
            now=start,
        )
    AlertSettings.objects.filter(user=off).update(last_digest_at=None)
    graded_lead("A", start + timedelta(minutes=1))
    send_alert_digests_task.apply()
    send_alert_digests_task.apply()
    assert [m.rcpt_tos for m in smtp.messages] == [[due.email]]


def test_turning_the_digest_on_starts_its_window_now(make_user: Any) -> None:
    user = digest_user(make_user)
    graded_lead("A", timezone.now() - timedelta(days=30))
    row = alerts.save_alert_settings(
        user=user,
        digest_frequency="hourly",
        digest_min_grade="B",
        webhook_url="",
        webhook_min_grade="A",
    )
    assert row.last_digest_at is not None
    assert alerts.due_digests() == []


def test_the_digest_needs_an_email_address(operator: Any, client: Any) -> None:
    operator.email = ""
    operator.save()
    response = client_for(operator).post(
        reverse("responses:alerts"),
        {
            "digest_frequency": "daily",
            "digest_min_grade": "B",
            "webhook_url": "",
            "webhook_min_grade": "A",
        },
    )
    assert response.status_code == 400
    assert "Your account has no e-mail address" in response.content.decode()
    assert not AlertSettings.objects.filter(user=operator).exists()
    with pytest.raises(alerts.AlertError):
        alerts.send_test_digest(user=operator)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_digest_runs_send_one_email(smtp: Inbox, make_user: Any) -> None:
    user = digest_user(make_user)
    start = timezone.now() - timedelta(hours=2)
    row = alerts.save_alert_settings(
        user=user,
        digest_frequency="hourly",
        digest_min_grade="B",
        webhook_url="",
        webhook_min_grade="A",
        now=start,
    )
    graded_lead("A", start + timedelta(minutes=1))
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            counts.append(alerts.send_digest(settings_id=row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [0, 0, 0, 1]
    assert len(smtp.messages) == 1


# --- the settings page --------------------------------------------------------------


def test_the_page_saves_the_users_own_settings(
    operator: Any,
    viewer: Any,
    settings: Any,
    loopback_allowed: None,
    receiver: Receiver,
) -> None:
    operator.email = "op@team.example.com"
    operator.save()
    client = client_for(operator)
    page = client.get(reverse("responses:alerts"))
    assert page.status_code == 200
    assert "Sent to op@team.example.com." in page.content.decode()
    response = client.post(
        reverse("responses:alerts"),
        {
            "digest_frequency": "hourly",
            "digest_min_grade": "C",
            "webhook_url": receiver.url,
            "webhook_min_grade": "B",
        },
    )
    assert response.status_code == 302
    row = AlertSettings.objects.get(user=operator)
    assert (row.digest_frequency, row.digest_min_grade) == ("hourly", "C")
    assert (row.webhook_url, row.webhook_min_grade) == (receiver.url, "B")
    assert "Alert settings saved." in client.get(response["Location"]).content.decode()

    # Another user sees their own (empty) settings, and their save leaves the
    # first user's row alone: the URL names no user.
    other = client_for(viewer)
    assert receiver.url not in other.get(reverse("responses:alerts")).content.decode()
    other.post(
        reverse("responses:alerts"),
        {
            "digest_frequency": "off",
            "digest_min_grade": "B",
            "webhook_url": "",
            "webhook_min_grade": "A",
            "user": operator.pk,
        },
    )
    assert AlertSettings.objects.get(user=operator).webhook_url == receiver.url
    assert AlertSettings.objects.get(user=viewer).webhook_url == ""


def test_the_htmx_form_answers_with_the_fragment(operator: Any, settings: Any) -> None:
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = False
    client = client_for(operator)
    data = {
        "digest_frequency": "off",
        "digest_min_grade": "B",
        "webhook_url": "http://127.0.0.1:9/hook",
        "webhook_min_grade": "A",
    }
    bad = client.post(reverse("responses:alerts"), data, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200  # htmx swaps only 2xx: the errors must show
    body = bad.content.decode()
    assert "<html" not in body and 'id="alert-settings"' in body
    assert "private, loopback or link-local" in body
    data["webhook_url"] = ""
    good = client.post(reverse("responses:alerts"), data, HTTP_HX_REQUEST="true")
    assert good.status_code == 200
    assert "Alert settings saved." in good.content.decode()
    assert "<html" not in good.content.decode()


def test_send_a_test_webhook_and_a_test_digest_from_the_page(
    ready: None,
    operator: Any,
    loopback_allowed: None,
    receiver: Receiver,
    smtp: Inbox,
) -> None:
    operator.email = "op@team.example.com"
    operator.save()
    qualified_lead()
    AlertSettings.objects.create(user=operator, webhook_url=receiver.url)
    client = client_for(operator)
    url = reverse("responses:alerts-test")
    page = client.post(url, {"channel": "webhook"}, follow=True).content.decode()
    assert "Test message delivered (HTTP 200)." in page
    assert json.loads(receiver.requests[0]["body"])["text"].startswith(
        "craigleads test alert"
    )
    page = client.post(url, {"channel": "digest"}, follow=True).content.decode()
    assert "Test digest with 1 lead(s) sent to op@team.example.com." in page
    message = smtp.parsed()
    assert message["Subject"].startswith("[test] craigleads: 1 new lead")
    assert_no_contact_details(smtp.messages[0].content.decode())
    # A test changes no digest window and records nothing as sent.
    assert not AlertDelivery.objects.filter(channel="digest").exists()

    receiver.plan = [(410, "gone", {})]
    page = client.post(url, {"channel": "webhook"}, follow=True).content.decode()
    assert "The test failed: 410 Gone: gone" in page
    assert "?" not in client.post(url, {"channel": "?"}, follow=True).content.decode()


@pytest.mark.parametrize("name", ["responses:alerts", "responses:alerts-test"])
def test_roleless_and_anonymous_users_are_refused(
    name: str, roleless: Any, client: Any
) -> None:
    url = reverse(name)
    assert client_for(roleless).get(url).status_code in (403, 405)
    assert client_for(roleless).post(url, {"channel": "webhook"}).status_code == 403
    response = client.post(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not AlertSettings.objects.exists()


def test_the_nav_links_to_alerts_for_users_who_can_see_leads(viewer: Any) -> None:
    page = client_for(viewer).get(reverse("leads:dashboard")).content.decode()
    assert f'href="{reverse("responses:alerts")}"' in page


# --- a real worker through Redis ---------------------------------------------------


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_failing_webhook_until_it_is_delivered(
    ready: None, receiver: Receiver, make_user: Any, tmp_path: Path
) -> None:
    user = webhook_user(make_user, receiver.url)
    receiver.plan = [(503, "busy", {})]
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        ALERT_WEBHOOK_ALLOW_PRIVATE="true",
    )
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "craigleads",
            "worker",
            "--pool",
            "solo",
            "--queues",
            "send",
            "--hostname",
            f"alerts-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        lead = qualified_lead()  # commits: the hook's task goes to Redis
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            state = AlertDelivery.objects.get(user=user, lead=lead).state
            if state in {"sent", "failed"}:
                break
            time.sleep(0.25)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    delivery = AlertDelivery.objects.get(user=user, lead=lead)
    assert delivery.state == "sent", (tmp_path / "worker.log").read_text()[-3000:]
    assert delivery.attempts == 2 and len(receiver.requests) == 2
