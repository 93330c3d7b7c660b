"""Qualifying leads: stored results, real-time scoring after commit, bulk
re-scoring with progress, the API and the console."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from model_bakery import baker

from leads.models import Category, Lead, Site
from leads.services import record_posting
from qualification import services
from qualification.models import CriteriaProfile, Criterion, RescoreRun
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(defaults: None) -> CriteriaProfile:
    profile = CriteriaProfile.objects.get(is_default=True)
    Criterion.objects.filter(profile=profile, type="keywords").update(
        config={"required": ["python", "fastapi"], "nice_to_have": [], "synonyms": {}}
    )
    Criterion.objects.filter(profile=profile, type="salary").update(
        config={"min_annual": 100000, "max_annual": 160000}
    )
    return profile


def seed_lead(**extra: Any) -> Lead:
    fields = {
        "url": f"https://sfbay.craigslist.org/sof/d/x/{Lead.objects.count() + 1}.html",
        "title": "Senior Python Developer",
        "description": "We build APIs in Python with FastAPI. Fully remote team.",
        "compensation": "$120,000 - $140,000",
        "is_remote": True,
        "site": Site.objects.get(code="sfbay"),
        "category": Category.objects.get(code="sof"),
        **extra,
    }
    return baker.make(Lead, **fields)


def test_the_seed_example_scores_above_0_8_with_a_salary_reason(profile: Any) -> None:
    lead = seed_lead()
    result = services.qualify_lead(lead_id=lead.pk)
    lead.refresh_from_db()
    assert result.score > 0.8 and lead.qualification_score > 0.8
    assert lead.qualification_grade in {"A", "B"} and lead.qualification_passed
    assert any("Salary range matches" in r for r in lead.qualification_reasons)
    assert set(lead.qualification_breakdown) == {
        "salary",
        "keywords",
        "location",
        "experience",
        "company",
    }
    assert float(lead.salary_min_annual) == 120000  # qualification owns salary


def test_a_failing_hard_filter_is_named_and_grades_f(profile: CriteriaProfile) -> None:
    Criterion.objects.update_or_create(
        profile=profile,
        type="blocked_words",
        defaults={"name": "No commission", "config": {"words": ["commission only"]}},
    )
    lead = seed_lead(description="Python and FastAPI. Commission only, no base pay.")
    result = services.qualify_lead(lead_id=lead.pk)
    assert not result.passed and result.grade == "F"
    assert result.failed_filter == "blocked_words"
    assert "commission only" in result.reasons[0].lower()


def test_a_recorded_posting_is_queued_for_qualification_after_commit(
    profile: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from qualification.tasks import qualify_lead_task

    queued: list[int] = []
    monkeypatch.setattr(qualify_lead_task, "delay", queued.append)
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = record_posting(
            parsed={
                "status": "active",
                "post_id": "7999000001",
                "site": "sfbay",
                "category": "sof",
                "title": "Senior Python Developer",
                "description": "Python, FastAPI, remote.",
                "compensation": "$120,000 - $140,000",
            },
            url="https://sfbay.craigslist.org/sof/d/a/7999000001.html",
        )
        assert queued == []  # nothing is queued before the commit
    for callback in callbacks:
        callback()
    assert queued == [outcome.lead.pk]
    qualify_lead_task.run(outcome.lead.pk)  # what the worker does with it
    lead = Lead.objects.get(pk=outcome.lead.pk)
    assert lead.qualification_grade in {"A", "B"}


def test_saving_criteria_regrades_every_lead_in_chunks_with_progress(
    profile: CriteriaProfile, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for i in range(7):
        seed_lead(
            title=f"Python developer {i}" if i % 2 else f"Barista {i}",
            description="Python" if i % 2 else "Coffee",
        )
    for lead in Lead.objects.all():
        services.qualify_lead(lead_id=lead.pk)
    run = services.start_rescore(profile=profile)
    while services.run_rescore_chunk(run_id=run.pk, chunk=3):
        pass
    run.refresh_from_db()
    assert run.status == RescoreRun.Status.DONE and run.done == run.total == 7
    assert not Lead.objects.filter(qualification_grade="").exists()
    lead = Lead.objects.order_by("pk").first()
    assert lead.qualified_at is not None and lead.qualified_at.tzinfo is not None
    assert isinstance(lead.qualification_breakdown, dict)
    assert isinstance(lead.qualification_reasons, list)


def test_preview_reports_grade_moves_without_storing(profile: CriteriaProfile) -> None:
    for _ in range(4):
        services.qualify_lead(lead_id=seed_lead().pk)
    before = list(Lead.objects.values_list("qualification_grade", flat=True))
    strict = services.config_from_inline(
        [
            {"type": "remote_required", "config": {}, "weight": 0},
            {
                "type": "salary",
                "config": {"min_annual": 300000, "max_annual": 400000},
                "weight": 30,
            },
        ]
    )
    moves = services.grade_moves(config=strict)
    assert moves["total"] == 4 and sum(moves["moves"].values()) >= 1
    assert list(Lead.objects.values_list("qualification_grade", flat=True)) == before


def test_api_qualifies_with_stored_or_inline_criteria(
    profile: Any, operator: Any, viewer: Any
) -> None:
    lead = seed_lead()
    client = client_for(operator)
    stored = client.post(
        f"/api/v1/leads/{lead.pk}/qualify", {}, content_type="application/json"
    )
    assert stored.status_code == 200
    body = stored.json()
    assert (
        set(body) >= {"score", "grade", "passed", "reasons", "breakdown"}
        and body["stored"]
    )
    inline = client.post(
        f"/api/v1/qualification/qualify/{lead.pk}",
        {
            "criteria": [
                {
                    "type": "salary",
                    "config": {"min_annual": 200000, "max_annual": 250000},
                    "weight": 100,
                }
            ]
        },
        content_type="application/json",
    ).json()
    assert inline["stored"] is False and inline["score"] < body["score"]
    bad = client.post(
        f"/api/v1/leads/{lead.pk}/qualify",
        {"criteria": [{"type": "salary", "config": {"minimum": 5}}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "minimum" in bad.content.decode()
    assert (
        client_for(viewer).post(f"/api/v1/leads/{lead.pk}/qualify").status_code == 403
    )


def test_criteria_crud_validates_configs(
    profile: CriteriaProfile, operator: Any
) -> None:
    client = client_for(operator)
    listed = client.get("/api/v1/qualification/criteria").json()
    assert {c["type"] for c in listed["results"]} >= {"salary", "keywords"}
    created = client.post(
        "/api/v1/qualification/criteria",
        {
            "profile": profile.pk,
            "name": "Fresh only",
            "type": "max_age",
            "config": {"days": 14},
            "weight": 0,
            "active": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    criterion_id = created.json()["id"]
    bad = client.patch(
        f"/api/v1/qualification/criteria/{criterion_id}",
        {"config": {"days": "soon"}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "days must be a number" in bad.content.decode()
    assert (
        client.delete(f"/api/v1/qualification/criteria/{criterion_id}").status_code
        == 204
    )


def test_lead_page_shows_the_breakdown_and_the_criteria_page_previews(
    profile: Any, operator: Any
) -> None:
    lead = seed_lead()
    services.qualify_lead(lead_id=lead.pk)
    client = client_for(operator)
    fragment = client.get(f"/qualification/leads/{lead.pk}/score/").content.decode()
    assert "<meter" in fragment and "Salary range matches" in fragment
    page = client.get("/qualification/criteria/")
    assert page.status_code == 200
    form = page.context["form"].initial
    data = {k: v for k, v in form.items() if v is not None and v is not False}
    data["seniority"] = form.get("seniority") or []
    data["salary_min"] = 500000
    data["salary_max"] = 600000
    preview = client.post(
        "/qualification/criteria/preview/", data, HTTP_HX_REQUEST="true"
    )
    assert "would change grade" in preview.content.decode()
    invalid = client.post("/qualification/criteria/save/", {**data, "salary_max": 1})
    assert invalid.status_code == 400
    assert "The upper end is below the lower end." in invalid.content.decode()
    saved = client.post("/qualification/criteria/save/", data)
    assert saved.status_code == 302
    assert RescoreRun.objects.filter(profile=profile).exists()
    assert (
        Criterion.objects.get(profile=profile, type="salary").config["min_annual"]
        == 500000
    )


def test_parse_compensation_and_load_defaults_profile_validate(defaults: None) -> None:
    from qualification.validation import validate_config

    for criterion in Criterion.objects.all():
        validate_config(criterion.type, criterion.config)
    call_command("load_defaults", verbosity=0)


def test_recovery_sweep_requeues_leads_that_were_never_scored(
    profile: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from craigleads.recovery import run_recovery_sweep
    from qualification.tasks import qualify_lead_task

    lost = seed_lead()
    scored = seed_lead()
    services.qualify_lead(lead_id=scored.pk)
    queued: list[int] = []
    monkeypatch.setattr(qualify_lead_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        recovered = run_recovery_sweep()
    assert recovered["unqualified_leads"] == [lost.pk]
    assert queued == [lost.pk]
