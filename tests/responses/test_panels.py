"""The dashboard's reply panels: the response funnel and the A/B summary, with
drafts moved through the real state machine."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from model_bakery import baker

from leads.models import Category, Lead, Site
from responses import sending, services
from responses.models import ABTest, ABVariant, Draft, ResponseTemplate
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
State = Draft.State


def qualified_lead(n: int, **extra: Any) -> Lead:
    """A lead that wants a draft (graded A, passed), without running the scorer."""
    fields = {
        "url": f"https://sfbay.craigslist.org/sof/d/x/{n}.html",
        "post_id": str(7_800_000_000 + n),
        "title": f"Python developer {n}",
        "description": "We build APIs in Python.",
        "company": f"Panel Co {n}",
        "contact_email": f"jobs{n}@panel-example.com",
        "site": Site.objects.get(code="sfbay"),
        "category": Category.objects.get(code="sof"),
        "qualification_passed": True,
        "qualification_grade": "A",
        "qualification_score": 0.9,
        **extra,
    }
    return baker.make(Lead, **fields)


def funnel_rows(html: str) -> dict[str, list[str]]:
    """The funnel table as {stage: [drafts, of generated, of previous]}."""
    rows = re.findall(r'<tr data-stage="(\w+)">(.*?)</tr>', html, re.S)
    return {
        stage: [
            re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td.*?</td>", body)
        ][1:]
        for stage, body in rows
    }


def test_the_funnel_counts_each_step_the_drafts_reached(
    defaults: None, reviewer: Any, viewer: Any
) -> None:
    drafts = [services.generate_draft(lead_id=qualified_lead(n).pk) for n in range(5)]
    assert all(d is not None and d.state == State.PENDING_REVIEW for d in drafts)
    for draft in drafts[:3]:
        services.approve(draft_id=draft.pk, actor=reviewer)
    services.reject(draft_id=drafts[3].pk, actor=reviewer, reason="not a fit")
    for draft in drafts[:2]:
        sending.mark_sent(draft_id=draft.pk, actor=reviewer)
    services.record_outcome(
        draft_id=drafts[0].pk, outcome=Draft.Outcome.REPLY, actor=reviewer
    )
    services.record_outcome(
        draft_id=drafts[1].pk, outcome=Draft.Outcome.NO_RESPONSE, actor=reviewer
    )

    html = client_for(viewer).get("/").content.decode()

    assert funnel_rows(html) == {
        "generated": ["5", "100%", "—"],
        "approved": ["3", "60%", "60%"],
        "sent": ["2", "40%", "66%"],
        "replied": ["1", "20%", "50%"],
        "interview": ["0", "0%", "0%"],
    }
    chart = json.loads(re.search(r'id="funnel-data"[^>]*>(.*?)</script>', html)[1])
    assert chart == {
        "labels": ["Generated", "Approved", "Sent", "Replied", "Interview"],
        "series": {"drafts": [5, 3, 2, 1, 0]},
    }
    assert "Waiting for review: 1 · rejected: 1 · failed to send: 0" in html


def test_an_interview_counts_as_a_reply_too(defaults: None, reviewer: Any) -> None:
    draft = services.generate_draft(lead_id=qualified_lead(1).pk)
    services.approve(draft_id=draft.pk, actor=reviewer)
    sending.mark_sent(draft_id=draft.pk, actor=reviewer)
    services.record_outcome(
        draft_id=draft.pk, outcome=Draft.Outcome.INTERVIEW, actor=reviewer
    )
    rows = funnel_rows(client_for(reviewer).get("/").content.decode())
    assert [rows[s][0] for s in ("sent", "replied", "interview")] == ["1", "1", "1"]


def test_without_drafts_the_funnel_says_how_drafts_come_about(viewer: Any) -> None:
    html = client_for(viewer).get("/").content.decode()
    assert "No reply drafts yet." in html and "approval queue" in html
    assert 'id="funnel-data"' not in html


def make_test(name: str, *, min_sample: int, category: str = "sof") -> ABTest:
    base = baker.make(
        ResponseTemplate, name=f"{name} short", subject_template="Hi", body_template="x"
    )
    other = baker.make(
        ResponseTemplate, name=f"{name} long", subject_template="Hi", body_template="y"
    )
    test = ABTest.objects.create(name=name, category=category, min_sample=min_sample)
    ABVariant.objects.create(test=test, name="A", template=base, is_control=True)
    ABVariant.objects.create(test=test, name="B", template=other)
    return test


def sent_drafts(test: ABTest, variant: str, *, sent: int, replies: int) -> None:
    start = Lead.objects.count()
    for i in range(sent):
        baker.make(
            Draft,
            lead=baker.make(Lead, url=f"https://x.craigslist.org/{start + i}.html"),
            ab_test=test,
            variant=variant,
            state=State.DELIVERED,
            outcome=Draft.Outcome.REPLY if i < replies else Draft.Outcome.NO_RESPONSE,
        )


def ab_rows(html: str, test_name: str) -> list[list[str]]:
    section = html.split(f"<h3>{test_name}", 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row)]
        for row in re.findall(r"<tr><td.*?</tr>", section, re.S)
    ]


def test_the_ab_summary_shows_rates_and_the_chance_to_beat_control(
    viewer: Any,
) -> None:
    test = make_test("Short vs long", min_sample=10)
    sent_drafts(test, "A", sent=20, replies=2)
    sent_drafts(test, "B", sent=20, replies=10)
    # Drafts not yet sent count for nothing.
    baker.make(
        Draft,
        lead=baker.make(Lead, url="https://x.craigslist.org/unsent.html"),
        ab_test=test,
        variant="B",
        state=State.APPROVED,
    )

    html = client_for(viewer).get("/").content.decode()

    assert ab_rows(html, "Short vs long") == [
        ["A control", "Short vs long short", "20", "2", "10%", "—"],
        ["B", "Short vs long long", "20", "10", "50%", "99%"],
    ]
    assert "Variant B beats control with 99% probability." in html


def test_a_young_test_says_there_is_not_enough_data_yet(viewer: Any) -> None:
    test = make_test("Fresh", min_sample=30)
    sent_drafts(test, "A", sent=3, replies=1)
    html = client_for(viewer).get("/").content.decode()
    assert ab_rows(html, "Fresh")[1][-1] == "not enough data yet"
    assert "Not enough data yet: each variant needs 30 sends" in html


def test_a_test_without_a_control_is_named_as_broken_not_a_crash(
    viewer: Any,
) -> None:
    test = make_test("No control", min_sample=5)
    test.variants.update(is_control=False)
    html = client_for(viewer).get("/").content.decode()
    assert "This test cannot be analysed: exactly one variant must be the control" in (
        html
    )


def test_stopped_tests_are_left_out_and_none_running_says_so(viewer: Any) -> None:
    test = make_test("Stopped", min_sample=5)
    ABTest.objects.filter(pk=test.pk).update(active=False)
    html = client_for(viewer).get("/").content.decode()
    assert "<h3>Stopped" not in html
    assert "No A/B test is running." in html


def test_test_names_from_the_admin_are_shown_escaped(viewer: Any) -> None:
    make_test("<img src=x onerror=alert(1)>", min_sample=5)
    html = client_for(viewer).get("/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_reply_panels_hide_from_a_user_who_may_not_read_drafts(
    viewer: Any,
) -> None:
    from django.contrib.auth.models import Permission

    # A custom role with leads but not drafts: the panels leave themselves out.
    viewer.groups.clear()
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_lead", content_type__app_label="leads")
    )
    html = client_for(viewer).get("/").content.decode()
    assert 'id="panel-funnel"' not in html and 'id="panel-ab-tests"' not in html
    assert "<h1>Dashboard</h1>" in html
