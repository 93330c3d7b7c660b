"""Drafts: generation and approval rules, the state machine and its audit trail,
sending to a real SMTP server on loopback exactly once, opt-outs, outcomes, A/B
assignment, and the queue page and API."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from craigleads.models import AuditEvent
from leads.models import Category, Lead, Site
from qualification import services as qualification
from responses import sending, services
from responses.models import ABTest, ABVariant, ApprovalRule, Draft, ResponseTemplate
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
State = Draft.State


class Inbox:
    """An aiosmtpd handler that keeps messages, or refuses recipients on demand."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refuse_with: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings: Any):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


def make_lead(**extra: Any) -> Lead:
    n = Lead.objects.count() + 1
    fields = {
        "url": f"https://sfbay.craigslist.org/sof/d/x/{n}.html",
        "post_id": str(7_990_000_000 + n),
        "title": "Senior Python Developer",
        "description": "We build APIs in Python with FastAPI. Fully remote team.",
        "compensation": "$120,000 - $140,000",
        "is_remote": True,
        "company": f"Acme {n}",
        "contact_email": f"hiring{n}@acme-example.com",
        "site": Site.objects.get(code="sfbay"),
        "category": Category.objects.get(code="sof"),
        **extra,
    }
    lead = baker.make(Lead, **fields)
    qualification.qualify_lead(lead_id=lead.pk)
    lead.refresh_from_db()
    return lead


@pytest.fixture
def ready(defaults: None) -> None:
    from qualification.models import Criterion

    Criterion.objects.filter(type="keywords").update(
        config={"required": ["python"], "nice_to_have": ["fastapi"], "synonyms": {}}
    )
    Criterion.objects.filter(type="salary").update(
        config={"min_annual": 100000, "max_annual": 160000}
    )


def test_a_qualified_lead_gets_a_draft_sent_to_review_as_a_first_contact(
    ready: None,
) -> None:
    lead = make_lead()
    draft = services.generate_draft(lead_id=lead.pk)
    assert draft is not None and draft.state == State.PENDING_REVIEW
    assert draft.template.category == "sof"
    assert draft.decided_by_rule.condition == ApprovalRule.Condition.FIRST_CONTACT
    assert "Senior Python Developer" in draft.subject
    assert [(e.action, e.to_state) for e in draft.events.all()] == [
        ("created", "generated"),
        ("transition", "pending_review"),
    ]
    assert services.generate_draft(lead_id=lead.pk) == draft  # idempotent
    assert Draft.objects.count() == 1


def test_a_low_grade_lead_gets_no_draft(ready: None) -> None:
    lead = make_lead(
        title="Barista",
        description="Coffee and smiles.",
        compensation="$15/hr",
        is_remote=False,
    )
    assert lead.qualification_grade in {"C", "D", "F"}
    assert services.generate_draft(lead_id=lead.pk) is None


def test_braces_in_a_posting_are_shown_never_rendered(ready: None) -> None:
    lead = make_lead(title="Dev {{ settings.SECRET_KEY }} {% debug %} python")
    draft = services.generate_draft(lead_id=lead.pk)
    assert "{{ settings.SECRET_KEY }}" in draft.subject
    from django.conf import settings

    assert settings.SECRET_KEY not in draft.subject + draft.body


def test_hostile_templates_are_refused_on_save_with_their_position(
    operator: Any,
) -> None:
    from django.core.exceptions import ValidationError

    template = ResponseTemplate(
        name="Evil",
        subject_template="Hi {{ settings.SECRET_KEY }}",
        body_template="line one\n{% debug %} {{ lead.__class__ }}",
    )
    with pytest.raises(ValidationError) as raised:
        template.full_clean()
    errors = raised.value.message_dict
    assert "line 1, column" in errors["subject_template"][0]
    assert any("line 2" in e for e in errors["body_template"])
    response = client_for(operator).post(
        "/api/v1/templates",
        {
            "name": "Evil",
            "subject_template": "{{ title }}",
            "body_template": "{{ unknown_thing }}",
        },
        content_type="application/json",
    )
    assert (
        response.status_code == 400 and "unknown variable" in response.content.decode()
    )
    assert not ResponseTemplate.objects.filter(name="Evil").exists()


