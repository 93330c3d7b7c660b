"""The advisor in the database: feedback from the console and the API, advice,
replay versions and rollback, metrics."""

from __future__ import annotations

from typing import Any

import pytest
from model_bakery import baker

from leads.models import Category, Lead, Site
from learning import services
from learning.models import AgentVersion, Feedback, LearningState
from qualification import services as qualification
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def make_lead(**extra: Any) -> Lead:
    n = Lead.objects.count() + 1
    lead = baker.make(
        Lead,
        url=f"https://sfbay.craigslist.org/sof/d/x/{n}.html",
        title="Senior Python Developer",
        description="Python and FastAPI, fully remote.",
        compensation="$130,000 - $150,000",
        is_remote=True,
        site=Site.objects.get(code="sfbay"),
        category=Category.objects.get(code="sof"),
        **extra,
    )
    qualification.qualify_lead(lead_id=lead.pk)
    lead.refresh_from_db()
    return lead


def test_feedback_teaches_the_advisor_what_the_team_does(defaults: None) -> None:
    lead = make_lead()
    state = services.state_for_lead(lead)
    assert services.advise(lead=lead).q_values == dict.fromkeys(
        ("qualify_high", "qualify_medium", "qualify_low", "skip"), 0.0
    )
    for _ in range(5):
        services.record_feedback(lead_id=lead.pk, kind="rejected")
    advice = services.advise(lead=lead)
    assert advice.action in {"qualify_low", "skip"}
    assert advice.state.key == state.key and advice.confidence > 0
    row = LearningState.objects.get(state_key=state.key)
    assert row.visit_count == 5 and row.q_values["skip"] > row.q_values["qualify_high"]
    # Q(s, pursue) after one -5 step from 0 with alpha 0.1 is -0.5, then it compounds.
    first = Feedback.objects.order_by("id").first()
    assert first.reward == -5 and first.advice == "qualify_high"


def test_console_decisions_become_feedback_after_commit(
    defaults: None,
    operator: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from learning.tasks import record_feedback_task
    from responses import services as replies

    queued: list[tuple[int, str]] = []
    monkeypatch.setattr(record_feedback_task, "delay", lambda *a: queued.append(a))
    lead = make_lead(contact_email="jobs@acme-example.com", company="Acme")
    draft = replies.generate_draft(lead_id=lead.pk)
    with django_capture_on_commit_callbacks(execute=True):
        replies.reject(draft_id=draft.pk, actor=operator, reason="not a fit")
    assert queued == [(lead.pk, "rejected")]


def test_replay_makes_versions_that_can_be_rolled_back(defaults: None) -> None:
    lead = make_lead()
    services.record_feedback(lead_id=lead.pk, kind="approved")
    v1 = services.replay(seed=1)
    before = dict(LearningState.objects.get().q_values)
    for _ in range(3):
        services.record_feedback(lead_id=lead.pk, kind="rejected")
    services.replay(seed=2)
    assert LearningState.objects.get().q_values != before
    back = services.rollback(version=v1.version)
    assert back.version == 3 and "rollback to version 1" in back.note
    assert LearningState.objects.get().q_values == before
    assert back.epsilon == v1.epsilon < 1.0  # one replay decays epsilon once
    with pytest.raises(services.LearningError, match="no version 99"):
        services.rollback(version=99)
    assert AgentVersion.objects.count() == 3


def test_api_feedback_predict_and_metrics(
    defaults: None, operator: Any, viewer: Any
) -> None:
    lead = make_lead()
    client = client_for(operator)
    created = client.post(
        f"/api/v1/leads/{lead.pk}/feedback",
        {"action": "approved"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["kind"] == "approved"
    again = client.post(
        "/api/v1/ml/feedback",
        {"lead_id": lead.pk, "action": "interview"},
        content_type="application/json",
    )
    assert again.status_code == 201
    bad = client.post(
        "/api/v1/ml/feedback",
        {"lead_id": lead.pk, "action": "liked"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "liked" in bad.content.decode()
    predicted = (
        client_for(viewer)
        .post(
            "/api/v1/ml/predict", {"lead_id": lead.pk}, content_type="application/json"
        )
        .json()
    )
    assert predicted["action"] == "qualify_high"
    assert set(predicted["q_values"]) == {
        "qualify_high",
        "qualify_medium",
        "qualify_low",
        "skip",
    }
    raw = (
        client_for(viewer)
        .post(
            "/api/v1/ml/predict",
            {"features": {"salary_range": 20000, "keyword_match_ratio": 0.0}},
            content_type="application/json",
        )
        .json()
    )
    assert "salary_range" in raw["state"]
    unknown = client_for(viewer).post(
        "/api/v1/ml/predict",
        {"features": {"vibes": 1}},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    metrics = client_for(viewer).get("/api/v1/ml/metrics").json()
    assert metrics["agreement"] == 1.0 and metrics["cumulative_reward"] == 30.0
    assert (
        metrics["states_visited"] == 1
        and metrics["hyperparameters"]["batch_size"] == 32
    )
    assert client_for(viewer).post("/api/v1/ml/feedback", {}).status_code == 403


def test_lead_page_shows_advice_and_flags_disagreement(
    defaults: None, viewer: Any
) -> None:
    lead = make_lead()
    for _ in range(6):
        services.record_feedback(lead_id=lead.pk, kind="rejected")
    # The score says pursue; the team kept rejecting leads like it.
    assert lead.qualification_grade in {"A", "B"}
    page = client_for(viewer).get(f"/learning/leads/{lead.pk}/advice/").content.decode()
    assert "Advisor suggests" in page
    assert "disagrees with the grade" in page
    services.record_feedback(lead_id=lead.pk, kind="approved")
    for _ in range(12):
        services.record_feedback(lead_id=lead.pk, kind="approved")
    agreed = (
        client_for(viewer).get(f"/learning/leads/{lead.pk}/advice/").content.decode()
    )
    assert "disagrees with the grade" not in agreed


def test_console_decisions_move_the_advisor_page(
    defaults: None, admin_user: Any
) -> None:
    lead = make_lead()
    client = client_for(admin_user)
    assert "No decisions yet" in client.get("/learning/").content.decode()
    for kind in ("approved", "approved", "rejected"):
        services.record_feedback(lead_id=lead.pk, kind=kind)
    services.replay(seed=3)
    page = client.get("/learning/").content.decode()
    assert "agreement with the team (last 3 decisions)" in page and "version 1" in page
    services.replay(seed=4)
    response = client.post("/learning/versions/1/rollback/", follow=True)
    assert "Rolled back" in response.content.decode()
