"""Strict API input (RELIABILITY_CHECKLIST API-3): every serializer declares its
fields, machine-written fields are never writable, and a field a serializer does
not accept answers 400 naming it instead of being silently dropped."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from model_bakery import baker
from rest_framework import serializers

from craigleads.api import (
    StrictModelSerializer,
    StrictQuerySerializer,
    StrictSerializer,
)
from leads.models import Category, Lead, Site
from tests.conftest import client_for

APPS = ("craigleads", "leads", "qualification", "responses", "learning", "scraping")
PROJECT = (*APPS, "memory")

# Fields only the system or a state transition may write (API-3 names status,
# owner, approved_by, sent_at and score; the rest are their relatives here).
MACHINE_WRITTEN = {
    "id",
    "status",
    "state",
    "owner",
    "created_by",
    "approved_by",
    "approved_at",
    "sent_at",
    "delivered_at",
    "score",
    "qualification_score",
    "qualification_grade",
    "qualification_passed",
    "qualification_reasons",
    "use_count",
    "success_rate",
    "version",
    "is_staff",
    "is_superuser",
    "created_at",
    "updated_at",
    "scraped_at",
}


def _project_serializers() -> list[type[serializers.BaseSerializer[Any]]]:
    for app in APPS:
        importlib.import_module(f"{app}.api")
    found: list[type[serializers.BaseSerializer[Any]]] = []
    pending = list(serializers.BaseSerializer.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT and cls not in found:
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


SERIALIZERS = [
    c
    for c in _project_serializers()
    if c not in {StrictSerializer, StrictModelSerializer}
    and c.__module__ != "craigleads.api"
]


def test_the_project_has_serializers_to_check() -> None:
    names = {c.__name__ for c in SERIALIZERS}
    assert {"LeadDetailOutput", "JobInput", "TemplateSerializer"} <= names


@pytest.mark.parametrize("cls", SERIALIZERS, ids=lambda c: c.__qualname__)
def test_every_serializer_is_strict_and_lists_its_fields(cls: type[Any]) -> None:
    assert issubclass(cls, StrictSerializer | StrictModelSerializer), (
        f"{cls.__module__}.{cls.__qualname__} must derive from craigleads.api's "
        "StrictSerializer or StrictModelSerializer"
    )
    if issubclass(cls, serializers.ModelSerializer):
        meta = cls.Meta
        assert not hasattr(meta, "exclude"), f"{cls.__qualname__} uses exclude"
        assert isinstance(meta.fields, list | tuple), (
            f"{cls.__qualname__}.Meta.fields must be an explicit list, "
            f"not {meta.fields!r}"
        )


@pytest.mark.parametrize("cls", SERIALIZERS, ids=lambda c: c.__qualname__)
def test_no_serializer_lets_a_client_write_a_machine_written_field(
    cls: type[Any],
) -> None:
    if issubclass(cls, StrictQuerySerializer):
        return  # query-string filters only read (?status=new)
    writable = {name for name, f in cls().fields.items() if not f.read_only}
    assert not writable & MACHINE_WRITTEN, (
        f"{cls.__qualname__} accepts {sorted(writable & MACHINE_WRITTEN)}"
    )


# --- behaviour through the API ------------------------------------------------


@pytest.fixture
def lead(defaults: None) -> Lead:
    return baker.make(
        Lead,
        url="https://sfbay.craigslist.org/sof/d/x/1.html",
        post_id="7990000001",
        title="Python developer",
        description="Remote Python work.",
        contact_email="hiring@acme-example.com",
        site=Site.objects.get(code="sfbay"),
        category=Category.objects.get(code="sof"),
    )


@pytest.fixture
def draft(lead: Lead, operator: Any) -> Any:
    from responses.models import Draft

    return baker.make(
        Draft,
        lead=lead,
        subject="Hello",
        body="Original body",
        to_email="hiring@acme-example.com",
        state=Draft.State.PENDING_REVIEW,
    )


@pytest.mark.django_db
def test_patching_a_draft_with_state_and_sent_at_is_refused_and_changes_nothing(
    operator: Any, draft: Any
) -> None:
    response = client_for(operator).patch(
        f"/api/v1/drafts/{draft.pk}",
        {"body": "Sneaky", "state": "sent", "sent_at": "2030-01-01T00:00:00Z"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"state", "sent_at"}
    assert "Accepted fields: body, subject" in response.json()["state"][0]
    draft.refresh_from_db()
    assert (draft.state, draft.sent_at, draft.body) == (
        "pending_review",
        None,
        "Original body",
    )


@pytest.mark.django_db
def test_a_read_only_template_field_is_named_as_read_only(operator: Any) -> None:
    from responses.models import ResponseTemplate

    template = baker.make(
        ResponseTemplate,
        name="t",
        subject_template="Hi",
        body_template="Hello",
        use_count=3,
    )
    response = client_for(operator).patch(
        f"/api/v1/templates/{template.pk}",
        {"use_count": 999, "success_rate": 1.0},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "success_rate": ["This field is read-only and cannot be set."],
        "use_count": ["This field is read-only and cannot be set."],
    }
    template.refresh_from_db()
    assert template.use_count == 3


@pytest.mark.django_db
def test_starting_a_scrape_job_with_a_status_is_refused(
    operator: Any, defaults: None
) -> None:
    from scraping.models import ScrapeJob

    response = client_for(operator).post(
        "/api/v1/scraper/jobs",
        {
            "location_ids": [Site.objects.get(code="sfbay").pk],
            "categories": ["sof"],
            "status": "succeeded",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    assert not ScrapeJob.objects.exists()


@pytest.mark.django_db
def test_an_unknown_field_inside_a_nested_item_is_named(
    operator: Any, lead: Lead
) -> None:
    response = client_for(operator).post(
        f"/api/v1/leads/{lead.pk}/qualify",
        {"criteria": [{"type": "keywords", "weight": 10, "bonus": 5}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    accepted = "Unknown field. Accepted fields: active, config, type, weight."
    assert response.json() == {"criteria": {"0": {"bonus": [accepted]}}}


@pytest.mark.django_db
def test_a_misspelt_query_parameter_is_refused_but_paging_is_not(
    viewer: Any, lead: Lead
) -> None:
    client = client_for(viewer)
    misspelt = client.get("/api/v1/leads?grde=A")
    assert misspelt.status_code == 400 and list(misspelt.json()) == ["grde"]
    paged = client.get("/api/v1/leads?limit=1&offset=0&grade=A")
    assert paged.status_code == 200 and paged.json()["count"] == 0
    drafts = client.get("/api/v1/drafts?state=bogus")
    assert drafts.status_code == 400 and list(drafts.json()) == ["state"]


@pytest.mark.django_db
def test_api_responses_are_never_cached(admin_user: Any, lead: Lead) -> None:
    client = client_for(admin_user)
    for url in ["/api/v1/", "/api/v1/leads", f"/api/v1/leads/{lead.pk}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_a_json_value_of_the_wrong_type_is_named_not_coerced(operator: Any) -> None:
    from responses.models import ResponseTemplate

    response = client_for(operator).post(
        "/api/v1/templates",
        {"name": 7, "subject_template": "Hi", "body_template": "Hello", "active": 0},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "active": ["Expected true or false, got a number."],
        "name": ["Expected a string, got a number."],
    }
    assert not ResponseTemplate.objects.exists()


@pytest.mark.django_db
def test_the_api_reads_json_bodies_only(operator: Any) -> None:
    response = client_for(operator).post(
        "/api/v1/templates", {"name": "t", "subject_template": "Hi"}
    )
    assert response.status_code == 415


@pytest.mark.django_db
def test_a_lead_named_in_the_body_that_does_not_exist_is_a_bad_field(
    operator: Any,
) -> None:
    response = client_for(operator).post(
        "/api/v1/ml/predict", {"lead_id": 999_999}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"lead_id": ["No lead 999999."]}


@pytest.mark.django_db
def test_malformed_paging_is_refused_naming_the_parameter(viewer: Any) -> None:
    client = client_for(viewer)
    for query, name in [("limit=0", "limit"), ("offset=-1", "offset")]:
        response = client.get(f"/api/v1/leads?{query}")
        assert response.status_code == 400, query
        assert list(response.json()) == [name]
    assert client.get("/api/v1/leads?limit=abc").json() == {
        "limit": ["Must be a whole number from 1 to 500."]
    }


@pytest.mark.django_db
def test_an_ab_test_with_only_a_control_answers_409_not_500(
    admin_user: Any,
) -> None:
    from responses.models import ABTest, ABVariant, ResponseTemplate

    template = baker.make(ResponseTemplate, name="t")
    test = baker.make(ABTest, name="lonely")
    baker.make(ABVariant, test=test, template=template, name="a", is_control=True)
    response = client_for(admin_user).get(f"/api/v1/ab-tests/{test.pk}/results")
    assert response.status_code == 409
    assert "cannot be analysed yet" in response.json()["detail"]