def test_salary_talk_is_escalated_and_needs_an_admin(
    ready: None, reviewer: Any, admin_user: Any
) -> None:
    ResponseTemplate.objects.filter(category="sof").update(
        body_template="Hi {{contact_name|there}}, what is the salary range? "
        "{{sender_name}}"
    )
    draft = services.generate_draft(lead_id=make_lead().pk)
    assert draft.escalated and draft.state == State.PENDING_REVIEW
    with pytest.raises(services.NotAllowed):
        services.approve(draft_id=draft.pk, actor=reviewer)
    assert services.approve(draft_id=draft.pk, actor=admin_user).state == State.APPROVED


def test_illegal_moves_are_refused_with_the_reason_and_answer_409(
    ready: None, operator: Any
) -> None:
    draft = services.generate_draft(lead_id=make_lead().pk)
    with pytest.raises(services.IllegalTransition, match="cannot move to delivered"):
        services.transition(draft_id=draft.pk, to=State.DELIVERED, actor=operator)
    services.reject(draft_id=draft.pk, actor=operator, reason="not our kind of work")
    response = client_for(operator).post(
        f"/api/v1/drafts/{draft.pk}/transition",
        {"to": "approved"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "rejected cannot move to approved" in response.json()["detail"]


def test_edits_are_audited_with_old_and_new_text(ready: None, operator: Any) -> None:
    draft = services.generate_draft(lead_id=make_lead().pk)
    services.edit(
        draft_id=draft.pk, actor=operator, subject="New\r\nBcc: evil@x", body="Hello!"
    )
    draft.refresh_from_db()
    assert (
        draft.subject == "New Bcc: evil@x"
        and draft.body == "Hello!"
        and draft.version == 2
    )
    event = draft.events.filter(action="edit").get()
    assert event.actor == operator and event.changes["body"]["to"] == "Hello!"


def test_approving_sends_exactly_once_to_a_real_smtp_server(
    ready: None, operator: Any, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    draft = services.generate_draft(lead_id=make_lead().pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.approve(draft_id=draft.pk, actor=operator)
    assert len(callbacks) >= 1  # the send task is queued after commit
    assert sending.send_draft(draft_id=draft.pk) == "delivered"
    assert sending.send_draft(draft_id=draft.pk) == "skipped"  # a redelivered task
    draft.refresh_from_db()
    assert draft.state == State.DELIVERED and draft.delivered_at
    assert len(smtp.messages) == 1
    envelope = smtp.messages[0]
    assert envelope.rcpt_tos == [draft.to_email]
    text = envelope.content.decode()
    assert draft.message_id in text and "/optout/" in text
    trail = [e.to_state for e in draft.events.all()]
    assert trail == ["generated", "pending_review", "approved", "sent", "delivered"]
    audited = AuditEvent.objects.filter(action="reply.sent")
    assert [(a.actor, a.target, a.data["via"]) for a in audited] == [
        (operator, f"draft {draft.pk}", "smtp")
    ]
    assert draft.to_email not in str(audited[0].data)


def test_temporary_refusal_retries_later_and_permanent_refusal_fails(
    ready: None, operator: Any, smtp: Inbox
) -> None:
    draft = services.generate_draft(lead_id=make_lead().pk)
    services.approve(draft_id=draft.pk, actor=operator)
    smtp.refuse_with = "451 4.3.0 Mailbox busy, try later"
    assert sending.send_draft(draft_id=draft.pk) == "retrying"
    draft.refresh_from_db()
    assert draft.state == State.APPROVED and draft.next_attempt_at > timezone.now()
    assert "451" in draft.failure
    assert sending.send_draft(draft_id=draft.pk) == "waiting"
    smtp.refuse_with = "550 5.1.1 No such user here"
    later = timezone.now() + timedelta(hours=1)
    assert sending.send_draft(draft_id=draft.pk, now=later) == "failed"
    draft.refresh_from_db()
    assert (
        draft.state == State.FAILED and "550 5.1.1 No such user here" in draft.failure
    )
    assert smtp.messages == []


def test_a_send_interrupted_by_a_dead_worker_is_failed_not_resent(
    ready: None, operator: Any
) -> None:
    draft = services.generate_draft(lead_id=make_lead().pk)
    services.approve(draft_id=draft.pk, actor=operator)
    # The claim committed, then the worker died before the server answered.
    services.transition(
        draft_id=draft.pk,
        to=State.SENT,
        actor="mailer",
        extra={
            "sent_at": timezone.now() - timedelta(minutes=30),
            "message_id": "<x@craigleads>",
        },
    )
    assert sending.due_sends() == []
    assert sending.fail_interrupted_sends() == [draft.pk]
    draft.refresh_from_db()
    assert draft.state == State.FAILED and "not resent" in draft.events.last().note


def test_an_opt_out_blocks_any_later_approval(
    ready: None, operator: Any, client: Any
) -> None:
    first = services.generate_draft(
        lead_id=make_lead(contact_email="pat@example.com").pk
    )
    url = sending.optout_url(first.to_email).split("127.0.0.1:8000")[1]
    assert "Stop replies" in client.get(url).content.decode()
    client.post(url)
    with pytest.raises(services.DraftError, match="do-not-contact"):
        services.approve(draft_id=first.pk, actor=operator)
    assert client.get("/replies/optout/garbage/").status_code == 400


def test_outcomes_feed_the_template_success_rate(ready: None, operator: Any) -> None:
    drafts = [services.generate_draft(lead_id=make_lead().pk) for _ in range(2)]
    for draft in drafts:
        services.approve(draft_id=draft.pk, actor=operator)
        sending.mark_sent(draft_id=draft.pk, actor=operator)
    services.record_outcome(draft_id=drafts[0].pk, outcome="reply", actor=operator)
    services.record_outcome(
        draft_id=drafts[1].pk, outcome="no_response", actor=operator
    )
    assert ResponseTemplate.objects.get(pk=drafts[0].template_id).success_rate == 0.5


def test_ab_variants_are_assigned_by_a_stable_hash(ready: None) -> None:
    base = ResponseTemplate.objects.get(category="sof")
    other = ResponseTemplate.objects.create(
        name="Short",
        category="sof",
        subject_template="{{title}}",
        body_template="Hi! {{sender_name}}",
    )
    test = ABTest.objects.create(name="Short vs long", category="sof", min_sample=1)
    ABVariant.objects.create(test=test, name="A", template=base, is_control=True)
    ABVariant.objects.create(test=test, name="B", template=other)
    leads = [make_lead() for _ in range(8)]
    first = {lead.pk: services.choose_template(lead).variant for lead in leads}
    again = {lead.pk: services.choose_template(lead).variant for lead in leads}
    assert first == again and set(first.values()) <= {"A", "B"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_have_exactly_one_winner_and_one_send(
    ready: None, operator: Any, reviewer: Any, smtp: Inbox
) -> None:
    draft = services.generate_draft(lead_id=make_lead().pk)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def approve(actor: Any) -> None:
        barrier.wait()
        try:
            services.approve(draft_id=draft.pk, actor=actor)
            results.append("won")
        except services.IllegalTransition:
            results.append("lost")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(a,)) for a in (operator, reviewer)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["lost", "won"]

    sends: list[str] = []

    def send() -> None:
        barrier.wait()
        try:
            sends.append(sending.send_draft(draft_id=draft.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "delivered" in sends and len(smtp.messages) == 1
    assert (
        Draft.objects.get(pk=draft.pk).events.filter(to_state="approved").count() == 1
    )


def test_queue_page_lets_reviewers_act_and_viewers_only_read(
    ready: None, reviewer: Any, viewer: Any
) -> None:
    draft = services.generate_draft(lead_id=make_lead().pk)
    page = client_for(reviewer).get("/replies/queue/").content.decode()
    assert f'id="draft-{draft.pk}"' in page and "Approve" in page
    card = client_for(reviewer).post(
        f"/replies/drafts/{draft.pk}/approve/", HTTP_HX_REQUEST="true"
    )
    assert card.status_code == 200 and "approved" in card.content.decode()
    seen = client_for(viewer).get("/replies/queue/?state=all").content.decode()
    assert f'id="draft-{draft.pk}"' in seen and "Approve" not in seen
    assert draft.to_email not in seen
    assert (
        client_for(viewer).post(f"/replies/drafts/{draft.pk}/reject/").status_code
        == 403
    )


def test_salary_rule_matches_whole_words_only(ready: None) -> None:
    rule = ApprovalRule.objects.get(condition=ApprovalRule.Condition.MENTIONS_SALARY)
    draft = Draft(subject="We generate corporate sites", body="Accurate work.")
    draft.lead = make_lead()
    assert not services._rule_matches(rule, draft)
    draft.body = "What rate do you pay?"
    assert services._rule_matches(rule, draft)


def test_template_editor_previews_against_a_lead_and_refuses_bad_text(
    ready: None, operator: Any, viewer: Any
) -> None:
    lead = make_lead(hood="Mission")
    client = client_for(operator)
    preview = client.post(
        "/replies/templates/preview/",
        {
            "lead": lead.pk,
            "subject_template": "Re: {{title}}",
            "body_template": "Hi {{contact_name|there}} in {{hood}}",
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Re: Senior Python Developer" in preview and "Hi there in Mission" in preview
    bad = client.post(
        "/replies/templates/preview/",
        {"lead": lead.pk, "subject_template": "{{ lead.title }}", "body_template": "x"},
    ).content.decode()
    assert "line 1, column" in bad
    saved = client.post(
        "/replies/templates/new/",
        {
            "name": "Gig",
            "category": "cpg",
            "subject_template": "About {{title}}",
            "body_template": "Hello {{ settings.SECRET_KEY }}",
            "active": "on",
        },
    )
    assert saved.status_code == 400 and "line 1, column" in saved.content.decode()
    assert not ResponseTemplate.objects.filter(name="Gig").exists()
    refused = client_for(viewer).post(
        "/replies/templates/new/",
        {"name": "V", "subject_template": "{{title}}", "body_template": "x"},
    )
    assert refused.status_code == 403


def test_api_lists_drafts_masked_for_viewers_and_previews_templates(
    ready: None, operator: Any, viewer: Any
) -> None:
    draft = services.generate_draft(lead_id=make_lead().pk)
    listed = client_for(viewer).get("/api/v1/drafts?state=pending_review").json()
    assert listed["count"] == 1
    assert listed["results"][0]["to_email"].startswith(draft.to_email[0] + "***@")
    detail = client_for(operator).get(f"/api/v1/drafts/{draft.pk}").json()
    assert detail["to_email"] == draft.to_email
    assert [e["to_state"] for e in detail["events"]] == ["generated", "pending_review"]
    edited = client_for(operator).patch(
        f"/api/v1/drafts/{draft.pk}",
        {"body": "Short and kind."},
        content_type="application/json",
    )
    assert edited.json()["body"] == "Short and kind." and edited.json()["version"] == 2
    preview = (
        client_for(operator)
        .post(
            f"/api/v1/templates/{draft.template_id}/preview",
            {"lead_id": draft.lead_id},
            content_type="application/json",
        )
        .json()
    )
    assert "Senior Python Developer" in preview["subject"]


def test_ab_results_say_not_enough_data_until_the_minimum_sample(
    ready: None, operator: Any
) -> None:
    base = ResponseTemplate.objects.get(category="sof")
    other = ResponseTemplate.objects.create(
        name="Short", category="sof", subject_template="{{title}}", body_template="Hi!"
    )
    test = ABTest.objects.create(name="Short vs long", category="sof", min_sample=30)
    ABVariant.objects.create(test=test, name="A", template=base, is_control=True)
    ABVariant.objects.create(test=test, name="B", template=other)
    for _ in range(4):
        draft = services.generate_draft(lead_id=make_lead().pk)
        services.approve(draft_id=draft.pk, actor=operator)
        sending.mark_sent(draft_id=draft.pk, actor=operator)
    body = client_for(operator).get(f"/api/v1/ab-tests/{test.pk}/results").json()
    assert body["enough_data"] is False and "Not enough data yet" in body["message"]
    assert sum(v["sent"] for v in body["variants"]) == 4
    page = client_for(operator).get("/replies/ab-tests/").content.decode()
    assert "Not enough data yet" in page and "Short vs long" in page


def test_sending_waits_for_the_send_window_and_stops_at_the_daily_cap(
    ready: None, operator: Any, smtp: Inbox, settings: Any
) -> None:
    first, second = (services.generate_draft(lead_id=make_lead().pk) for _ in range(2))
    for draft in (first, second):
        services.approve(draft_id=draft.pk, actor=operator)
    settings.SEND_WINDOW_MINUTES = (9 * 60, 17 * 60)
    night = timezone.make_aware(timezone.datetime(2026, 11, 23, 23, 30))
    morning = timezone.make_aware(timezone.datetime(2026, 11, 24, 10, 0))
    assert sending.send_draft(draft_id=first.pk, now=night) == "deferred"
    assert smtp.messages == []
    settings.SEND_DAILY_CAP = 1
    assert sending.send_draft(draft_id=first.pk, now=morning) == "delivered"
    assert sending.send_draft(draft_id=second.pk, now=morning) == "deferred"
    assert len(smtp.messages) == 1
    assert sending.due_sends(now=morning) == [second.pk]  # the beat will try again


def test_an_ab_test_with_only_a_control_explains_itself_instead_of_crashing(
    ready: None, operator: Any
) -> None:
    base = ResponseTemplate.objects.get(category="sof")
    test = ABTest.objects.create(name="Lonely control", category="sof")
    ABVariant.objects.create(test=test, name="A", template=base, is_control=True)
    page = client_for(operator).get("/replies/ab-tests/")
    assert page.status_code == 200
    assert "at least one other variant" in page.content.decode()
    api = client_for(operator).get(f"/api/v1/ab-tests/{test.pk}/results")
    assert api.status_code == 409


def test_viewer_reads_drafts_and_previews_without_the_posters_name_or_address(
    ready: None, operator: Any, viewer: Any
) -> None:
    lead = make_lead(contact_name="Priya", title="Senior Python Developer")
    draft = services.generate_draft(lead_id=lead.pk)
    assert draft is not None
    draft.body = f"Hi Priya, I saw your post. Reply to {draft.to_email}."
    draft.save(update_fields=["body"])

    seen_queue = client_for(viewer).get(reverse("responses:queue"))
    assert seen_queue.status_code == 200
    queue = seen_queue.content.decode()
    assert "Hi [name hidden], I saw your post." in queue
    assert "Priya" not in queue and draft.to_email not in queue
    full_queue = client_for(operator).get(reverse("responses:queue"))
    assert "Hi Priya" in full_queue.content.decode()

    listed = client_for(viewer).get("/api/v1/drafts?state=pending_review").json()
    body = listed["results"][0]["body"]
    assert body == "Hi [name hidden], I saw your post. Reply to [e-mail hidden]."

    template = ResponseTemplate.objects.get(category="sof")
    template.body_template = "Hello {{contact_name|there}}, about {{title}}."
    template.save(update_fields=["body_template"])
    url = f"/api/v1/templates/{template.pk}/preview"
    seen = client_for(viewer).post(
        url, {"lead_id": lead.pk}, content_type="application/json"
    )
    assert seen.json()["body"] == (
        "Hello [name hidden], about Senior Python Developer."
    )
    full = client_for(operator).post(
        url, {"lead_id": lead.pk}, content_type="application/json"
    )
    assert full.json()["body"] == "Hello Priya, about Senior Python Developer."
