"""Retention: personal data older than PERSONAL_DATA_RETENTION_DAYS is purged in
batches by a beat task, and the lead's statistics survive."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from craigleads.celery import app
from craigleads.models import AuditEvent
from craigleads.personal_data import purge_expired_personal_data
from craigleads.tasks import purge_expired_personal_data_task
from leads.models import Category, Lead, Site
from learning.models import Feedback
from memory import services as memory
from responses.models import Draft, DraftEvent
from scraping.models import ParseFailure

pytestmark = pytest.mark.django_db

EMAIL = "pat.doe@example.org"
PHONE = "(510) 555-0199"


def make_lead(n: int, *, age_days: int, seen_days: int | None = None) -> Lead:
    """A lead first stored `age_days` ago and last scraped `seen_days` ago, with
    personal data everywhere it can be."""
    site, _ = Site.objects.get_or_create(
        code="sfbay", defaults={"name": "SF bay area", "host": "sfbay.craigslist.org"}
    )
    category, _ = Category.objects.get_or_create(
        code="sof", defaults={"name": "software", "section": "jjj"}
    )
    lead = Lead.objects.create(
        url=f"https://sfbay.craigslist.org/sof/d/x/{7_800_000_000 + n}.html",
        post_id=str(7_800_000_000 + n),
        site=site,
        category=category,
        title=f"Python developer {n}",
        description=f"Remote Python role. Write to {EMAIL} or call {PHONE}.",
        company="Doe Labs",
        contact_name="Pat Doe",
        contact_email=EMAIL,
        contact_phone=PHONE,
        map_address="12 Doe St",
        json_ld=[{"@type": "JobPosting", "email": EMAIL}],
        body_html=f"<html><a href='mailto:{EMAIL}'>{EMAIL}</a></html>",
        qualification_score=0.82,
        qualification_grade="B",
        qualification_passed=True,
    )
    now = timezone.now()
    created = now - timedelta(days=age_days)
    scraped = now - timedelta(days=age_days if seen_days is None else seen_days)
    Lead.objects.filter(pk=lead.pk).update(created_at=created, scraped_at=scraped)
    draft = Draft.objects.create(
        lead=lead,
        subject=f"Re: Python developer {n}",
        body="Hi Pat, ...",
        to_email=EMAIL,
        state=Draft.State.DELIVERED,
        failure=f"450 {EMAIL} busy",
        outcome=Draft.Outcome.REPLY,
    )
    DraftEvent.objects.create(
        draft=draft,
        actor_name="operator",
        action="outcome",
        note=f"Pat wrote back from {EMAIL}",
        changes={"outcome": {"from": "", "to": "reply"}},
    )
    memory.record_message(
        lead_id=lead.pk, direction="in", subject="Re: hi", body=f"Call {PHONE}"
    )
    memory.record_episode(lead_id=lead.pk, step="scraped", detail={"category": "sof"})
    Feedback.objects.create(
        lead=lead,
        kind="reply_received",
        reward=1.0,
        state_key="s",
        advice="pursue",
        metadata={"note": f"reply from {EMAIL}"},
    )
    ParseFailure.objects.create(url=lead.url, lead=lead, html=lead.body_html)
    lead.refresh_from_db()
    return lead


def personal_left(lead: Lead) -> dict[str, Any]:
    lead.refresh_from_db()
    draft = Draft.objects.get(lead=lead)
    return {
        "lead": [
            lead.contact_name,
            lead.contact_email,
            lead.contact_phone,
            lead.description,
            lead.map_address,
            lead.body_html,
            lead.json_ld,
        ],
        "draft": [draft.to_email, draft.body, draft.failure],
        "events": list(
            DraftEvent.objects.filter(draft=draft).values("note", "changes")
        ),
        "messages": len(memory.thread(lead_id=lead.pk)),
        "feedback": list(Feedback.objects.filter(lead=lead).values_list("metadata")),
        "failures": list(ParseFailure.objects.filter(lead=lead).values_list("html")),
    }


PURGED = {
    "lead": ["", "", "", "", "", "", []],
    "draft": ["", "", ""],
    "events": [{"note": "", "changes": {}}],
    "messages": 0,
    "feedback": [({},)],
    "failures": [("",)],
}


def test_leads_past_retention_lose_their_personal_data_and_keep_their_statistics(
    settings: Any,
) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    old = make_lead(1, age_days=200)
    updated_at = old.updated_at
    counts = purge_expired_personal_data()
    assert personal_left(old) == PURGED
    assert (old.title, old.company, old.category.code) == (
        "Python developer 1",
        "Doe Labs",
        "sof",
    )
    assert (old.qualification_score, old.qualification_grade) == (0.82, "B")
    # Left alone so qualification's stored features stay valid for re-scoring.
    assert old.updated_at == updated_at
    draft = Draft.objects.get(lead=old)
    assert (draft.subject, draft.state, draft.outcome) == (
        "Re: Python developer 1",
        "delivered",
        "reply",
    )
    assert memory.episode(lead_id=old.pk)  # the story stays, without contacts
    assert counts["leads.Lead"] == 1 and counts["responses.Draft"] == 1
    audit = AuditEvent.objects.get(action="gdpr.purge")
    assert audit.data["counts"] == counts


def test_recent_leads_and_leads_still_being_seen_are_kept(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    recent = make_lead(1, age_days=20)
    still_live = make_lead(2, age_days=400, seen_days=1)
    before = (personal_left(recent), personal_left(still_live))
    assert purge_expired_personal_data() == {}
    assert (personal_left(recent), personal_left(still_live)) == before
    assert not AuditEvent.objects.filter(action="gdpr.purge").exists()


def test_purging_twice_changes_nothing_the_second_time(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    old = make_lead(1, age_days=60)
    assert purge_expired_personal_data()
    assert purge_expired_personal_data() == {}
    assert personal_left(old) == PURGED
    assert AuditEvent.objects.filter(action="gdpr.purge").count() == 1


def test_zero_days_keeps_everything(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 0
    old = make_lead(1, age_days=3000)
    before = personal_left(old)
    assert purge_expired_personal_data() == {}
    assert personal_left(old) == before


def test_purging_works_in_batches_and_resumes_where_it_stopped(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    leads = [make_lead(n, age_days=90) for n in range(5)]
    first = purge_expired_personal_data(batch_size=2, max_batches=1)
    assert first["leads.Lead"] == 2
    left = [lead for lead in leads if personal_left(lead) != PURGED]
    assert len(left) == 3
    rest = purge_expired_personal_data(batch_size=2)
    assert rest["leads.Lead"] == 3
    assert all(personal_left(lead) == PURGED for lead in leads)


def test_pages_of_unparseable_postings_and_old_outbox_files_are_purged(
    settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    old_mail, new_mail = tmp_path / "old.log", tmp_path / "new.log"
    for path in (old_mail, new_mail):
        path.write_text(f"To: {EMAIL}\n\nHi")
    long_ago = (timezone.now() - timedelta(days=45)).timestamp()
    os.utime(old_mail, (long_ago, long_ago))
    failure = ParseFailure.objects.create(
        url="https://sfbay.craigslist.org/sof/d/x/1.html",
        html=f"<p>{EMAIL}</p>",
        errors=["no title"],
    )
    ParseFailure.objects.filter(pk=failure.pk).update(
        created_at=timezone.now() - timedelta(days=45)
    )
    fresh = ParseFailure.objects.create(url="https://x.example/2", html="<p>new</p>")
    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_expired_personal_data()
    assert counts["scraping.ParseFailure"] == 1 and counts["files"] == 1
    failure.refresh_from_db()
    assert (failure.html, failure.errors) == ("", ["no title"])
    assert ParseFailure.objects.get(pk=fresh.pk).html == "<p>new</p>"
    assert not old_mail.exists() and new_mail.exists()


def test_the_beat_task_runs_the_purge_within_its_time_limits(settings: Any) -> None:
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    old = make_lead(1, age_days=60)
    purge_expired_personal_data_task.apply().get()
    assert personal_left(old) == PURGED
    task = app.tasks["craigleads.purge_expired_personal_data"]
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert task.soft_time_limit < task.time_limit < visibility / 2
    assert any(
        entry["task"] == "craigleads.purge_expired_personal_data"
        for entry in app.conf.beat_schedule.values()
    )
